/**
 * The values a template's placeholders are filled with: dates and times written in the clinic's time
 * zone and the reader's language by luxon (`Intl` underneath: no hand-made month or day names).
 * `{date}` is `Tue 12 Nov` / `mar 12 nov` in a text and `Tuesday 12 November` / `martes 12 noviembre`
 * when spoken on a call; `{time}` 24-hour `10:30`.
 */
import { DateTime } from 'luxon';
import type { PlaceholderValues } from './messageTemplates.js';

/** A moment: a Date, or ISO 8601 text with an offset (`2026-11-10T10:30:00-06:00`). */
export type Instant = Date | string;

/**
 * What an appointment message is about; every field may be left out where a kind does not use it.
 * There is no service, reason or diagnosis here on purpose: no message may carry health information
 * (messageTemplates.ts, the PHI rule), so none can be filled in.
 */
export interface MessageValues {
  patientName?: string;
  doctorName?: string;
  /** When the appointment starts (`{date}`, `{time}`). */
  startsAt?: Instant;
  /** The follow-up's local date, `YYYY-MM-DD` (`{followup_date}`). */
  followUpDate?: string;
  /** Open times offered, in order (`{slots}`: `1) Tue 12 Nov 10:00`, one a line). */
  slots?: Instant[];
  /** Where a freed slot is (`{location}`), as staff wrote it. */
  location?: string;
  /** How long an offer holds, in minutes (`{hold_minutes}`). */
  holdMinutes?: number;
}

/** Who sends and for whom: the clinic's name and phone (already written for people), its zone, the reader's language. */
export interface MessageContext {
  clinicName: string;
  officePhone: string;
  timezone: string;
  language: string;
  /** Read aloud on a call: dates written out in full, so text-to-speech says the day and month. */
  spoken?: boolean;
}

const DATE_FORMAT = 'ccc d LLL';
const TIME_FORMAT = 'HH:mm';

/** `instant` in `timezone` and `language`. @throws RangeError when it is not a valid moment. */
function localMoment(instant: Instant, timezone: string, language: string): DateTime {
  const moment = (instant instanceof Date ? DateTime.fromJSDate(instant) : DateTime.fromISO(instant)).setZone(timezone).setLocale(language);
  if (!moment.isValid) throw new RangeError(`not a valid moment in ${timezone}: ${String(instant)}`);
  return moment;
}

/**
 * The local date of `instant` in `timezone`, in `language`: `Tue 12 Nov`, `mar 12 nov`; `spoken`,
 * written out as the language writes a full date (Intl): `Tuesday, November 12`, `martes, 12 de
 * noviembre`. @throws RangeError for an invalid moment.
 */
export function formatDate(instant: Instant, timezone: string, language: string, spoken = false): string {
  const moment = localMoment(instant, timezone, language);
  return spoken ? moment.toLocaleString({ weekday: 'long', day: 'numeric', month: 'long' }) : moment.toFormat(DATE_FORMAT);
}

/** The local time of `instant` in `timezone`, 24-hour: `10:30`. @throws RangeError for an invalid moment. */
export function formatTime(instant: Instant, timezone: string, language: string): string {
  return localMoment(instant, timezone, language).toFormat(TIME_FORMAT);
}

/** A local date `YYYY-MM-DD` written in `language`: `Tue 24 Nov`, `mar 24 nov`. @throws RangeError when it is not such a date. */
export function formatLocalDate(date: string, language: string): string {
  const day = DateTime.fromISO(date, { zone: 'UTC' }).setLocale(language);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !day.isValid) throw new RangeError(`not a date YYYY-MM-DD: ${date}`);
  return day.toFormat(DATE_FORMAT);
}

/** Numbered open times, one a line: `1) Tue 12 Nov 10:00\n2) …`. @throws RangeError for an invalid moment. */
export function formatSlots(slots: Instant[], timezone: string, language: string): string {
  return slots.map((slot, index) => `${index + 1}) ${formatDate(slot, timezone, language)} ${formatTime(slot, timezone, language)}`).join('\n');
}

/** The placeholder values for `values` as `context`'s reader sees them. @throws RangeError for an invalid date or moment. */
export function placeholderValues(values: MessageValues, context: MessageContext): PlaceholderValues {
  const { timezone, language } = context;
  return {
    clinic_name: context.clinicName,
    office_phone: context.officePhone,
    patient_name: values.patientName,
    doctor_name: values.doctorName,
    date: values.startsAt === undefined ? undefined : formatDate(values.startsAt, timezone, language, context.spoken),
    time: values.startsAt === undefined ? undefined : formatTime(values.startsAt, timezone, language),
    followup_date: values.followUpDate === undefined ? undefined : formatLocalDate(values.followUpDate, language),
    slots: values.slots === undefined ? undefined : formatSlots(values.slots, timezone, language),
    location: values.location,
    hold_minutes: values.holdMinutes === undefined ? undefined : String(values.holdMinutes),
  };
}

/**
 * Typical values to show how a template reads and how many segments it takes: a Tuesday-morning visit
 * (10 Nov 2026, 10:30 in `timezone`), five open times, a follow-up two weeks later.
 */
export function sampleMessageValues(timezone: string): MessageValues {
  const at = (day: number, hour: number, minute = 0) => DateTime.fromObject({ year: 2026, month: 11, day, hour, minute }, { zone: timezone }).toJSDate();
  return {
    patientName: 'Maria Gonzalez',
    doctorName: 'Dr Ramirez',
    startsAt: at(10, 10, 30),
    followUpDate: '2026-11-24',
    slots: [at(10, 14), at(10, 15), at(11, 9), at(11, 10), at(11, 11)],
    location: 'Main St clinic',
    holdMinutes: 7,
  };
}
