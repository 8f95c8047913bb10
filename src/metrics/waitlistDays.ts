/**
 * The waitlist's figures (fill rate, time to fill, …; src/waitlist/waitlistMetrics.ts, the same as
 * `GET /api/metrics/waitlist`) for a range of the clinic's local dates, and for each of its days: the
 * Numbers page's two waitlist charts. A day's figures are over the cancellations logged that day.
 */
import { DateTime } from 'luxon';
import type { Clinic } from '../clinics/clinics.js';
import type { Sql } from '../db/sql.js';
import { waitlistMetrics, type WaitlistMetrics } from '../waitlist/waitlistMetrics.js';

/** The range's figures, and each day's in order (`date` = `from` = `to`). */
export interface WaitlistDays {
  total: WaitlistMetrics;
  days: (WaitlistMetrics & { date: string })[];
}

/** The figures of `clinic` from `from` to `to` (clinic-local `YYYY-MM-DD`, inclusive; the caller bounds the range). */
export async function readWaitlistDays(sql: Sql, clinic: Pick<Clinic, 'id' | 'timezone'>, range: { from: string; to: string }): Promise<WaitlistDays> {
  const dates: string[] = [];
  for (let day = DateTime.fromISO(range.from); day <= DateTime.fromISO(range.to); day = day.plus({ days: 1 })) dates.push(day.toISODate()!);
  const [total, ...days] = await Promise.all([
    waitlistMetrics(sql, clinic.id, clinic.timezone, range.from, range.to),
    ...dates.map((date) => waitlistMetrics(sql, clinic.id, clinic.timezone, date, date)),
  ]);
  return { total: total, days: days.map((figures, i) => ({ ...figures, date: dates[i]! })) };
}
