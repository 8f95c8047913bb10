/**
 * Sends a message or places a call to a patient, once: honours opt-outs, writes the message log (or
 * the call log), and remembers each by an idempotency key so a retried activity or webhook does not
 * text or call twice; a retry after a try whose answer was lost first asks Twilio whether that try
 * sent it (src/messaging/lostAnswers.ts).
 */
import type { Logger } from 'pino';
import { isDatabaseUnreachable, type Sql } from '../db/sql.js';
import { findClinicAddress } from '../clinics/clinics.js';
import { toAddress, type PhoneChannel } from '../domain/phone.js';
import { FOUND_AFTER_LOST_ANSWER, findLostCall, findLostMessage } from './lostAnswers.js';
import {
  MessageRejectedError,
  TWILIO_OPTED_OUT,
  type ProviderCall,
  type ProviderCallReceipt,
  type ProviderMessage,
  type ProviderReceipt,
  type ProviderTemplate,
  type Sender,
} from './sender.js';
import { DEFAULT_SEND_WINDOW_MS, recordSendError, TRY_LEASE_MS } from './unsentDeliveries.js';

/** A message for a patient. `idempotencyKey` names what it is for, e.g. `<workflow ID>:called`. */
export interface PatientMessage {
  clinicId: number;
  phone: string;
  channel: PhoneChannel;
  /** The text; with `template`, our rendering of it for the log (the provider sends the template). */
  body: string;
  idempotencyKey: string;
  /** A WhatsApp template to send instead of the body (outside the 24-hour window). */
  template?: ProviderTemplate;
  /** The appointment this delivers, and the key every attempt of that appointment message shares. */
  appointmentId?: string;
  deliveryKey?: string;
  /** The waitlist offer this text is about (`offers.id`): a failed receipt fails the offer. */
  offerId?: string;
  /** Why it goes on this channel, for the message log (e.g. a fallback). */
  note?: string;
  /**
   * Until when a try of it may still be made: its sender's last (a send activity's schedule-to-close;
   * a late reply's hour of resends). Past it a text the provider has not taken ends `failed`
   * (src/messaging/unsentDeliveries.ts); one whose `sendUntil` has passed when a try fails ends so at once
   * (this was the last try). Unset: `DEFAULT_SEND_WINDOW_MS` from now.
   */
  sendUntil?: Date;
}

/** `sent` (now), `already_sent` (an earlier call sent it), `suppressed` (the number opted out). */
export type SendOutcome = { outcome: 'sent' | 'already_sent'; messageSid: string } | { outcome: 'suppressed' };

/** A call to a patient: an appointment reminder read in `language`, placed once per `idempotencyKey`. */
export interface PatientCall {
  clinicId: number;
  phone: string;
  language: string;
  idempotencyKey: string;
  appointmentId: string;
  deliveryKey: string;
  /** Why this attempt goes as a call (a fallback, e.g. after a text came back 30006), for the call log. */
  note?: string;
  /**
   * Until when a try of it may still be made: its sender's last (a call activity's schedule-to-close).
   * Past it a call the provider has not taken ends `failed`, as a text does (`PatientMessage.sendUntil`).
   * Unset: `DEFAULT_SEND_WINDOW_MS` from now.
   */
  sendUntil?: Date;
}

/** `placed` (now), `already_placed` (an earlier attempt placed it), `suppressed` (the number opted out). */
export type CallOutcome = { outcome: 'placed' | 'already_placed'; callSid: string } | { outcome: 'suppressed' };

