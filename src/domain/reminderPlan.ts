/**
 * When an appointment's reminders go out: the clinic's reminder rules applied to the appointment's
 * start, kept inside the clinic's contact hours. Pure (luxon for the clinic's local time), so the
 * appointment workflow plans with it deterministically.
 */
import { DateTime } from 'luxon';
import type { TReminderRule } from './reminderRules.js';

/**
 * One rule of a clinic's reminder schedule (`ZReminderRule`, reminderRules.ts). `before`: `minutes`
 * of elapsed time before the start (1440 is exactly 24 hours, so across a daylight-saving change it
 * lands an hour off the start's local time). `day_before_at`: the calendar day before the start, at
 * local `time` (`HH:MM`). A type import: the workflow bundle stays free of zod.
 */
export type ReminderRule = TReminderRule;

/** When business-initiated messages may go out, local `HH:MM` (`end` exclusive; `24:00` for midnight). */
export interface ContactHours {
  start: string;
  end: string;
}

/** Input of `planReminders`. Instants are epoch milliseconds (UTC); `timezone` is an IANA zone. */
export interface ReminderPlanInput {
  startsAt: number;
  timezone: string;
  rules: readonly ReminderRule[];
  contactHours: ContactHours;
  now: number;
}

/**
 * Minutes after local midnight of `HH:MM` (`00:00`–`24:00`).
 * @throws RangeError for anything else.
 */
export function minutesOfDay(time: string): number {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(time);
  const minutes = match === null ? NaN : Number(match[1]) * 60 + Number(match[2]);
  if (!(minutes <= 24 * 60)) throw new RangeError(`not a time of day (HH:MM): ${time}`);
  return minutes;
}

/** `date` (a luxon DateTime) at local minute-of-day `minutes`; in a DST gap luxon moves it forward. */
function atMinutes(date: DateTime, minutes: number): DateTime {
  return date.startOf('day').set({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
}

/**
 * The first instant at or after `at` inside the contact hours in `timezone`: `at` itself when inside,
 * else the start of the next window (today's when before it, tomorrow's when after it).
 * @throws RangeError when the hours are malformed or `start` is not before `end`.
 */
export function nextContactInstant(at: number, timezone: string, hours: ContactHours): number {
  const start = minutesOfDay(hours.start);
  const end = minutesOfDay(hours.end);
  if (start >= end) throw new RangeError(`contact hours must start before they end: ${hours.start}–${hours.end}`);
  const local = DateTime.fromMillis(at, { zone: timezone });
  const minute = local.hour * 60 + local.minute + (local.second * 1000 + local.millisecond) / 60_000;
  if (minute < start) return atMinutes(local, start).toMillis();
  if (minute >= end) return atMinutes(local.plus({ days: 1 }), start).toMillis();
  return at;
}

/** The instant `rule` asks for, before it is fitted into contact hours. */
function ruleInstant(rule: ReminderRule, startsAt: number, timezone: string): number {
  if (rule.kind === 'before') return startsAt - rule.minutes * 60_000;
  const dayBefore = DateTime.fromMillis(startsAt, { zone: timezone }).minus({ days: 1 });
  return atMinutes(dayBefore, minutesOfDay(rule.time)).toMillis();
}

/**
 * The reminder instants (epoch ms, ascending, no duplicates) for an appointment at `startsAt`.
 * A rule whose instant is before `now` is skipped (at `now` it is kept: due at once). An instant
 * outside the contact hours moves to the start of the next window; if that is not before the start
 * (an early appointment whose window opens too late) the reminder is dropped, never sent late.
 * @throws RangeError for malformed contact hours or rule times.
 */
export function planReminders({ startsAt, timezone, rules, contactHours, now }: ReminderPlanInput): number[] {
  const planned = new Set<number>();
  for (const rule of rules) {
    const due = ruleInstant(rule, startsAt, timezone);
    if (due < now) continue;
    const sent = nextContactInstant(due, timezone, contactHours);
    if (sent < startsAt) planned.add(sent);
  }
  return [...planned].sort((a, b) => a - b);
}

/**
 * When a follow-up reminder goes: local `time` on `date` (`YYYY-MM-DD`) in `timezone`, fitted into
 * the contact hours like a reminder. Epoch ms.
 * @throws RangeError for a malformed date or time.
 */
export function planFollowUp(date: string, time: string, timezone: string, contactHours: ContactHours): number {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(date) ? DateTime.fromISO(date, { zone: timezone }) : undefined;
  if (day?.isValid !== true) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  return nextContactInstant(atMinutes(day, minutesOfDay(time)).toMillis(), timezone, contactHours);
}
