/**
 * The fallback chain of an appointment message, decided by delivery receipts: WhatsApp (where
 * chosen) → SMS → voice for reminders. Pure and deterministic: the appointment workflow calls it
 * with each final receipt (or none, when the wait for one ran out).
 *
 * Sources for the error codes: Twilio error dictionary (twilio.com/docs/api/errors) — 63003 "Channel
 * could not find To address" (not a WhatsApp number), 63016 "Failed to send freeform message because
 * you are outside the allowed window", 63024 "Invalid message recipient" (not on WhatsApp), 30006
 * "Landline or unreachable carrier".
 */

/** A channel one attempt goes on. */
export type DeliveryChannel = 'whatsapp' | 'sms' | 'voice';

/** WhatsApp errors that send the message by SMS instead. */
export const WHATSAPP_FALLBACK_ERRORS: readonly number[] = [63003, 63016, 63024];
/** An SMS undelivered with this error went to a landline: a reminder becomes a call. */
export const LANDLINE_ERROR = 30006;
/**
 * The status the chain gives an attempt the provider refused outright (no sid, so no receipt will
 * come): a call `calls.create` answered with a permanent error such as 21215 (no geo permission for
 * the number) or 21217 (not a valid phone number). Not a Twilio status.
 */
export const REFUSED_STATUS = 'refused';
/**
 * The status the chain gives a call Twilio never placed: its activity's tries ran out (429s, 5xx or no
 * answer for its half hour), so no CallSid and no receipt. Not a Twilio status.
 */
export const UNPLACED_STATUS = 'unplaced';

/** Message statuses after which nothing more happens to a message (Twilio "Message resource: status values"). */
const FINAL_MESSAGE_STATUSES = new Set(['delivered', 'read', 'undelivered', 'failed', 'canceled']);
/** Call statuses after which the call is over (Twilio "Call resource: status values"). */
const FINAL_CALL_STATUSES = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);
/** Call outcomes that are tried once more, later. */
const UNANSWERED_CALL_STATUSES = new Set(['busy', 'no-answer', 'failed']);

/** Whether `status` (of a message or, with `channel` voice, a call) is final: its receipt settles the attempt. */
export function isFinalStatus(channel: DeliveryChannel, status: string): boolean {
  return (channel === 'voice' ? FINAL_CALL_STATUSES : FINAL_MESSAGE_STATUSES).has(status);
}

/**
 * The channel of a message's first attempt: the appointment's channel, except that a voice
 * appointment's messages other than reminders (confirmations, replies, follow-ups) go by SMS: only a
 * reminder is read out in a call.
 */
export function firstChannel(appointmentChannel: DeliveryChannel, kind: string): DeliveryChannel {
  return appointmentChannel === 'voice' && kind !== 'reminder' ? 'sms' : appointmentChannel;
}

/** One attempt as the chain made it: its channel and how many calls this message has had (voice). */
export interface AttemptMade {
  kind: string;
  channel: DeliveryChannel;
  /** Calls placed for this message so far, this one included when `channel` is voice. */
  calls: number;
}

/** The final receipt of an attempt; null when none came in time (the attempt counts as sent). */
export interface AttemptReceipt {
  status: string;
  errorCode: number | null;
}

/** The next attempt: its channel, whether it waits for the clinic's call-retry delay, and why it is made (for the log). */
export interface NextAttempt {
  channel: DeliveryChannel;
  delayed: boolean;
  /** Only to a number that takes texts (the activity skips a landline). */
  requireMobile: boolean;
  reason: string;
}

/**
 * What follows an attempt, by its receipt:
 * - WhatsApp `failed`/`undelivered`, or 63003/63016/63024 → SMS;
 * - SMS `undelivered`/`failed` with 30006 (a landline) → a call, for a reminder;
 * - a call `busy`/`no-answer`/`failed` → the same call once more after the clinic's delay, then SMS
 *   if the patient has a mobile;
 * - a call refused outright (`REFUSED_STATUS`) → SMS at once, if the patient has a mobile (calling
 *   again would be refused again);
 * - a call Twilio never placed (`UNPLACED_STATUS`) → SMS at once, if the patient has a mobile, as after
 *   unanswered calls (its tries already took the half hour a second call would wait);
 * - anything delivered, read, answered (also by a machine), or no receipt in time → nothing more.
 * @returns the next attempt, or null when the message is done.
 */
export function nextAttempt(made: AttemptMade, receipt: AttemptReceipt | null): NextAttempt | null {
  if (receipt === null) return null;
  const { status, errorCode } = receipt;
  const code = errorCode === null ? '' : ` (${errorCode})`;
  if (made.channel === 'whatsapp') {
    const failed = status === 'failed' || status === 'undelivered' || (errorCode !== null && WHATSAPP_FALLBACK_ERRORS.includes(errorCode));
    return failed ? { channel: 'sms', delayed: false, requireMobile: false, reason: `the WhatsApp message was ${status}${code}: sent by SMS` } : null;
  }
  if (made.channel === 'sms') {
    const landline = (status === 'undelivered' || status === 'failed') && errorCode === LANDLINE_ERROR;
    if (!landline || made.kind !== 'reminder') return null;
    return { channel: 'voice', delayed: false, requireMobile: false, reason: `the text was ${status}${code}: a landline, so a call` };
  }
  if (status === REFUSED_STATUS) return { channel: 'sms', delayed: false, requireMobile: true, reason: `the call was refused${code}: sent by SMS` };
  if (status === UNPLACED_STATUS)
    return { channel: 'sms', delayed: false, requireMobile: true, reason: 'the call was not placed (Twilio took none of its tries): sent by SMS' };
  if (!UNANSWERED_CALL_STATUSES.has(status)) return null;
  if (made.calls < 2) return { channel: 'voice', delayed: true, requireMobile: false, reason: `the call was ${status}: called again` };
  return { channel: 'sms', delayed: false, requireMobile: true, reason: `the calls were not answered (${status}): sent by SMS` };
}
