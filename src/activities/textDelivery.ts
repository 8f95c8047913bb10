/**
 * One patient text on SMS or WhatsApp, rendered from the clinic's templates and sent once per
 * idempotency key. WhatsApp follows Meta's customer-service window: inside it (the patient wrote on
 * WhatsApp within 24 hours, read from the message log) the text goes as written; outside it only an
 * approved template may go (a free-form body fails with 63016), so the clinic's template for the kind
 * goes instead, one whose `{question}` variable carries the question line when the text asks one
 * (src/clinics/whatsAppTemplates.ts), else the text goes by SMS with the reason in the message log. Used by the appointment
 * chains and the waitlist offers alike.
 */
import type { Clinic } from '../clinics/clinics.js';
import { renderMessage } from '../clinics/messageTemplates.js';
import { whatsAppTemplateFor } from '../clinics/whatsAppTemplates.js';
import type { Sql } from '../db/sql.js';
import { QUESTION_LINES, type LineKind, type TextKind } from '../domain/messageTemplates.js';
import type { MessageValues } from '../domain/messageValues.js';
import type { Messenger, PatientMessage, SendOutcome } from '../messaging/messenger.js';
import type { ProviderTemplate } from '../messaging/sender.js';
import { sendOrRejectPermanently } from './permanentFailures.js';

/** The customer-service window: a free-form WhatsApp message may go until 24 h after the patient's last message (Meta's rule). */
const WHATSAPP_WINDOW = '24 hours';

/** A text to deliver: what it says (`kind` filled with `values` in `language`) and where it goes. */
export interface PatientText {
  clinic: Clinic;
  /** E.164. */
  phone: string;
  channel: 'sms' | 'whatsapp';
  kind: TextKind;
  /** A line written after the text (`rescheduled_question`); an approved WhatsApp template carries it in its `{question}` variable. */
  then?: LineKind;
  language: string;
  values: MessageValues;
  idempotencyKey: string;
  /** Why it goes on this channel (a fallback), for the message log. */
  note?: string;
  /** What it belongs to, for the message log and its receipts. */
  links?: Pick<PatientMessage, 'appointmentId' | 'deliveryKey' | 'offerId'>;
  /** Until when a try of it may be made (`PatientMessage.sendUntil`); unset: the running activity's last attempt. */
  sendUntil?: Date;
}

/**
 * Delivers `text` by the rule above.
 * @returns the send's outcome and the channel it went on (WhatsApp without a template goes by SMS).
 * @throws ApplicationFailure `MessageRejected` (non-retryable) when the provider refuses it.
 */
export async function deliverText(sql: Sql, messenger: Messenger, text: PatientText): Promise<{ sent: SendOutcome; channel: 'sms' | 'whatsapp' }> {
  const { clinic, phone, kind, language, values } = text;
  let channel = text.channel;
  let note = text.note;
  let template: ProviderTemplate | undefined;
  if (channel === 'whatsapp' && !(await insideWhatsAppWindow(sql, clinic.id, phone))) {
    template = await whatsAppTemplateFor(sql, { clinic, kind, language, values, ...(text.then === undefined ? {} : { then: text.then }) });
    if (template === undefined) {
      channel = 'sms';
      note = `outside the 24-hour WhatsApp window, the ${kind} text needs an approved WhatsApp template${templateWanted(kind, text.then)} and the clinic has none: sent by SMS`;
    }
  }
  const { text: body } = await renderMessage(sql, { clinic, kind, language, values, ...(text.then === undefined ? {} : { then: text.then }) });
  const sent = await sendOrRejectPermanently(messenger, {
    clinicId: clinic.id,
    phone,
    channel,
    body,
    idempotencyKey: text.idempotencyKey,
    ...text.links,
    ...(template === undefined ? {} : { template }),
    ...(note === undefined ? {} : { note }),
    ...(text.sendUntil === undefined ? {} : { sendUntil: text.sendUntil }),
  });
  return { sent, channel };
}

/** Which template a `kind` text (asking `then` after it) needs, when it matters: with a `{question}` variable or without. */
function templateWanted(kind: TextKind, then: LineKind | undefined): string {
  if (then !== undefined) return ' with a {question} variable for its question';
  return QUESTION_LINES[kind] === undefined ? '' : ' without a {question} variable (it asks nothing)';
}

/** Whether the patient texted the clinic on WhatsApp within the last 24 hours (from the message log). */
async function insideWhatsAppWindow(sql: Sql, clinicId: number, phone: string): Promise<boolean> {
  const [row] = await sql`
    select 1 from messages
    where clinic_id = ${clinicId} and phone = ${phone} and direction = 'inbound' and channel = 'whatsapp'
      and created_at > now() - ${WHATSAPP_WINDOW}::interval
    limit 1`;
  return row !== undefined;
}
