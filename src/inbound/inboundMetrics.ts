/**
 * Counts of a clinic's inbound texts over a time window, from the message log (so every API process
 * agrees): how many came in, how many got a reply, and how many the guard left unanswered on purpose,
 * by reason (`messages.unanswered_reason`, see inboundGuard.ts).
 */
import type { Sql } from '../db/sql.js';

/** Inbound texts received in `[from, to)`. */
export interface InboundCounts {
  /** Every inbound text logged (each MessageSid once). */
  received: number;
  /** Those answered, by TwiML or by a later text. */
  answered: number;
  /** Those left unanswered on purpose: a country the clinic does not answer, over the per-number limit, an auto-responder loop. */
  unanswered: { country: number; too_many: number; loop: number };
}

/** Counts clinic `clinicId`'s inbound texts logged from `from` (inclusive) to `to` (exclusive). */
export async function countInboundTexts(sql: Sql, clinicId: number, from: Date, to: Date): Promise<InboundCounts> {
  const [row] = await sql<{ received: number; answered: number; country: number; too_many: number; loop: number }[]>`
    select count(*)::int as received,
           count(*) filter (where reply_via in ('twiml', 'outbound'))::int as answered,
           count(*) filter (where unanswered_reason = 'country')::int as country,
           count(*) filter (where unanswered_reason = 'too_many')::int as too_many,
           count(*) filter (where unanswered_reason = 'loop')::int as loop
    from messages
    where clinic_id = ${clinicId} and direction = 'inbound' and created_at >= ${from} and created_at < ${to}`;
  return {
    received: row!.received,
    answered: row!.answered,
    unanswered: { country: row!.country, too_many: row!.too_many, loop: row!.loop },
  };
}
