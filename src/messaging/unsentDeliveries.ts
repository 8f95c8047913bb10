/**
 * Outbound texts and reminder calls the provider has not taken (`queued`, no MessageSid or CallSid):
 * what it answered their last try, and how each ends when it will never go. A sender tries one again
 * until its `send_until` (a send or call activity's schedule-to-close: Temporal starts no attempt after
 * it; a late reply's hour of resends); past it, and `SETTLE_GRACE_MS` for a try still talking to Twilio,
 * nothing sends it, and the API's sweep marks it `failed` (`settleUnsent`), with the provider's last
 * answer kept in `send_error`. A text its sender no longer needs (its waitlist offer ended while Twilio
 * throttled it) is `canceled` at once (`withdrawUnsentText`); one whose sender gave up on it before its
 * `send_until` (a waitlist round's send activity failed) is `failed` at once (`giveUpUnsentText`), but
 * never while a try of it is waiting for Twilio's answer (`trying_until`, `TRY_LEASE_MS`): the activity
 * can time out during its last try, and a text Twilio takes then is sent, not failed. All
 * are final (rank 4 in `message_status_rank` and `call_status_rank`): the messenger sends or places none
 * of them again under its idempotency key, and staff see on the Messages and calls page that it was not
 * sent or placed, and why.
 */
import type { Sql } from '../db/sql.js';
import { maskPhoneNumbers } from '../domain/phone.js';
import { ProviderBusyError } from './sender.js';

/** How long a text or call may go unsent when its sender names no deadline (ms): the longest any sender tries, a late reply's hour. */
export const DEFAULT_SEND_WINDOW_MS = 3_600_000;

/**
 * How long a try of a text may still be under way once it starts (ms): Twilio's client gives up a
 * request after 30 s, and the messenger records its answer through up to 20 s of Postgres outage. The
 * text's `trying_until` holds it while the try lasts (cleared once the answer is recorded).
 */
export const TRY_LEASE_MS = 60_000;

/**
 * How long after its `send_until` a text or call is settled (ms): a try started just before it may
 * still be waiting on Twilio (its request times out after 30 s) and recording the answer (up to 20 s
 * through a Postgres outage).
 */
export const SETTLE_GRACE_MS = 120_000;

/** The logs a delivery can stay unsent in: texts (`messages`) and reminder calls (`calls`). */
export type DeliveryLog = 'messages' | 'calls';

/** The column of each log that holds the provider's sid once it has taken the delivery: MessageSid, CallSid. */
const SID_COLUMN: Readonly<Record<DeliveryLog, string>> = { messages: 'provider_sid', calls: 'call_sid' };

/**
 * What the provider answered a try that may be made again: for staff (numbers masked), with Twilio's
 * error code when it gave one; `answered`: an HTTP answer came (so the try made nothing), not a lost one.
 */
export interface SendError {
  text: string;
  errorCode: number | null;
  answered: boolean;
}

/**
 * Describes a send's or call's retryable failure: Twilio's answer (`Twilio answered 503: Service
 * unavailable`, a 429's wait), or none (`no answer from Twilio: socket hang up`).
 */
export function describeSendError(error: unknown): SendError {
  const { status, code, message } = error as { status?: unknown; code?: unknown; message?: unknown };
  const said = maskPhoneNumbers(typeof message === 'string' ? message : String(error));
  if (error instanceof ProviderBusyError) return { text: said, errorCode: error.errorCode ?? null, answered: true };
  if (typeof status === 'number') return { text: `Twilio answered ${status}: ${said}`, errorCode: typeof code === 'number' ? code : null, answered: true };
  return { text: `no answer from Twilio: ${said}`, errorCode: null, answered: false };
}

/**
 * Records on row `id` of `log` (while the provider has not taken it) what the provider answered this
 * try; `lastTry`: no try comes after this one, so it ends `failed` now (`send_until` then says when).
 * A try with no answer stays `try_unanswered`, so the next looks it up (src/messaging/lostAnswers.ts).
 */
