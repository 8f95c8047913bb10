/**
 * A clinic's service day: the local date a ticket belongs to and the moment its line closes.
 * Frontdesk has no opening hours: a JOIN after closing time joins the next day's line, whose tickets
 * close at the next closing time.
 */
import { DateTime } from 'luxon';
import type { TicketState } from './ticketStates.js';

/** Letters for ticket codes; I and O are left out so codes are not read as 1 and 0. */
const CODE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/**
 * The service day open at `now` in `timezone`: the first closing time after `now`.
 * @param closingTime `HH:MM` or `HH:MM:SS`, local to `timezone`.
 * @returns `day` as the local `YYYY-MM-DD` of that closing, `closesAt` in epoch ms (UTC), and
 * `afterClosing` when today's line has already closed (so `day` is the next one).
 */
export function serviceDayAt(now: Date, timezone: string, closingTime: string): { day: string; closesAt: number; afterClosing: boolean } {
  const local = DateTime.fromJSDate(now).setZone(timezone);
  const [hour = 20, minute = 0] = closingTime.split(':').map(Number);
  const today = local.set({ hour, minute, second: 0, millisecond: 0 });
  const afterClosing = local >= today;
  const closes = afterClosing ? today.plus({ days: 1 }) : today;
  return { day: closes.toISODate() ?? '', closesAt: closes.toMillis(), afterClosing };
}

/**
 * Whether a ticket waits in the line of a later day than `now`'s in `timezone`: one taken after closing
 * time (`serviceDayAt`'s `afterClosing`), so its place and wait count from the next open day.
 * @param ticket `serviceDay` as the clinic-local `YYYY-MM-DD` the ticket row records.
 */
export function waitsForNextOpenDay(ticket: { state: TicketState; serviceDay: string }, timezone: string, now: Date = new Date()): boolean {
  return ticket.state === 'waiting' && ticket.serviceDay > (DateTime.fromJSDate(now).setZone(timezone).toISODate() ?? '');
}

/**
 * A service day (clinic-local `YYYY-MM-DD`, already in the clinic's time zone) written for people in
 * `language`, by Intl through luxon: `Tuesday, Dec 8` in English, `martes, 8 dic` in Spanish.
 * @throws RangeError when `day` is not such a date.
 */
export function formatServiceDay(day: string, language: string): string {
  const date = DateTime.fromISO(day, { zone: 'UTC' }).setLocale(language);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !date.isValid) throw new RangeError(`not a date YYYY-MM-DD: ${day}`);
  return date.toLocaleString({ weekday: 'long', month: 'short', day: 'numeric' });
}

/**
 * The ticket code for the `number`th join of `day`: a letter that changes each day, then the number
 * (`Q7`), so a code is unique among a clinic's open tickets even if yesterday's were never closed.
 */
export function ticketCode(day: string, number: number): string {
  const dayIndex = Math.floor(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
  return `${CODE_LETTERS[dayIndex % CODE_LETTERS.length]}${number}`;
}
