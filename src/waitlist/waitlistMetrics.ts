/**
 * How well the waitlist refills freed slots, computed from the rows (cancellation_events, offers and
 * the message log) of the cancellations logged between two clinic-local dates. The targets a clinic
 * watches (issue 10): fill rate ≥ 80 %, time to fill < 2 hours, delivery ≥ 95 %, staff intervention ≤ 5 %.
 */
import { DateTime } from 'luxon';
import type { Sql } from '../db/sql.js';

/** The waitlist's figures over a date range. A rate is 0–1, or null when there is nothing to divide. */
export interface WaitlistMetrics {
  /** `YYYY-MM-DD`, clinic-local, inclusive. */
  from: string;
  to: string;
  /** Cancellations logged in the range, and how each stands now. */
  cancellations: number;
  filled: number;
  expired: number;
  aborted: number;
  open: number;
  /** Filled ÷ (filled + expired): of the slots that ended by themselves, the share refilled (staff aborts left out). */
  fillRate: number | null;
  /** Minutes from logging to filling, over the filled ones. */
  timeToFillMinutes: { median: number | null; p90: number | null };
  offersSent: number;
  /** Offers the patient answered (YES or NO, also a YES after the slot went) ÷ offers whose text did not fail. */
  replyRate: number | null;
  /** Offer texts delivered (or read) ÷ offer texts with a final status (delivered, read, failed, undelivered). */
  deliveryRate: number | null;
  /** Aborted ÷ cancellations: how often staff stepped in. */
  abortRate: number | null;
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/**
 * The figures for cancellations logged from `from` through `to` (`YYYY-MM-DD`, local to `timezone`).
 * @throws RangeError when a date is not a date.
 */
export async function waitlistMetrics(sql: Sql, clinicId: number, timezone: string, from: string, to: string): Promise<WaitlistMetrics> {
  const start = DateTime.fromISO(from, { zone: timezone }).startOf('day');
  const end = DateTime.fromISO(to, { zone: timezone }).plus({ days: 1 }).startOf('day');
  if (!start.isValid || !end.isValid) throw new RangeError(`not dates: ${from}, ${to}`);
  const [c] = await sql<{ cancellations: number; filled: number; expired: number; aborted: number; open: number; median: number | null; p90: number | null }[]>`
    select count(*)::int as cancellations,
           count(*) filter (where status = 'filled')::int as filled,
           count(*) filter (where status = 'expired')::int as expired,
           count(*) filter (where status = 'aborted')::int as aborted,
           count(*) filter (where status = 'open')::int as open,
           percentile_cont(0.5) within group (order by extract(epoch from ended_at - created_at) / 60) filter (where status = 'filled') as median,
           percentile_cont(0.9) within group (order by extract(epoch from ended_at - created_at) / 60) filter (where status = 'filled') as p90
    from cancellation_events
    where clinic_id = ${clinicId} and created_at >= ${start.toJSDate()} and created_at < ${end.toJSDate()}`;
  const [o] = await sql<{ sent: number; failed: number; answered: number; delivered: number; settled: number }[]>`
    select count(distinct o.id)::int as sent,
           count(distinct o.id) filter (where o.state = 'failed')::int as failed,
           count(distinct o.id) filter (where o.answered_at is not null)::int as answered,
           count(distinct m.id) filter (where m.status in ('delivered', 'read'))::int as delivered,
           count(distinct m.id) filter (where m.status in ('delivered', 'read', 'failed', 'undelivered'))::int as settled
    from offers o
    join cancellation_events c on c.id = o.cancellation_id
    left join messages m on m.offer_id = o.id and m.idempotency_key = 'offer:' || o.id
    where c.clinic_id = ${clinicId} and c.created_at >= ${start.toJSDate()} and c.created_at < ${end.toJSDate()}`;
  const round = (minutes: number | null) => (minutes === null ? null : Math.round(minutes * 10) / 10);
  return {
    from,
    to,
    cancellations: c!.cancellations,
    filled: c!.filled,
    expired: c!.expired,
    aborted: c!.aborted,
    open: c!.open,
    fillRate: ratio(c!.filled, c!.filled + c!.expired),
    timeToFillMinutes: { median: round(c!.median), p90: round(c!.p90) },
    offersSent: o!.sent,
    replyRate: ratio(o!.answered, o!.sent - o!.failed),
    deliveryRate: ratio(o!.delivered, o!.settled),
    abortRate: ratio(c!.aborted, c!.cancellations),
  };
}
