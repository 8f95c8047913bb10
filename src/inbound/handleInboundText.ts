/**
 * What Frontdesk answers a patient's text: JOIN, STATUS, LEAVE, HELP, the opt-out and opt-in words,
 * and a short help for anything else. Returns the reply; `null` means no reply at all.
 */
import type { Logger } from 'pino';
import type { Clinic } from '../clinics/clinics.js';
import { AppError } from '../errors.js';
import { parseCommand } from '../domain/commands.js';
import { formatPhoneForPeople, type PhoneAddress } from '../domain/phone.js';
import { patientTexts } from '../domain/patientTexts.js';
import { isOptedOut, recordOptOut } from '../messaging/messenger.js';
import { joinQueue, type QueueDeps } from '../queue/joinQueue.js';
import { findOpenTicketByPhone } from '../queue/readQueue.js';
import { transitionTicket } from '../queue/transitionTicket.js';

/** One inbound text, already matched to its clinic. */
export interface InboundText {
  clinic: Clinic;
  from: PhoneAddress;
  body: string;
  messageSid: string;
}

/** Acts on `text` and returns the reply to send the patient, or null (opted out, STOP). */
export async function handleInboundText(deps: QueueDeps & { log: Logger }, text: InboundText): Promise<string | null> {
  const { sql } = deps;
  const { clinic, from } = text;
  const command = parseCommand(text.body);

  if (command.kind === 'opt_out') {
    await recordOptOut(sql, clinic.id, from.phone, command.keyword);
    return null;
  }
  if (command.kind === 'opt_in') {
    await sql`delete from opt_outs where clinic_id = ${clinic.id} and phone = ${from.phone}`;
    return patientTexts.optedIn(clinic.name);
  }
  // No message of any kind goes to a number that opted out, and nothing starts that would send one.
  if (await isOptedOut(sql, clinic.id, from.phone)) return null;

  switch (command.kind) {
    case 'join': {
      const joined = await joinQueue(deps, { clinic, phone: from.phone, channel: from.channel, note: command.note, joinKey: text.messageSid });
      if (joined.kind === 'already') return patientTexts.alreadyJoined(clinic.name, joined.ticket);
      return joined.nextDay ? patientTexts.joinedNextDay(clinic.name, joined.ticket) : patientTexts.joined(clinic.name, joined.ticket);
    }
    case 'status': {
      const ticket = await findOpenTicketByPhone(sql, clinic.id, from.phone);
      return ticket === undefined ? patientTexts.notInLine(clinic.name) : patientTexts.status(clinic.name, ticket);
    }
    case 'leave': {
      const ticket = await findOpenTicketByPhone(sql, clinic.id, from.phone);
      if (ticket === undefined) return patientTexts.notInLine(clinic.name);
      if (ticket.state === 'in_room') return patientTexts.cannotLeaveInRoom(clinic.name, ticket.code);
      try {
        await transitionTicket(deps, ticket, 'left', 'patient');
      } catch (error) {
        // The ticket closed between the read and the update (called in, or the day ended).
        if (!(error instanceof AppError)) throw error;
        deps.log.info({ code: ticket.code, reason: error.message }, 'LEAVE refused');
        const now = await findOpenTicketByPhone(sql, clinic.id, from.phone);
        return now === undefined ? patientTexts.notInLine(clinic.name) : patientTexts.cannotLeaveInRoom(clinic.name, now.code);
      }
      return patientTexts.left(clinic.name, ticket.code);
    }
    case 'help':
      return patientTexts.help(clinic.name, clinic.smsNumber === null ? 'the clinic' : formatPhoneForPeople(clinic.smsNumber));
    case 'unknown':
      return patientTexts.unknown(clinic.name);
  }
}
