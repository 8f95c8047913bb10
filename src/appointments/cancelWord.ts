/**
 * `CANCEL` from a patient, alone or with courtesy around it (`cancel please`, `Cancel, thanks`:
 * `readAnswer`, src/domain/promptAnswers.ts).
 *
 * Which visit it cancels does not depend on how it was written: the appointment whose open reminder
 * question takes it (the reply router's rule, replyRouter.ts: the most recently asked open question
 * that accepts `CANCEL`), else the patient's soonest open appointment. A patient reminded of their
 * later visit who texts `CANCEL` means that visit, with or without `please`.
 *
 * A bare `CANCEL` is one of Twilio's default opt-out words on long codes
 * (twilio.com/docs/messaging/tutorials/advanced-opt-out): while the clinic's number keeps those words
 * (`clinics.cancel_is_opt_out`, default true), Twilio has already blocked every later text to the
 * patient, whatever we do, so that visit is cancelled, their walk-in ticket still in line (`waiting`
 * or `next`) leaves it (staff would otherwise call a patient who never hears it), the opt-out is
 * recorded as Twilio's, their pending waitlist offers end as after a STOP (offerSignals.ts), and
 * nothing is sent back (a reply would fail with 21610). A clinic that
 * removed `CANCEL` from its Messaging Service's opt-out words sets the flag false: then `CANCEL`
 * cancels with the normal `cancelled` reply, and without an open appointment it is an ordinary unknown
 * text (the ticket stays: the patient still gets our texts and can `LEAVE`).
 * The appointment is cancelled and the ticket leaves before the opt-out is recorded, so a failed cancel
 * or leave (retried by the reply sweep) is never stopped by the opt-out it would have recorded. The
 * visit cancelled is noted on the text's own row (`messages.cancelled_appointment_id`) as soon as it is
 * cancelled, so the sweep handling the same text again after a later step failed finds that visit and
 * never cancels the patient's next one too.
 *
 * `CANCEL` with courtesy is never an opt-out: Twilio blocks a number only on the opt-out word as the
 * whole message, not on `cancel please` (help.twilio.com, "Twilio support for opt-out keywords (SMS
 * STOP filtering)"). The patient can still be texted, and is answered as a clinic without `CANCEL`
 * as an opt-out word answers a bare one: the visit is cancelled with the `cancelled` reply (none to a
 * number that opted out earlier); without an open appointment it is an ordinary unknown text.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Clinic } from '../clinics/clinics.js';
import { getClinicSettings } from '../clinics/clinicSettings.js';
import { renderMessage } from '../clinics/messageTemplates.js';
import type { Sql } from '../db/sql.js';
import { isOptedOut, recordOptOut } from '../messaging/messenger.js';
import { routeAnswer } from '../inbound/replyRouter.js';
import { leaveQueue } from '../queue/leaveQueue.js';
import { signalOffersOptedOut } from '../waitlist/offerSignals.js';
import { cancelAppointmentUpdate } from '../workflows/appointmentDefinitions.js';
import { findOpenAppointmentsByPhone, getAppointment, type Appointment } from './appointments.js';
import { changeAppointment } from './changeAppointment.js';

/** What a CANCEL did: the reply to send (null: none), or `not_handled` (an ordinary text). */
export type CancelWordOutcome = { reply: string | null } | 'not_handled';

/** How the patient wrote CANCEL: `alone` (Twilio's opt-out word) or `with_courtesy` (never an opt-out). */
export type CancelWording = 'alone' | 'with_courtesy';

/**
 * Acts on `CANCEL` from `phone` (E.164) at `clinic` in inbound message `messageSid` (its MessageSid),
 * written as `wording` says, by the rule above.
 * @throws AppError unavailable when the chain does not answer in time, or Temporal's client errors when
 *   the reminder's chain or the ticket's workflow cannot be reached (the caller's failure path then
 *   answers: receiveInboundMessage.ts).
 */
