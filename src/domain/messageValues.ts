/**
 * The values a template's placeholders are filled with: dates and times written in the clinic's time
 * zone by luxon (`Intl` underneath: no hand-made month or day names, no hand-made clock), in the
 * reader's language as it is written in the clinic's country (`textLocale`: `en` at a US clinic is
 * `en-US`, `es` at a Spanish one `es-ES`), so a clock reads as people there read one.
 * `{date}` is `Tue, Nov 10` (en-US), `Tue 10 Nov` (en-GB), `mar, 10 de nov` (es-US), `mar, 10 nov`
 * (es-ES) in a text and `Tuesday, November 10` / `martes, 10 de noviembre` when spoken on a call;
 * `{time}` is `2:30 PM` (en-US), `2:30 p.m.` (es-US, es-MX), `14:30` (en-GB, es-ES): the locale's hour
 * cycle, in a text and on a call alike. A space `Intl` writes as a no-break one (U+202F in `2:30 PM`
 * with newer ICU data, U+00A0 in `p. m.`) is written as a plain space: neither is in the GSM-7
 * alphabet, and one would make the whole text UCS-2 (see smsSegments.ts). For the same reason a texted
 * date has its letters outside GSM-7 without their accents (`sáb` → `sab`, as the walk-in texts write
 * a day); a spoken one keeps them, for text-to-speech.
 */
import { DateTime, type DateTimeFormatOptions } from 'luxon';
import type { PlaceholderValues } from './messageTemplates.js';
import { withGsm7Letters, withPlainSpaces } from './smsSegments.js';

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
  /** Open times offered, in order (`{slots}`: `1) 2:00 PM`, one a line, under each day's date). */
  slots?: Instant[];
  /** Where a freed slot is (`{location}`), as staff wrote it. */
  location?: string;
  /** How long an offer holds, in minutes (`{hold_minutes}`). */
  holdMinutes?: number;
}

/**
 * Who sends and for whom: the clinic's name and phone (already written for people), its zone and
 * country (ISO 3166-1 alpha-2, `clinics.default_country`), the reader's language.
 */
export interface MessageContext {
  clinicName: string;
  officePhone: string;
  timezone: string;
  country: string;
  language: string;
  /** Read aloud on a call: dates written out in full, so text-to-speech says the day and month. */
  spoken?: boolean;
}

const DATE: DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric' };
const SPOKEN_DATE: DateTimeFormatOptions = { weekday: 'long', month: 'long', day: 'numeric' };
// The locale's own short time: `9:05 AM` (en-US), `09:05` (en-GB), `9:05` (es-ES).
const TIME: DateTimeFormatOptions = { timeStyle: 'short' };

/**
 * The locale a reader of `language` at a clinic in `country` reads dates and clocks in: the
 * language with the clinic's country as its region (`en` + `US` → `en-US`, `es` + `ES` → `es-ES`;
 * a region of the reader's own gives way, `es-MX` + `US` → `es-US`), since the clinic's convention is
 * the one its times are given in. @throws RangeError for a tag or a country `Intl` does not take.
 */
export function textLocale(language: string, country: string): string {
  return new Intl.Locale(language, { region: country }).toString();
}

/** `instant` in `timezone` and `locale`. @throws RangeError when it is not a valid moment. */
function localMoment(instant: Instant, timezone: string, locale: string): DateTime {
  const moment = (instant instanceof Date ? DateTime.fromJSDate(instant) : DateTime.fromISO(instant)).setZone(timezone).setLocale(locale);
  if (!moment.isValid) throw new RangeError(`not a valid moment in ${timezone}: ${String(instant)}`);
  return moment;
}

/** `moment` as `Intl` writes it with `options`, its spaces plain ones (see the module docstring). */
const written = (moment: DateTime, options: DateTimeFormatOptions): string => withPlainSpaces(moment.toLocaleString(options));
/** `moment`'s short date for a text: as `written`, each letter outside GSM-7 without its accent (`sáb` → `sab`). */
const textedDate = (moment: DateTime): string => withGsm7Letters(written(moment, DATE));

/**
 * The local date of `instant` in `timezone`, as `locale` (see `textLocale`) writes a short one:
 * `Tue, Nov 10` (en-US), `Tue 10 Nov` (en-GB), `mar, 10 de nov` (es-US), `sab, 14 de nov` (a letter
 * outside GSM-7 without its accent); `spoken`, written out in full, accents kept: `Tuesday, November
 * 10`, `sábado, 14 de noviembre`. @throws RangeError for an invalid moment.
 */
export function formatDate(instant: Instant, timezone: string, locale: string, spoken = false): string {
  const moment = localMoment(instant, timezone, locale);
  return spoken ? written(moment, SPOKEN_DATE) : textedDate(moment);
}

/**
 * The local time of `instant` in `timezone` as `locale` writes a short one, in its hour cycle: `2:30 PM`
 * (en-US), `2:30 p.m.` (es-US, es-MX), `14:30`, `09:05` (en-GB), `9:05` (es-ES). @throws RangeError for an invalid moment.
 */
export function formatTime(instant: Instant, timezone: string, locale: string): string {
  return written(localMoment(instant, timezone, locale), TIME);
}

/** A local date `YYYY-MM-DD` as `locale` writes a short one: `Tue, Nov 24` (en-US), `mar, 24 nov` (es-ES). @throws RangeError when it is not such a date. */
export function formatLocalDate(date: string, locale: string): string {
  const day = DateTime.fromISO(date, { zone: 'UTC' }).setLocale(locale);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !day.isValid) throw new RangeError(`not a date YYYY-MM-DD: ${date}`);
  return textedDate(day);
}

/**
 * Numbered open times, one a line, each day's under that day as `locale` writes a short date, each
 * time in `locale`'s hour cycle: `Tue, Nov 10\n1) 2:00 PM\n2) 3:00 PM\nWed, Nov 11\n3) 9:00 AM`
 * (en-US), `mar, 10 nov\n1) 14:00\n…` (es-ES). A day's heading once, not on every line, keeps five
 * times in one segment with a 12-hour clock. @throws RangeError for an invalid moment.
 */
export function formatSlots(slots: Instant[], timezone: string, locale: string): string {
  const lines: string[] = [];
  let day: string | undefined;
  slots.forEach((slot, index) => {
    const moment = localMoment(slot, timezone, locale);
    const date = textedDate(moment);
    if (date !== day) lines.push(date);
    day = date;
    lines.push(`${index + 1}) ${written(moment, TIME)}`);
  });
  return lines.join('\n');
}

/**
 * The placeholder values for `values` as `context`'s reader sees them, in `textLocale(language,
 * country)`. @throws RangeError for an invalid date or moment, or a language or country `Intl` does not take.
 */
export function placeholderValues(values: MessageValues, context: MessageContext): PlaceholderValues {
  const { timezone } = context;
  const locale = textLocale(context.language, context.country);
  return {
    clinic_name: context.clinicName,
    office_phone: context.officePhone,
    patient_name: values.patientName,
    doctor_name: values.doctorName,
    date: values.startsAt === undefined ? undefined : formatDate(values.startsAt, timezone, locale, context.spoken),
    time: values.startsAt === undefined ? undefined : formatTime(values.startsAt, timezone, locale),
    followup_date: values.followUpDate === undefined ? undefined : formatLocalDate(values.followUpDate, locale),
    slots: values.slots === undefined ? undefined : formatSlots(values.slots, timezone, locale),
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
