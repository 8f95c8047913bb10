/**
 * What Frontdesk answers a patient's text: JOIN, STATUS, LEAVE, HELP (or their Spanish words, UNIRSE,
 * ESTADO, SALIR, AYUDA …, answered in Spanish: `answerLanguage`), the opt-out and opt-in words,
 * ESPAÑOL / ENGLISH, an answer to a question a workflow asked (the reply router, replyRouter.ts), a
 * YES or NO to a waitlist offer whose hold has run out (answerLapsedOffer.ts), an answer to a reminder
 * or to a list of times whose appointment has moved since (answerMovedAppointment.ts), a YES, CHANGE or
 * NO to a visit already confirmed whose question has closed (answerConfirmedAppointment.ts), and a short
 * help listing what the patient can answer for anything else. An answer, and the commands STATUS,
 * LEAVE, JOIN and CANCEL, may be followed by courtesy (`yes please`, `no thanks`, `status please`,
 * `cancel please`: `readAnswer`, promptAnswers.ts); the opt-out, opt-in and help words never are
 * (they are read as commands.ts says; AYUDA, no Twilio keyword, may be). A CANCEL, bare or with courtesy, cancels the same visit: the one
 * whose open reminder question takes it, else the soonest open appointment (cancelWord.ts); with
 * courtesy it is never Twilio's opt-out word, and is answered.
 * Returns the reply, in the patient's language (see patientLanguages.ts); `null` means no reply at all.
 *
 * A WhatsApp quick-reply button press is read as the word it stands for (`buttonAnswer`) and then like
 * any text, with one difference: it is an explicit answer, so a `Cancel` button goes to the reply
 * router (cancelling the appointment) and is never the carrier opt-out word CANCEL (cancelWord.ts),
 * which Twilio applies to typed SMS, not to a WhatsApp button.
 */
import type { Logger } from 'pino';
import { phoneToCall, type Clinic } from '../clinics/clinics.js';
import { answerLanguage, resolvePatientLanguage, setPatientLanguage } from '../clinics/patientLanguages.js';
import { parseCommand, twilioConfirmsOptOut } from '../domain/commands.js';
import { formatPhoneForPeople, type PhoneAddress } from '../domain/phone.js';
import { patientTextsIn } from '../domain/patientTexts.js';
import { waitsForNextOpenDay } from '../domain/serviceDay.js';
import { isOptedOut, recordOptOut, removeOptOut } from '../messaging/messenger.js';
import { joinQueue, type QueueDeps } from '../queue/joinQueue.js';
import { findOpenTicketByPhone } from '../queue/readQueue.js';
import { leaveQueue } from '../queue/leaveQueue.js';
import { renderMessage } from '../clinics/messageTemplates.js';
import type { AppointmentPromptKind } from '../workflows/appointmentDefinitions.js';
import { OFFER_PROMPT_KIND } from '../workflows/offerDefinitions.js';
import { findOpenPrompts } from './patientPrompts.js';
import { buttonAnswer, routeAnswer, type QuickReplyButton } from './replyRouter.js';
import { handleCancelWord } from '../appointments/cancelWord.js';
import { signalOffersOptedOut } from '../waitlist/offerSignals.js';
import { isAcknowledgement, isBareCancel, readAnswer } from '../domain/promptAnswers.js';
import { readOfferAnswer } from '../domain/offerAnswers.js';
import { answerLapsedOffer } from '../waitlist/answerLapsedOffer.js';
import { answerMovedAppointment } from '../appointments/answerMovedAppointment.js';
import { answerConfirmedAppointment } from '../appointments/answerConfirmedAppointment.js';

/** One inbound text, already matched to its clinic. `body` is the button's text for a button press. */
export interface InboundText {
  clinic: Clinic;
  from: PhoneAddress;
  body: string;
  messageSid: string;
  /** The WhatsApp quick-reply button the patient tapped, when the message is a tap. */
  button?: QuickReplyButton;
}

