/**
 * The appointment chain's messages: the text of a kind for the appointment as its row stands (a
 * reply's text), a text sent once per idempotency key, and one attempt of a message on a channel (a
 * reminder call, WhatsApp or its approved template, SMS) with the delivery receipt that may already
 * have come. Rendered from the clinic's templates in the patient's language.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../db/sql.js';
import { withdrawCallIfQuestionClosed } from '../calls/withdrawnCalls.js';
import { getClinicById } from '../clinics/clinics.js';
import { renderMessage } from '../clinics/messageTemplates.js';
import { QUESTION_LINES, type LineKind } from '../domain/messageTemplates.js';
import type { MessageValues } from '../domain/messageValues.js';
import { isFinalStatus, type DeliveryChannel } from '../domain/deliveryFallback.js';
import { isKnownLandline } from '../messaging/knownLandlines.js';
import type { Messenger, SendOutcome } from '../messaging/messenger.js';
import type { AppointmentMessageKind, DeliveryReceipt } from '../workflows/appointmentDefinitions.js';
import { FailureType } from '../workflows/definitions.js';
import { findAppointment, type AppointmentRow } from './appointmentRows.js';
import { callOrRejectPermanently, failPermanentErrorsFast, sendOrRejectPermanently } from './permanentFailures.js';
import { deliverText } from './textDelivery.js';

/** Input of `renderAppointmentMessage`; `slots` (epoch ms) for `reschedule_options`. */
export interface RenderAppointmentMessageInput {
  appointmentId: string;
  kind: AppointmentMessageKind;
  slots?: number[];
  /** A line written before the text (`slot_taken`: the time the patient picked was just taken). */
  first?: LineKind;
}

/** Input of `sendAppointmentMessage`; `idempotencyKey` is `appointment:<id>:<startsAt ISO>:<kind>[:<n>]`. */
export interface SendAppointmentMessageInput extends Omit<RenderAppointmentMessageInput, 'first'> {
  idempotencyKey: string;
  /**
   * The chain opened the reminder's question for this message: a kind whose wording does not ask it
   * (a staff move's `rescheduled`) ends with its question line (`QUESTION_LINES`). Absent: asks nothing.
   */
  opensPrompt?: boolean;
}

/**
 * Input of `deliverAppointmentMessage`: one attempt of a message on `channel`. `idempotencyKey` is
 * the attempt's (see `attemptKey`), `deliveryKey` the message's, shared by all its attempts.
 */
export interface DeliverAppointmentMessageInput extends SendAppointmentMessageInput {
  deliveryKey: string;
  channel: DeliveryChannel;
  /** Why this attempt goes on this channel (a fallback), for the message or call log. */
  note?: string;
  /** Skip the attempt when the number is known to be a landline (a text after unanswered calls). */
  requireMobile?: boolean;
}

/**
 * What an attempt did: sent (or placed) now or before, with the MessageSid / CallSid whose receipt
 * settles it and the channel it went on (WhatsApp without a template goes by SMS); or nothing, because
 * the number opted out (`suppressed`), takes no texts, or the question a call not yet placed would ask
 * has closed (`skipped`).
 */
export type DeliveryResult =
  | { outcome: 'sent' | 'already_sent'; channel: DeliveryChannel; sid: string; receipt?: DeliveryReceipt }
  | { outcome: 'suppressed' | 'skipped'; channel: DeliveryChannel };

/**
 * The text of `kind` for the appointment as its row stands, in the patient's language, from the
 * clinic's templates (its own wording, else the shipped one: see messageTemplates.ts), with the lines
 * `first` before it and `then` after it, if given.
 */
async function render(
  sql: Sql,
  row: AppointmentRow,
  kind: AppointmentMessageKind,
  slots: readonly number[] = [],
  lines: { first?: LineKind | undefined; then?: LineKind | undefined } = {},
): Promise<string> {
  const clinic = await getClinicById(sql, row.clinic_id);
  const { first, then } = lines;
  const { text } = await renderMessage(sql, {
    clinic,
    kind,
    language: row.language,
    values: valuesOf(row, slots),
    ...(first === undefined ? {} : { first }),
    ...(then === undefined ? {} : { then }),
  });
  return text;
}

/** The line a message that opens the reminder's question ends with, if its kind's wording does not ask it itself. */
const questionLineOf = (input: SendAppointmentMessageInput): LineKind | undefined => (input.opensPrompt === true ? QUESTION_LINES[input.kind] : undefined);

/** The placeholder values of the appointment as its row stands; `slots` epoch ms. */
function valuesOf(row: AppointmentRow, slots: readonly number[] = []): MessageValues {
  return {
    patientName: row.patient_name,
    doctorName: row.provider_name,
    startsAt: row.starts_at,
    ...(row.follow_up_date === null ? {} : { followUpDate: row.follow_up_date }),
    slots: slots.map((slot) => new Date(slot)),
  };
}

