/**
 * The front desk's numbers for a range of the clinic's local dates (inclusive), from its rows:
 * appointments (by the local date they start), walk-in tickets (by service day), and outbound
 * messages and calls (by the local date they were logged). What each number counts:
 *
 * - `confirmation_rate`: appointments the patient confirmed (`confirmed_at`: YES, a keypad 1, a
 *   WhatsApp button, or a time picked from the reschedule list; kept when later visited or moved) over
 *   every appointment starting in the range, whatever its status.
 * - `no_show_rate`: no-shows over the appointments staff marked (visited + no-show); open and
 *   cancelled ones are not counted.
 * - `patients_served`: walk-in tickets done plus appointments visited.
 * - Delivery by channel: every outbound text (SMS, WhatsApp) and reminder call, except replies
 *   answered inside the webhook's TwiML that no status callback has named yet (`accepted`, no
 *   MessageSid: those from before their `<Message action>` was given, or whose callback is still to come). Delivered: a text
 *   `delivered` or `read`, a call `completed` (a person or a voicemail took it). Not delivered: a text
 *   `undelivered`, `failed` or `canceled`; a call `busy`, `no-answer`, `failed` or `canceled`. The rest
 *   await their receipt. `delivery_rate` is delivered over delivered + not delivered.
 *
 * A rate is a share from 0 to 1, or null when there is nothing to divide.
 */
import { DateTime } from 'luxon';
import type { Sql } from '../db/sql.js';
import type { Clinic } from '../clinics/clinics.js';

/** One local day's numbers. */
export interface FrontDeskDay {
  /** Clinic-local `YYYY-MM-DD`. */
  date: string;
  /** Appointments starting that day, whatever their status. */
  appointments: number;
  confirmed: number;
  visited: number;
  no_shows: number;
  cancelled: number;
  confirmation_rate: number | null;
  no_show_rate: number | null;
  /** Walk-in tickets done that service day. */
  walk_ins_served: number;
  /** `walk_ins_served` + `visited`. */
  patients_served: number;
}

/** Delivery on one channel over the range. */
export interface ChannelDelivery {
  channel: 'sms' | 'whatsapp' | 'voice';
  sent: number;
  delivered: number;
  not_delivered: number;
  /** Still waiting for a final receipt. */
  awaiting_receipt: number;
  delivery_rate: number | null;
}

/** The front desk's numbers for `from`–`to` (clinic-local dates, inclusive): per day, in total, and delivery by channel. */
export interface FrontDeskMetrics {
  from: string;
  to: string;
  timezone: string;
  totals: Omit<FrontDeskDay, 'date'>;
  days: FrontDeskDay[];
  delivery: ChannelDelivery[];
}

/** The channels delivery is counted on, in the order they are shown. */
export const DELIVERY_CHANNELS = ['sms', 'whatsapp', 'voice'] as const;

/** `part / whole`, or null when `whole` is 0. */
const share = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

type Counts = Omit<FrontDeskDay, 'date' | 'confirmation_rate' | 'no_show_rate' | 'patients_served'>;

const NO_COUNTS: Counts = { appointments: 0, confirmed: 0, visited: 0, no_shows: 0, cancelled: 0, walk_ins_served: 0 };

/** `counts` with the rates and patients served worked out from them. */
function withRates(counts: Counts): Omit<FrontDeskDay, 'date'> {
  return {
    ...counts,
    confirmation_rate: share(counts.confirmed, counts.appointments),
    no_show_rate: share(counts.no_shows, counts.visited + counts.no_shows),
    patients_served: counts.walk_ins_served + counts.visited,
  };
}

/**
 * The numbers of `clinic` from `from` to `to` (clinic-local `YYYY-MM-DD`, inclusive, `from` ≤ `to`;
 * the caller bounds the range), every day listed, days without any row included with zeros.
 */
export async function readFrontDeskMetrics(sql: Sql, clinic: Pick<Clinic, 'id' | 'timezone'>, range: { from: string; to: string }): Promise<FrontDeskMetrics> {
  const zone = clinic.timezone;
  const first = DateTime.fromISO(range.from, { zone }).startOf('day');
  const last = DateTime.fromISO(range.to, { zone }).startOf('day');
  // Instants bounding the range: local midnight to the local midnight after `to` (DST-proof).
  const start = first.toJSDate();
  const end = last.plus({ days: 1 }).toJSDate();

  const appointmentRows = await sql<{ date: string; appointments: number; confirmed: number; visited: number; no_shows: number; cancelled: number }[]>`
    select to_char(starts_at at time zone ${zone}, 'YYYY-MM-DD') as date,
           count(*)::int as appointments,
           count(*) filter (where confirmed_at is not null)::int as confirmed,
           count(*) filter (where status = 'visited')::int as visited,
           count(*) filter (where status = 'no_show')::int as no_shows,
           count(*) filter (where status = 'cancelled')::int as cancelled
    from appointments
    where clinic_id = ${clinic.id} and starts_at >= ${start} and starts_at < ${end}
    group by 1`;
  const ticketRows = await sql<{ date: string; walk_ins_served: number }[]>`
    select to_char(service_day, 'YYYY-MM-DD') as date, count(*)::int as walk_ins_served
    from tickets
    where clinic_id = ${clinic.id} and state = 'done' and service_day between ${range.from}::date and ${range.to}::date
    group by 1`;
  const deliveryRows = await sql<{ channel: ChannelDelivery['channel']; sent: number; delivered: number; not_delivered: number }[]>`
    select channel, count(*)::int as sent,
           count(*) filter (where status in ('delivered', 'read'))::int as delivered,
           count(*) filter (where status in ('undelivered', 'failed', 'canceled'))::int as not_delivered
    from messages
    where clinic_id = ${clinic.id} and direction = 'outbound' and created_at >= ${start} and created_at < ${end}
      and not (provider_sid is null and status = 'accepted')
    group by channel
    union all
    select 'voice', count(*)::int,
           count(*) filter (where status = 'completed')::int,
           count(*) filter (where status in ('busy', 'no-answer', 'failed', 'canceled'))::int
    from calls
    where clinic_id = ${clinic.id} and created_at >= ${start} and created_at < ${end}`;

  const byDate = new Map<string, Counts>();
  const countsOn = (date: string) => byDate.get(date) ?? { ...NO_COUNTS };
  for (const row of appointmentRows) byDate.set(row.date, { ...countsOn(row.date), ...row });
  for (const row of ticketRows) byDate.set(row.date, { ...countsOn(row.date), walk_ins_served: row.walk_ins_served });

  const days: FrontDeskDay[] = [];
  const totals: Counts = { ...NO_COUNTS };
  for (let day = first; day <= last; day = day.plus({ days: 1 })) {
    const date = day.toISODate()!;
    const counts = countsOn(date);
    for (const key of Object.keys(totals) as (keyof Counts)[]) totals[key] += counts[key];
    days.push({ date, ...withRates(counts) });
  }

  const delivery = DELIVERY_CHANNELS.map((channel): ChannelDelivery => {
    const row = deliveryRows.find((r) => r.channel === channel) ?? { sent: 0, delivered: 0, not_delivered: 0 };
    return {
      channel,
      sent: row.sent,
      delivered: row.delivered,
      not_delivered: row.not_delivered,
      awaiting_receipt: row.sent - row.delivered - row.not_delivered,
      delivery_rate: share(row.delivered, row.delivered + row.not_delivered),
    };
  });

  return { from: range.from, to: range.to, timezone: zone, totals: withRates(totals), days, delivery };
}