/** Sends patient messages and places patient calls through a provider. */
export interface Messenger {
  /**
   * @throws MessageRejectedError when the provider refuses it for good (logged as `failed`), or it ended
   *   unsent earlier (no try was left, or its sender withdrew it); what else the provider answers is
   *   thrown as it came, recorded on the log row (`send_error`) for the next try.
   */
  send(message: PatientMessage): Promise<SendOutcome>;
  /**
   * @throws MessageRejectedError when the provider refuses the call for good (logged as `failed`), calls
   *   cannot be placed (no callback address), or it ended unplaced earlier (no try was left); what else
   *   the provider answers is thrown as it came, recorded on the log row (`send_error`) for the next try.
   */
  call(call: PatientCall): Promise<CallOutcome>;
  /**
   * After its sender gave up on the text logged under `idempotencyKey` (no try of it is left or in
   * flight), asks the provider whether a try whose answer was lost made it (the lost-answer lookup,
   * src/messaging/lostAnswers.ts); if so the row takes its MessageSid and status, `sent_at` now, and
   * the note `FOUND_AFTER_LOST_ANSWER`, whatever it was ended as.
   * @returns the MessageSid found, or undefined (none was made, no try went unanswered, or the text was taken already).
   */
  adoptLostText(idempotencyKey: string): Promise<string | undefined>;
  /**
   * Recovers a call a lost try may have placed: when a try of the call `idempotencyKey` got no answer
   * from the provider and its row holds no CallSid, asks the provider as `call`'s next try would
   * (`findLostCall`) and, if that try placed it, records its CallSid with `FOUND_AFTER_LOST_ANSWER.calls`
   * (`call` then answers `already_placed`). For a caller about to give the call up (withdrawnCalls.ts).
   * @returns the CallSid found, or undefined (no try went unanswered, the provider placed none, or it has no lookup).
   * @throws what the provider's lookup answers (retry: the call may be ringing).
   */
  recoverLostCall(idempotencyKey: string): Promise<string | undefined>;
}

/** Path of the message StatusCallback webhook. */
export const MESSAGE_STATUS_PATH = '/webhooks/twilio/status';
/** Path of the call StatusCallback webhook. */
export const CALL_STATUS_PATH = '/webhooks/twilio/voice/status';
/** Path of the TwiML webhook Twilio fetches when call `callId` (`calls.id`) connects. */
export function callAnswerPath(callId: string): string {
  return `/webhooks/twilio/voice/calls/${callId}/answer`;
}

/**
 * How long the messenger keeps trying to record what the provider answered while Postgres cannot be
 * reached (ms): less than a send activity's 30 s start-to-close, so the activity still ends in time.
 */
const RECORD_THROUGH_OUTAGE_MS = 20_000;

/**
 * Runs `write` until it succeeds while Postgres cannot be reached, waiting 250 ms doubling to 2 s
 * between tries, for up to RECORD_THROUGH_OUTAGE_MS; any other error, or the time running out,
 * is thrown. For what must be recorded once the provider has sent: failing would send it again.
 */