export async function handleCancelWord(
  deps: { sql: Sql; temporal: Client; log: Logger },
  clinic: Clinic,
  phone: string,
  wording: CancelWording,
  messageSid: string,
): Promise<CancelWordOutcome> {
  const optsOut = wording === 'alone' && (await getClinicSettings(deps.sql, clinic.id)).cancelIsOptOut;
  const cancelled = (await cancelledEarlier(deps.sql, clinic.id, messageSid)) ?? (await cancelVisit(deps, clinic, phone, messageSid));
  if (optsOut) {
    const left = await leaveQueue(deps, clinic.id, phone);
    if (left.kind === 'left') deps.log.info({ code: left.code }, 'ticket left the line by the patient (CANCEL)');
    await recordOptOut(deps.sql, clinic.id, phone, 'CANCEL');
    // Pending waitlist offers end at once, as after a STOP: Twilio would refuse their texts.
    await signalOffersOptedOut(deps, clinic.id, phone);
    return { reply: null };
  }
  if (cancelled === undefined) return 'not_handled';
  if (await isOptedOut(deps.sql, clinic.id, phone)) return { reply: null };
  if (cancelled.by === 'reminder_answer') return { reply: cancelled.reply };
  const { appointment } = cancelled;
  const { text } = await renderMessage(deps.sql, {
    clinic,
    kind: 'cancelled',
    language: appointment.language,
    values: { patientName: appointment.patientName, doctorName: appointment.providerName, startsAt: appointment.startsAt },
  });
  return { reply: text };
}

/**
 * How a CANCEL's visit was cancelled: as the answer to its open reminder question (the chain's own
 * `cancelled` reply), or by this CANCEL directly, now or when the same text was handled before (no
 * reply rendered yet).
 */
type CancelledVisit = { by: 'reminder_answer'; reply: string | null } | { by: 'cancel_word'; appointment: Appointment };

/**
 * Cancels the visit a CANCEL from `phone` (E.164) at `clinic` is about, by the rule above, and notes
 * it on inbound message `messageSid`'s row.
 * @returns how it was cancelled, or undefined when the patient has no open appointment.
 * @throws what `routeAnswer` and `changeAppointment` throw (Temporal unavailable, the chain failing the update).
 */
async function cancelVisit(
  deps: { sql: Sql; temporal: Client; log: Logger },
  clinic: Clinic,
  phone: string,
  messageSid: string,
): Promise<CancelledVisit | undefined> {
  const routed = await routeAnswer(deps, clinic.id, phone, 'CANCEL');
  if (routed.kind === 'answered') {
    deps.log.info({ workflowId: routed.prompt.workflowId }, 'appointment cancelled by the patient (CANCEL, answering its reminder)');
    await deps.sql`
      update messages set cancelled_appointment_id = (select id from appointments where clinic_id = ${clinic.id} and workflow_id = ${routed.prompt.workflowId})
      where provider_sid = ${messageSid} and direction = 'inbound'`;
    return { by: 'reminder_answer', reply: routed.reply };
  }
  const [appointment] = await findOpenAppointmentsByPhone(deps.sql, clinic.id, phone);
  if (appointment === undefined) return undefined;
  await changeAppointment(deps, appointment, `cancelling appointment ${appointment.id}`, (h) =>
    h.executeUpdate(cancelAppointmentUpdate, { args: [{ by: 'patient_cancel_word' }] }),
  );
  deps.log.info({ appointmentId: appointment.id }, 'appointment cancelled by the patient (CANCEL)');
  await deps.sql`update messages set cancelled_appointment_id = ${appointment.id} where provider_sid = ${messageSid} and direction = 'inbound'`;
  return { by: 'cancel_word', appointment };
}

/**
 * The visit inbound message `messageSid` cancelled when it was handled before at `clinicId` (the sweep
 * handles a text again when a later step failed), or undefined when it cancelled none yet.
 */
async function cancelledEarlier(sql: Sql, clinicId: number, messageSid: string): Promise<CancelledVisit | undefined> {
  const [row] = await sql<{ id: string }[]>`
    select cancelled_appointment_id::text as id from messages
    where provider_sid = ${messageSid} and direction = 'inbound' and cancelled_appointment_id is not null`;
  return row === undefined ? undefined : { by: 'cancel_word', appointment: await getAppointment(sql, clinicId, row.id) };
}
