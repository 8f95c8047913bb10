/**
 * Open slots of a provider for a patient who wants another time: the clinic's office hours cut into
 * slots, minus the provider's booked appointments, and the numbered list the patient picks from.
 * Pure (luxon for local time).
 */
import { DateTime } from 'luxon';
import { minutesOfDay } from './reminderPlan.js';

/** An interval of a booked appointment, epoch ms, `endsAt` exclusive. */
export interface BookedInterval {
  startsAt: number;
  endsAt: number;
}

/** Input of `openSlots`. Times of day are local `HH:MM` in `timezone`; instants are epoch ms. */
export interface OpenSlotsInput {
  /** ISO weekdays the office is open: 1 Monday … 7 Sunday. */
  officeDays: readonly number[];
  opens: string;
  closes: string;
  /** Slots start every `slotMinutes` from `opens`. */
  slotMinutes: number;
  /** Length of the appointment to place: it must end by `closes` and overlap nothing booked. */
  durationMinutes: number;
  timezone: string;
  booked: readonly BookedInterval[];
  now: number;
  limit?: number;
}

/** How far ahead `openSlots` looks for free slots, in days. */
export const SLOT_SEARCH_DAYS = 60;

/**
 * The least time between `now` and a slot `openSlots` offers, in minutes: a patient who picks a time
 * from the list (read minutes after it is sent) must still be able to get to the clinic for it.
 */
export const MIN_LEAD_MINUTES = 60;

/**
 * The first `limit` (default 5) free slot starts at least MIN_LEAD_MINUTES after `now` (epoch ms,
 * ascending), looking SLOT_SEARCH_DAYS days ahead; fewer (or none) when the schedule is that full.
 * @throws RangeError for malformed times, or non-positive slot or appointment lengths.
 */
export function openSlots(input: OpenSlotsInput): number[] {
  const { timezone, booked, now, limit = 5 } = input;
  const opens = minutesOfDay(input.opens);
  const closes = minutesOfDay(input.closes);
  if (!(input.slotMinutes > 0 && input.durationMinutes > 0)) throw new RangeError('slot and appointment lengths must be positive');
  const duration = input.durationMinutes * 60_000;
  const earliest = now + MIN_LEAD_MINUTES * 60_000;
  const slots: number[] = [];
  const today = DateTime.fromMillis(now, { zone: timezone }).startOf('day');
  for (let d = 0; d < SLOT_SEARCH_DAYS && slots.length < limit; d++) {
    const day = today.plus({ days: d });
    if (!input.officeDays.includes(day.weekday)) continue;
    for (let minute = opens; minute + input.durationMinutes <= closes && slots.length < limit; minute += input.slotMinutes) {
      const start = day.set({ hour: Math.floor(minute / 60), minute: minute % 60 }).toMillis();
      const end = start + duration;
      if (start < earliest || booked.some((b) => start < b.endsAt && b.startsAt < end)) continue;
      slots.push(start);
    }
  }
  return slots;
}