/** The appointment chain's message activities, bound to a Postgres pool and a messenger. */
export function createAppointmentMessageActivities({ sql, messenger }: { sql: Sql; messenger: Messenger }) {
  return {
    /** The text of `kind` for the appointment as its row stands (a reply's text), after the line `first`, if given. */
    async renderAppointmentMessage(input: RenderAppointmentMessageInput): Promise<string> {
      return failPermanentErrorsFast('renderAppointmentMessage', async () =>
        render(sql, await findAppointment(sql, input.appointmentId), input.kind, input.slots, { first: input.first }),
      );
    },

    /**
     * Sends the text of `kind` on the appointment's channel, once per idempotency key: chains
     * scheduled it before the delivery fallback (`deliverAppointmentMessage`) and may still retry it.
     * @throws ApplicationFailure `MessageRejected` (non-retryable) when the provider refuses it, or
     *   the channel (`voice`) has no text sender.
     */
    async sendAppointmentMessage(input: SendAppointmentMessageInput): Promise<SendOutcome['outcome']> {
      const appointment = await failPermanentErrorsFast('sendAppointmentMessage', () => findAppointment(sql, input.appointmentId));
      if (appointment.channel === 'voice') throw ApplicationFailure.nonRetryable('voice appointments are not texted', FailureType.MessageRejected);
      const sent = await sendOrRejectPermanently(messenger, {
        clinicId: appointment.clinic_id,
        phone: appointment.phone,
        channel: appointment.channel,
        body: await render(sql, appointment, input.kind, input.slots, { then: questionLineOf(input) }),
        idempotencyKey: input.idempotencyKey,
      });
      return sent.outcome;
    },

    /**
     * One attempt of the message `kind` on `input.channel`, once per idempotency key: a call reads a
     * reminder (voice), with the attempt's reason (`note`) in the call log; WhatsApp sends the text inside the patient's 24-hour window and, outside it,
     * the clinic's approved template for the kind (no body), else goes by SMS with the reason in the
     * message log; SMS sends the text. A text that opens the reminder's question without asking it
     * (`opensPrompt`, a staff move's `rescheduled`) ends with its question line. Opted-out numbers get nothing.
     * Each try of a call Twilio has not placed first checks its question is still open: once the patient
     * has answered it by text or staff moved or cancelled the visit, it is withdrawn (`skipped`).
     * @returns the attempt's sid, whose final receipt the chain waits for (see DeliveryResult).
     * @throws ApplicationFailure `MessageRejected` (non-retryable) when the provider refuses it.
     */
    async deliverAppointmentMessage(input: DeliverAppointmentMessageInput): Promise<DeliveryResult> {
      const appointment = await failPermanentErrorsFast('deliverAppointmentMessage', () => findAppointment(sql, input.appointmentId));
      const { clinic_id: clinicId, phone } = appointment;
      if (input.channel === 'voice') {
        const call = { appointmentId: appointment.id, deliveryKey: input.deliveryKey, idempotencyKey: input.idempotencyKey };
        if (await withdrawCallIfQuestionClosed(sql, messenger, call)) return { outcome: 'skipped', channel: 'voice' };
        const placed = await callOrRejectPermanently(messenger, {
          clinicId,
          phone,
          language: appointment.language,
          idempotencyKey: input.idempotencyKey,
          appointmentId: appointment.id,
          deliveryKey: input.deliveryKey,
          ...(input.note === undefined ? {} : { note: input.note }),
        });
        if (placed.outcome === 'suppressed') return { outcome: 'suppressed', channel: 'voice' };
        const receipt = await finalReceiptSoFar(sql, 'voice', placed.callSid);
        return {
          outcome: placed.outcome === 'placed' ? 'sent' : 'already_sent',
          channel: 'voice',
          sid: placed.callSid,
          ...(receipt === undefined ? {} : { receipt }),
        };
      }
      if (input.requireMobile === true && (await isKnownLandline(sql, phone))) return { outcome: 'skipped', channel: input.channel };

      const then = questionLineOf(input);
      const { sent, channel } = await deliverText(sql, messenger, {
        clinic: await getClinicById(sql, clinicId),
        phone,
        channel: input.channel,
        kind: input.kind,
        ...(then === undefined ? {} : { then }),
        language: appointment.language,
        values: valuesOf(appointment, input.slots),
        idempotencyKey: input.idempotencyKey,
        ...(input.note === undefined ? {} : { note: input.note }),
        links: { appointmentId: appointment.id, deliveryKey: input.deliveryKey },
      });
      if (sent.outcome === 'suppressed') return { outcome: 'suppressed', channel };
      const receipt = await finalReceiptSoFar(sql, channel, sent.messageSid);
      return { outcome: sent.outcome, channel, sid: sent.messageSid, ...(receipt === undefined ? {} : { receipt }) };
    },
  };
}

/**
 * A final status callback that came before the sid was in our log (a fast provider): the status
 * webhook could not tell the chain, so the attempt's result carries it.
 */
async function finalReceiptSoFar(sql: Sql, channel: DeliveryChannel, sid: string): Promise<DeliveryReceipt | undefined> {
  const events =
    channel === 'voice'
      ? await sql<{ status: string; error_code: number | null; answered_by: string | null }[]>`
          select status, error_code, answered_by from call_status_events where call_sid = ${sid} order by id`
      : await sql<{ status: string; error_code: number | null; answered_by: null }[]>`
          select status, error_code, null as answered_by from message_status_events where provider_sid = ${sid} order by id`;
  const final = events.find((e) => isFinalStatus(channel, e.status));
  if (final === undefined) return undefined;
  return { sid, status: final.status, errorCode: final.error_code, ...(final.answered_by === null ? {} : { answeredBy: final.answered_by }) };
}
