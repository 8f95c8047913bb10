/**
 * Texts and calls whose answer from the provider was lost. Twilio's REST API takes no idempotency key
 * for creating a message or a call, so a try whose request reached Twilio but whose answer never came
 * back (a connection reset, a timeout after the request was written, the worker killed mid-request)
 * may have sent the text or placed the call, and a plain retry would do it twice. Such a row is marked
 * `maybe_taken` (migration 1763805800000); the messenger's next try of it first asks the provider
 * (`Sender.findSent`, `Sender.findPlaced`: one list request of a few entries) and, when Twilio made
 * one, keeps its sid instead of sending again, with `FOUND_AFTER_LOST_ANSWER` on the row for staff.
 * Only after such a try: a try that got an HTTP answer (a 429, a 5xx) made nothing, and is not looked up.
 */
import type { Sql } from '../db/sql.js';
import type { ProviderCall, ProviderCallReceipt, ProviderMessage, ProviderReceipt, Sender } from './sender.js';

/** What the message log says of a text or call found at Twilio after a try whose answer was lost. */
export const FOUND_AFTER_LOST_ANSWER = {
  messages: 'found at Twilio after a lost answer: not sent again',
  calls: 'found at Twilio after a lost answer: not placed again',
} as const;

/**
 * The message an earlier try of `message` made at the provider, if any: the oldest the provider
 * lists (made since `since`, the row's creation) whose MessageSid no row of the log holds yet (a
 * text sent meanwhile under another key, with the same words, is that row's). Undefined when the
 * provider made none, or has no lookup (the console).
 */
export async function findLostMessage(sql: Sql, sender: Sender, message: ProviderMessage, since: Date): Promise<ProviderReceipt | undefined> {
  const found = (await sender.findSent?.(message, since)) ?? [];
  if (found.length === 0) return undefined;
  const held = await sql<{ sid: string }[]>`select provider_sid as sid from messages where provider_sid in ${sql(found.map((m) => m.messageSid))}`;
  return found.find((m) => !held.some((row) => row.sid === m.messageSid));
}

/** The call an earlier try of `call` placed at the provider, if any: as `findLostMessage`, over the call log's CallSids. */
export async function findLostCall(sql: Sql, sender: Sender, call: ProviderCall, since: Date): Promise<ProviderCallReceipt | undefined> {
  const found = (await sender.findPlaced?.(call, since)) ?? [];
  if (found.length === 0) return undefined;
  const held = await sql<{ sid: string }[]>`select call_sid as sid from calls where call_sid in ${sql(found.map((c) => c.callSid))}`;
  return found.find((c) => !held.some((row) => row.sid === c.callSid));
}