export async function recordSendError(sql: Sql, log: DeliveryLog, id: string, error: unknown, lastTry: boolean): Promise<void> {
  const { text, errorCode, answered } = describeSendError(error);
  await sql`
    update ${sql(log)} set send_error = ${text}, error_code = ${errorCode}, updated_at = now(), try_unanswered = ${!answered}, ${log === 'messages' ? sql`trying_until = null,` : sql``}
      status = case when ${lastTry} then 'failed' else status end, send_until = case when ${lastTry} then least(send_until, now()) else send_until end
    where id = ${id} and ${sql(SID_COLUMN[log])} is null and status = 'queued'`;
}

/** What a delivery that ended unsent with no answer from the provider recorded says it last heard (its sender stopped mid-try, or never tried). */
const NO_ANSWER_RECORDED = 'no answer from Twilio was recorded';

/**
 * Ends `failed` every text or call of `log` still unsent `SETTLE_GRACE_MS` after its `send_until`: no
 * try of it is left (its `send_error` says what Twilio answered the last). Run by each API process's
 * sweep, through the log's index of unsent rows (`messages_unsent`, `calls_unplaced`).
 * @returns how many it ended.
 */
export async function settleUnsent(sql: Sql, log: DeliveryLog): Promise<number> {
  const settled = await sql`
    update ${sql(log)} set status = 'failed', send_error = coalesce(send_error, ${NO_ANSWER_RECORDED}), updated_at = now()
    where status = 'queued' and ${sql(SID_COLUMN[log])} is null and send_until < now() - make_interval(secs => ${SETTLE_GRACE_MS / 1000})`;
  return settled.count;
}

/**
 * Ends the text logged under `idempotencyKey` `canceled` if Twilio has not taken it: its sender no
 * longer needs it (a waitlist offer that ended while its text waited for a retry), so it will not go.
 * @returns whether there was such a text.
 */
export async function withdrawUnsentText(sql: Sql, idempotencyKey: string): Promise<boolean> {
  const withdrawn = await sql`
    update messages set status = 'canceled', updated_at = now()
    where idempotency_key = ${idempotencyKey} and provider_sid is null and status = 'queued'`;
  return withdrawn.count > 0;
}

/**
 * Ends the text logged under `idempotencyKey` `failed` if Twilio has not taken it and no try of it is
 * in flight (`trying_until`): its sender gave up on it (a waitlist round whose send activity failed),
 * so no try of it is left; `send_error` keeps what Twilio answered the last. A try still waiting for
 * Twilio's answer may yet be taken: the text is left as it is, and `sendState` says so.
 * @returns whether it ended the text now.
 */
export async function giveUpUnsentText(sql: Sql, idempotencyKey: string): Promise<boolean> {
  const failed = await sql`
    update messages set status = 'failed', send_error = coalesce(send_error, ${NO_ANSWER_RECORDED}), send_until = least(send_until, now()), updated_at = now()
    where idempotency_key = ${idempotencyKey} and provider_sid is null and status = 'queued' and (trying_until is null or trying_until <= now())`;
  return failed.count > 0;
}

/**
 * Where the text logged under `idempotencyKey` stands: `taken` (Twilio took it), `trying` (a try is
 * waiting for Twilio's answer), `unsent` (neither: ended unsent, or still queued between tries), or
 * `none` (never logged).
 */
export async function sendState(sql: Sql, idempotencyKey: string): Promise<'taken' | 'trying' | 'unsent' | 'none'> {
  const [row] = await sql<{ taken: boolean; trying: boolean }[]>`
    select provider_sid is not null as taken, provider_sid is null and trying_until > now() as trying from messages where idempotency_key = ${idempotencyKey}`;
  if (row === undefined) return 'none';
  return row.taken ? 'taken' : row.trying ? 'trying' : 'unsent';
}
