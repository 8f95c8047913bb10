/**
 * Every text Frontdesk sends a walk-in patient. Kept to the GSM-7 alphabet (no emoji, straight
 * quotes) so each stays one or two SMS segments (Twilio: GSM-7 160 characters, 153 when split).
 */
import type { TicketState } from './ticketStates.js';

/** A ticket as the patient hears about it. `etaMinutes` is whole minutes; `position` counts from 1. */
export interface TicketStanding {
  code: string;
  state: TicketState;
  position: number | null;
  etaMinutes: number | null;
}

/** Messages a ticket workflow sends on its own (not replies to a text). */
export type TicketNotice = 'called' | 'still_calling' | 'closed_for_day' | 'no_show';

function place(t: TicketStanding): string {
  if (t.state === 'next') return `it's your turn - please come to the front desk now.`;
  if (t.state === 'in_room') return `you're being seen now.`;
  return `you're #${t.position ?? '?'} in line, estimated wait ${t.etaMinutes ?? '?'} min.`;
}

/** The patient texts, each taking the clinic's name first. */
export const patientTexts = {
  joined: (clinic: string, t: TicketStanding) =>
    `${clinic}: your ticket is ${t.code} and ${place(t)} We'll text you when it's your turn. Reply STATUS for your place, LEAVE to give up your spot.`,
  joinedNextDay: (clinic: string, t: TicketStanding) =>
    `${clinic}: we've closed for today, so your ticket ${t.code} is for our next open day: you're #${t.position ?? '?'} in line, estimated wait ${t.etaMinutes ?? '?'} min once we open. We'll text you when it's your turn. Reply LEAVE to give up your spot.`,
  alreadyJoined: (clinic: string, t: TicketStanding) => `${clinic}: you're already in line with ticket ${t.code}; ${place(t)}`,
  status: (clinic: string, t: TicketStanding) => `${clinic}: ticket ${t.code}, ${place(t)}`,
  notInLine: (clinic: string) => `${clinic}: you're not in line right now. Reply JOIN to get a ticket.`,
  left: (clinic: string, code: string) => `${clinic}: you've left the line (ticket ${code}). Reply JOIN if you'd like to come back.`,
  cannotLeaveInRoom: (clinic: string, code: string) => `${clinic}: ticket ${code} is being seen now, so it can't leave the line.`,
  help: (clinic: string, phoneForPeople: string) =>
    `${clinic} walk-in line. Reply JOIN to get a ticket, STATUS for your place, LEAVE to give up your spot. Questions? Call ${phoneForPeople} or ask at the front desk. Reply STOP to stop all texts.`,
  unknown: (clinic: string) => `${clinic}: sorry, we didn't understand. Reply JOIN to get in line, STATUS for your place, LEAVE to leave, HELP for help.`,
  optedIn: (clinic: string) => `${clinic}: you'll get our texts again. Reply JOIN to get in line, HELP for help.`,
  notice: (clinic: string, code: string, notice: TicketNotice): string => {
    switch (notice) {
      case 'called':
        return `${clinic}: ticket ${code}, you're next! Please come to the front desk now.`;
      case 'still_calling':
        return `${clinic}: ticket ${code}, we are calling you. Please come to the front desk now, or reply LEAVE if you can't make it.`;
      case 'closed_for_day':
        return `${clinic}: the walk-in line has closed for the day, so ticket ${code} has ended. We're sorry we couldn't see you today.`;
      case 'no_show':
        return `${clinic}: we called ticket ${code} but couldn't find you, so it has ended. Reply JOIN to get back in line.`;
    }
  },
};