/** Acts on `text` and returns the reply to send the patient, or null (opted out, STOP). */
export async function handleInboundText(deps: QueueDeps & { log: Logger }, text: InboundText): Promise<string | null> {
  const { sql } = deps;
  const { clinic, from } = text;
  const answer = text.button === undefined ? text.body : await buttonAnswer(sql, clinic.id, from.phone, text.button);
  const command = parseCommand(answer);

  if (command.kind === 'opt_out') {
    // Confirmed once: a number already opted out gets nothing, not a second confirmation (nor a language switched by it).
    const already = await isOptedOut(sql, clinic.id, from.phone);
    await recordOptOutWithRetries(sql, clinic.id, from.phone, command.keyword);
    // Pending waitlist offers end at once: no "taken" or "withdrawn" text follows a STOP.
    await signalOffersOptedOut(deps, clinic.id, from.phone);
    // Twilio confirms its own keywords by SMS; any other opt-out (`stop texting me`, `ALTO`, any on WhatsApp) is confirmed here, once.
    if (already || (from.channel === 'sms' && twilioConfirmsOptOut(text.body))) return null;
    return patientTextsIn(await answerLanguage(sql, clinic, from.phone, command.wordLanguage), clinic.defaultLanguage).optedOut(clinic.name);
  }
  if (command.kind === 'opt_in') {
    // A YES from a number that never opted out is an ordinary answer (it opts nothing back in).
    const optedOut = await isOptedOut(sql, clinic.id, from.phone);
    if (optedOut || command.keyword !== 'YES') {
      await removeOptOut(sql, clinic.id, from.phone);
      return patientTextsIn(await resolvePatientLanguage(sql, clinic, from.phone), clinic.defaultLanguage).optedIn(clinic.name);
    }
  }
  // Before the opted-out check: CANCEL may be the very word that opted the number out (at Twilio).
  if (text.button === undefined && isBareCancel(text.body)) {
    const outcome = await handleCancelWord(deps, clinic, from.phone, 'alone', text.messageSid);
    if (outcome !== 'not_handled') return outcome.reply;
  }
  const said = readAnswer(answer);
  // CANCEL with courtesy (`cancel please`): typed, not a button, which only ever answers its question.
  const cancelWithCourtesy = text.button === undefined && said === 'CANCEL' && !isBareCancel(text.body);
  // No message of any kind goes to a number that opted out, and nothing starts that would send one.
  if (await isOptedOut(sql, clinic.id, from.phone)) {
    // LEAVE and CANCEL are still carried out, unanswered: staff would otherwise call a patient who
    // never hears it, or keep a visit the patient asked to cancel.
    if (command.kind === 'leave') await leaveQueue(deps, clinic.id, from.phone);
    if (cancelWithCourtesy) await handleCancelWord(deps, clinic, from.phone, 'with_courtesy', text.messageSid);
    return null;
  }

  if (command.kind === 'language') {
    await setPatientLanguage(sql, clinic.id, from.phone, command.language);
    return patientTextsIn(command.language).languageSet(clinic.name);
  }
  // A walk-in command in a Spanish word (`AYUDA`, `UNIRSE`) is answered in Spanish.
  const language = await answerLanguage(sql, clinic, from.phone, 'wordLanguage' in command ? command.wordLanguage : undefined);
  const patientTexts = patientTextsIn(language, clinic.defaultLanguage);

  switch (command.kind) {
    case 'opt_in': // YES from a number that never opted out: an answer like any other
    case 'unknown': {
      // Its open reminder question first, as the router would, then the soonest visit: cancelWord.ts.
      if (cancelWithCourtesy) {
        const outcome = await handleCancelWord(deps, clinic, from.phone, 'with_courtesy', text.messageSid);
        if (outcome !== 'not_handled') return outcome.reply;
      }
      const routed = await routeAnswer(deps, clinic.id, from.phone, answer);
      if (routed.kind === 'answered') return routed.reply;
      const offerAnswer = readOfferAnswer(said);
      if (offerAnswer !== null) {
        const lapsed = await answerLapsedOffer(sql, clinic, from.phone, language, offerAnswer);
        if (lapsed !== null) return lapsed;
      }
      const moved = await answerMovedAppointment(sql, clinic, from.phone, said);
      if (moved !== null) return moved;
      const confirmedAgain = await answerConfirmedAppointment(deps, clinic, from.phone, said);
      if (confirmedAgain !== null) return confirmedAgain;
      if (routed.open.length === 0) {
        // "Thanks", "ok" or 👍 after a confirmation or a call to the desk: nothing to answer.
        if (isAcknowledgement(answer)) return null;
        return patientTexts.unknown(clinic.name);
      }
      const ticket = await findOpenTicketByPhone(sql, clinic.id, from.phone);
      const answers = [...new Set(routed.open.flatMap((prompt) => prompt.invited)), ...(ticket === undefined ? ['JOIN'] : ['STATUS', 'LEAVE'])];
      return patientTexts.unknown(clinic.name, answers);
    }
    case 'join': {
      const joined = await joinQueue(deps, { clinic, phone: from.phone, channel: from.channel, note: command.note, joinKey: text.messageSid });
      if (joined.kind === 'already') {
        return joined.nextDay
          ? patientTexts.alreadyJoinedNextDay(clinic.name, joined.ticket, joined.serviceDay)
          : patientTexts.alreadyJoined(clinic.name, joined.ticket);
      }
      return joined.nextDay ? patientTexts.joinedNextDay(clinic.name, joined.ticket, joined.serviceDay) : patientTexts.joined(clinic.name, joined.ticket);
    }
    case 'status': {
      const ticket = await findOpenTicketByPhone(sql, clinic.id, from.phone);
      if (ticket === undefined) return patientTexts.notInLine(clinic.name);
      return waitsForNextOpenDay(ticket, clinic.timezone)
        ? patientTexts.statusNextDay(clinic.name, ticket, ticket.serviceDay)
        : patientTexts.status(clinic.name, ticket);
    }
    case 'leave': {
      const outcome = await leaveQueue(deps, clinic.id, from.phone);
      if (outcome.kind === 'not_in_line') return patientTexts.notInLine(clinic.name);
      if (outcome.kind === 'in_room') return patientTexts.cannotLeaveInRoom(clinic.name, outcome.code);
      return patientTexts.left(clinic.name, outcome.code);
    }
    case 'help': {
      // Asked about a visit or offered one, and not in the walk-in line: the help about the question
      // asked last, in the clinic's own wording when it has one: `help` for a reminder's question,
      // `list_help` for a list of open times, `offer_help` for a waitlist offer.
      const asked = (await findOpenPrompts(sql, clinic.id, from.phone)).find((prompt) => Object.hasOwn(HELP_KINDS, prompt.kind));
      if (asked !== undefined && (await findOpenTicketByPhone(sql, clinic.id, from.phone)) === undefined) {
        return (await renderMessage(sql, { clinic, kind: HELP_KINDS[asked.kind as HelpedPromptKind], language, values: {} })).text;
      }
      const phone = phoneToCall(clinic);
      return patientTexts.help(clinic.name, phone === null ? clinic.name : formatPhoneForPeople(phone));
    }
  }
}