async function recordThroughOutage(write: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + RECORD_THROUGH_OUTAGE_MS;
  for (let wait = 250; ; wait = Math.min(wait * 2, 2_000)) {
    try {
      await write();
      return;
    } catch (error) {
      if (!isDatabaseUnreachable(error) || Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** Whether `phone` has opted out of the clinic's messages. */
export async function isOptedOut(sql: Sql, clinicId: number, phone: string): Promise<boolean> {
  const [row] = await sql`select 1 from opt_outs where clinic_id = ${clinicId} and phone = ${phone}`;
  return row !== undefined;
}

/** Records an opt-out (STOP, or Twilio error 21610); idempotent. */
export async function recordOptOut(sql: Sql, clinicId: number, phone: string, keyword: string): Promise<void> {
  await sql`insert into opt_outs (clinic_id, phone, keyword) values (${clinicId}, ${phone}, ${keyword}) on conflict do nothing`;
}

/** Removes an opt-out (START, UNSTOP, or YES from an opted-out number); idempotent. */
export async function removeOptOut(sql: Sql, clinicId: number, phone: string): Promise<void> {
  await sql`delete from opt_outs where clinic_id = ${clinicId} and phone = ${phone}`;
}

/**
 * A messenger over `sender`. `callbackBaseUrl` (our public address, e.g. `https://desk.example.org`)
 * makes the StatusCallback given with every message (`/webhooks/twilio/status`) and each call's
 * TwiML and status URLs; unset, messages go without receipts and calls cannot be placed.
 */
export function createMessenger(deps: { sql: Sql; sender: Sender; callbackBaseUrl: string | undefined; log: Logger }): Messenger {
  const { sql, sender, log, callbackBaseUrl } = deps;
  return {
    async send(message) {
      if (await isOptedOut(sql, message.clinicId, message.phone)) {
        log.info({ key: message.idempotencyKey }, 'not sent: the number has opted out');
        return { outcome: 'suppressed' };
      }
      const from = await findClinicAddress(sql, message.clinicId, message.channel);
      if (from === undefined) throw new MessageRejectedError(`the clinic has no ${message.channel} number`, undefined);
      const to = toAddress(message);
      const sendUntil = message.sendUntil ?? new Date(Date.now() + DEFAULT_SEND_WINDOW_MS);

      const [inserted] = await sql`
        insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, idempotency_key, status, appointment_id, delivery_key,
                              offer_id, note, send_until, try_unanswered, trying_until)
        values (${message.clinicId}, 'outbound', ${message.channel}, ${message.phone}, ${from}, ${to}, ${message.body}, ${message.idempotencyKey}, 'queued',
          ${message.appointmentId ?? null}, ${message.deliveryKey ?? null}, ${message.offerId ?? null}, ${message.note ?? null}, ${sendUntil}, true,
          now() + make_interval(secs => ${TRY_LEASE_MS / 1000}))
        on conflict (idempotency_key) do nothing
        returning id`;
      let id = inserted?.id as string | undefined;
      // Set when an earlier try may have reached Twilio unanswered: this try looks it up first (src/messaging/lostAnswers.ts).
      let lostSince: Date | undefined;
      if (id === undefined) {
        // An earlier attempt stopped between logging and sending, or the provider asked it to wait: send
        // now (at least once beats never), unless the text has ended meanwhile; in one statement, so the
        // sweep cannot end it between the look and the send. A try still unanswered when this one starts
        // (its answer lost, or its worker gone) may have been taken: noted, to look it up first. Like a
        // first try, it is in flight until Twilio's answer is recorded (`trying_until`): a sender giving
        // up on the text waits for it.
        const [unsent] = await sql`
          update messages set send_until = greatest(send_until, ${sendUntil}), maybe_taken = maybe_taken or try_unanswered, try_unanswered = true,
            trying_until = now() + make_interval(secs => ${TRY_LEASE_MS / 1000})
          where idempotency_key = ${message.idempotencyKey} and provider_sid is null and status not in ('failed', 'canceled')
          returning id, maybe_taken, created_at`;
        if (unsent === undefined) {
          const [earlier] = await sql`select provider_sid, status from messages where idempotency_key = ${message.idempotencyKey}`;
          if (earlier!.provider_sid !== null) return { outcome: 'already_sent', messageSid: earlier!.provider_sid as string };
          throw new MessageRejectedError(`this message ended ${earlier!.status as string} earlier, unsent`, undefined);
        }
        id = unsent.id as string;
        if (unsent.maybe_taken === true) lostSince = unsent.created_at as Date;
      }

      const providerMessage: ProviderMessage = {
        from,
        to,
        body: message.body,
        ...(message.template === undefined ? {} : { template: message.template }),
        statusCallback: callbackBaseUrl === undefined ? undefined : `${callbackBaseUrl}${MESSAGE_STATUS_PATH}`,
      };
      let receipt: ProviderReceipt;
      let found: ProviderReceipt | undefined;
      try {
        found = lostSince === undefined ? undefined : await findLostMessage(sql, sender, providerMessage, lostSince);
        if (found !== undefined) log.info({ key: message.idempotencyKey, messageSid: found.messageSid }, FOUND_AFTER_LOST_ANSWER.messages);
        receipt = found ?? (await sender.send(providerMessage));
      } catch (error) {
        if (error instanceof MessageRejectedError) {
          await sql`update messages set status = 'failed', error_code = ${error.errorCode ?? null}, send_error = null, trying_until = null, updated_at = now() where id = ${id}`;
          if (error.errorCode === TWILIO_OPTED_OUT) await recordOptOut(sql, message.clinicId, message.phone, 'twilio-21610');
        } else {
          // For staff, and for the sweep once no try is left: what Twilio answered. Not recorded (Postgres
          // away) is no reason to lose the provider's error, which decides the retry.
          await recordSendError(sql, 'messages', id, error, sendUntil.getTime() <= Date.now()).catch((failure: unknown) =>
            log.warn({ err: failure, key: message.idempotencyKey }, 'the failed try could not be recorded'),
          );
        }
        throw error;
      }
      // The text is out: record its MessageSid and when it went (`sent_at`) through a short Postgres outage rather than fail, or the
      // activity's retry would send it again. Then, in a second statement that reads what committed
      // after the first, apply the furthest receipt a status callback has left meanwhile: one may have
      // come before the MessageSid could be found (Twilio may post it before answering). A callback
      // whose statement missed the MessageSid and whose receipt this one misses tries once more itself
      // (src/api/webhooks.ts), so none is lost. A 21610 that came early records its opt-out here.
      await recordThroughOutage(async () => {
        await sql`
          update messages set provider_sid = ${receipt.messageSid}, status = ${receipt.status}, sent_at = now(), send_error = null, error_code = null, updated_at = now(),
            try_unanswered = false, maybe_taken = false, trying_until = null,
            note = case when ${found !== undefined} then concat_ws('; ', note, ${FOUND_AFTER_LOST_ANSWER.messages}::text) else note end
          where id = ${id}`;
        const [late] = await sql<{ opted_out: boolean }[]>`
          with best as (
            select e.status from message_status_events e
            where e.provider_sid = ${receipt.messageSid} order by message_status_rank(e.status) desc, e.id desc limit 1),
          reconciled as (
            update messages m set status = best.status, updated_at = now(),
              error_code = coalesce((select e.error_code from message_status_events e
                where e.provider_sid = ${receipt.messageSid} and e.error_code is not null order by e.id desc limit 1), m.error_code)
            from best where m.id = ${id} and message_status_rank(best.status) > message_status_rank(m.status))
          select exists (select 1 from message_status_events where provider_sid = ${receipt.messageSid} and error_code = ${TWILIO_OPTED_OUT}) as opted_out`;
        if (late?.opted_out === true) await recordOptOut(sql, message.clinicId, message.phone, 'twilio-21610');
      });
      return { outcome: 'sent', messageSid: receipt.messageSid };
    },

    async call(call) {
      if (await isOptedOut(sql, call.clinicId, call.phone)) {
        log.info({ key: call.idempotencyKey }, 'not called: the number has opted out');
        return { outcome: 'suppressed' };
      }
      if (callbackBaseUrl === undefined) throw new MessageRejectedError('calls need a public address for their TwiML (PUBLIC_BASE_URL)', undefined);
      // Calls go from the clinic's own number (its SMS number takes calls too).
      const from = await findClinicAddress(sql, call.clinicId, 'sms');
      if (from === undefined) throw new MessageRejectedError('the clinic has no number to call from', undefined);

      const sendUntil = call.sendUntil ?? new Date(Date.now() + DEFAULT_SEND_WINDOW_MS);

      const [inserted] = await sql`
        insert into calls (clinic_id, appointment_id, delivery_key, phone, from_address, to_address, language, idempotency_key, note, send_until, try_unanswered)
        values (${call.clinicId}, ${call.appointmentId}, ${call.deliveryKey}, ${call.phone}, ${from}, ${call.phone}, ${call.language}, ${call.idempotencyKey},
          ${call.note ?? null}, ${sendUntil}, true)
        on conflict (idempotency_key) do nothing
        returning id`;
      let id = inserted?.id as string | undefined;
      let lostSince: Date | undefined;
      if (id === undefined) {
        // As for a text: place it now unless it has ended meanwhile, in one statement, so the sweep cannot end it between the look and the call;
        // after a try still unanswered, look it up first.
        const [unplaced] = await sql`
          update calls set send_until = greatest(send_until, ${sendUntil}), maybe_taken = maybe_taken or try_unanswered, try_unanswered = true
          where idempotency_key = ${call.idempotencyKey} and call_sid is null and status not in ('failed', 'canceled')
          returning id, maybe_taken, created_at`;
        if (unplaced === undefined) {
          const [earlier] = await sql`select call_sid, status from calls where idempotency_key = ${call.idempotencyKey}`;
          if (earlier!.call_sid !== null) return { outcome: 'already_placed', callSid: earlier!.call_sid as string };
          throw new MessageRejectedError(`this call ended ${earlier!.status as string} earlier, not placed`, undefined);
        }
        id = unplaced.id as string;
        if (unplaced.maybe_taken === true) lostSince = unplaced.created_at as Date;
      }

      const providerCall = providerCallOf(callbackBaseUrl, id, from, call.phone);
      let receipt: ProviderCallReceipt;
      let found: ProviderCallReceipt | undefined;
      try {
        found = lostSince === undefined ? undefined : await findLostCall(sql, sender, providerCall, lostSince);
        if (found !== undefined) log.info({ key: call.idempotencyKey, callSid: found.callSid }, FOUND_AFTER_LOST_ANSWER.calls);
        receipt = found ?? (await sender.call(providerCall));
      } catch (error) {
        if (error instanceof MessageRejectedError) {
          await sql`update calls set status = 'failed', error_code = ${error.errorCode ?? null}, send_error = null, updated_at = now() where id = ${id}`;
        } else {
          // As for a text: what Twilio answered, for staff and for the sweep once no try is left.
          await recordSendError(sql, 'calls', id, error, sendUntil.getTime() <= Date.now()).catch((failure: unknown) =>
            log.warn({ err: failure, key: call.idempotencyKey }, 'the failed try could not be recorded'),
          );
        }
        throw error;
      }
      await recordPlacedCall(sql, id, receipt, found !== undefined);
      return { outcome: 'placed', callSid: receipt.callSid };
    },

    async adoptLostText(idempotencyKey) {
      const [row] = await sql<{ id: string; from_address: string; to_address: string; body: string; created_at: Date }[]>`
        select id, from_address, to_address, body, created_at from messages
        where idempotency_key = ${idempotencyKey} and provider_sid is null and (try_unanswered or maybe_taken)`;
      if (row === undefined) return undefined;
      const found = await findLostMessage(
        sql,
        sender,
        { from: row.from_address, to: row.to_address, body: row.body, statusCallback: undefined },
        row.created_at,
      );
      if (found === undefined) return undefined;
      log.info({ key: idempotencyKey, messageSid: found.messageSid }, FOUND_AFTER_LOST_ANSWER.messages);
      await recordThroughOutage(async () => {
        await sql`
          update messages set provider_sid = ${found.messageSid}, status = ${found.status}, sent_at = now(), send_error = null, error_code = null, updated_at = now(),
            try_unanswered = false, maybe_taken = false, trying_until = null, note = concat_ws('; ', note, ${FOUND_AFTER_LOST_ANSWER.messages}::text)
          where id = ${row.id} and provider_sid is null`;
      });
      return found.messageSid;
    },

    async recoverLostCall(idempotencyKey) {
      if (callbackBaseUrl === undefined) return undefined;
      // Only a row whose last try (or one before) had no answer from Twilio, and that holds no CallSid and has not ended.
      const [unplaced] = await sql<{ id: string; from_address: string; to_address: string; created_at: Date }[]>`
        select id, from_address, to_address, created_at from calls
        where idempotency_key = ${idempotencyKey} and call_sid is null and status not in ('failed', 'canceled') and (try_unanswered or maybe_taken)`;
      if (unplaced === undefined) return undefined;
      const providerCall = providerCallOf(callbackBaseUrl, unplaced.id, unplaced.from_address, unplaced.to_address);
      const found = await findLostCall(sql, sender, providerCall, unplaced.created_at);
      if (found === undefined) return undefined;
      log.info({ key: idempotencyKey, callSid: found.callSid }, FOUND_AFTER_LOST_ANSWER.calls);
      await recordPlacedCall(sql, unplaced.id, found, true);
      return found.callSid;
    },
  };
}

/** What the provider is asked to place for the call log's row `id` (`calls.id`): from the clinic's `from` to `to`, with our TwiML and status URLs under `callbackBaseUrl`. */
function providerCallOf(callbackBaseUrl: string, id: string, from: string, to: string): ProviderCall {
  return { from, to, url: `${callbackBaseUrl}${callAnswerPath(id)}`, statusCallback: `${callbackBaseUrl}${CALL_STATUS_PATH}` };
}

/**
 * Records on the call log's row `id` that the provider placed it (`receipt`; `found`: found at Twilio
 * after a lost answer, noted for staff), through a short Postgres outage, then applies the furthest
 * status a callback has left meanwhile (see send; src/api/voiceWebhooks.ts tries once more too).
 */
async function recordPlacedCall(sql: Sql, id: string, receipt: ProviderCallReceipt, found: boolean): Promise<void> {
  await recordThroughOutage(async () => {
    await sql`
      update calls set call_sid = ${receipt.callSid}, status = ${receipt.status}, send_error = null, error_code = null, updated_at = now(),
        try_unanswered = false, maybe_taken = false, note = case when ${found} then concat_ws('; ', note, ${FOUND_AFTER_LOST_ANSWER.calls}::text) else note end
      where id = ${id}`;
    await sql`
      with best as (
        select e.status from call_status_events e
        where e.call_sid = ${receipt.callSid} order by call_status_rank(e.status) desc, e.id desc limit 1)
      update calls c set status = best.status, updated_at = now(),
        answered_by = coalesce((select e.answered_by from call_status_events e
          where e.call_sid = ${receipt.callSid} and e.answered_by is not null order by e.id desc limit 1), c.answered_by),
        error_code = coalesce((select e.error_code from call_status_events e
          where e.call_sid = ${receipt.callSid} and e.error_code is not null order by e.id desc limit 1), c.error_code),
        console_gather_url = case when call_status_rank(best.status) = 4 then null else c.console_gather_url end
      from best where c.id = ${id} and call_status_rank(best.status) > call_status_rank(c.status)`;
  });
}