/** The questions a patient's HELP is answered about: an appointment's, or a waitlist offer. */
type HelpedPromptKind = AppointmentPromptKind | typeof OFFER_PROMPT_KIND;

/**
 * The help template for each question: `help` for a reminder's "reply YES to confirm, NO to cancel,
 * CHANGE …", `list_help` for a list of open times ("reply with the number …, YES to keep …"),
 * `offer_help` for a waitlist offer ("reply YES to take the visit we offered you, or NO to pass").
 */
const HELP_KINDS: Record<HelpedPromptKind, 'help' | 'list_help' | 'offer_help'> = {
  appointment_reminder: 'help',
  reschedule_slots: 'list_help',
  [OFFER_PROMPT_KIND]: 'offer_help',
};

/** Attempts at recording an opt-out before the message is left for the sweep to handle again. */
const OPT_OUT_ATTEMPTS = 3;

/**
 * Records an opt-out, trying again on a failure (Postgres restarting, a dropped connection) so the
 * patient's STOP holds even through a short outage.
 * @throws the last error after `OPT_OUT_ATTEMPTS` failures (the message is then left unanswered and retried by the sweep).
 */
async function recordOptOutWithRetries(sql: QueueDeps['sql'], clinicId: number, phone: string, keyword: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await recordOptOut(sql, clinicId, phone, keyword);
      return;
    } catch (error) {
      if (attempt >= OPT_OUT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
