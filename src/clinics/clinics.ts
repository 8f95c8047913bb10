/**
 * Clinics and the numbers they own. The data model is multi-clinic; the first clinic (slug `main`)
 * is created and kept in step with the configuration at start.
 */
import type { CountryCode } from 'libphonenumber-js';
import type { Sql } from '../db/sql.js';
import { ConfigError, type Config } from '../config.js';
import { AppError } from '../errors.js';

/** A clinic and its queue settings. `closingTime` is local `HH:MM:SS`; minutes are minutes. */
export interface Clinic {
  id: number;
  slug: string;
  name: string;
  timezone: string;
  roomsOpen: number;
  closingTime: string;
  nextReminderMinutes: number;
  /** Texts one number may send in a minute and still be answered (the per-number guard). */
  inboundTextsPerMinute: number;
  /** The clinic's SMS number (E.164). */
  smsNumber: string | null;
  /** The number patients call (E.164), if set (`clinics.office_phone`). */
  officePhone: string | null;
  /** The language of patients who have not chosen one (`en`, `es`, …). */
  defaultLanguage: string;
  /** The country staff write local phone numbers in (`clinics.default_country`, ISO 3166-1 alpha-2). */
  defaultCountry: CountryCode;
  /** Countries whose numbers get replies (`clinics.inbound_countries`, else `[defaultCountry]`): the SMS-pumping guard. */
  inboundCountries: CountryCode[];
}

/** Fewest rooms a clinic can have open (the `clinics.rooms_open` check in db/migrations). */
export const MIN_ROOMS_OPEN = 1;
/** Most rooms a clinic can have open (the `clinics.rooms_open` check in db/migrations). */
export const MAX_ROOMS_OPEN = 100;

/** Slug of the clinic created from the configuration. */
export const MAIN_CLINIC_SLUG = 'main';

const selectClinic = (sql: Sql) => sql`
  select c.id, c.slug, c.name, c.timezone, c.rooms_open, c.closing_time::text as closing_time, c.next_reminder_minutes, c.inbound_texts_per_minute,
         c.office_phone, c.default_language, c.default_country, coalesce(c.inbound_countries, array[c.default_country]) as inbound_countries,
         (select n.address from clinic_numbers n where n.clinic_id = c.id and n.channel = 'sms' order by n.address limit 1) as sms_number
  from clinics c`;

function toClinic(row: Record<string, unknown>): Clinic {
  return {
    id: row.id as number,
    slug: row.slug as string,
    name: row.name as string,
    timezone: row.timezone as string,
    roomsOpen: row.rooms_open as number,
    closingTime: row.closing_time as string,
    nextReminderMinutes: row.next_reminder_minutes as number,
    inboundTextsPerMinute: row.inbound_texts_per_minute as number,
    smsNumber: (row.sms_number as string | null) ?? null,
    officePhone: row.office_phone as string | null,
    defaultLanguage: row.default_language as string,
    defaultCountry: row.default_country as CountryCode,
    inboundCountries: row.inbound_countries as CountryCode[],
  };
}

/** Time zone of a new `main` clinic when CLINIC_TIMEZONE is not set. */
export const DEFAULT_CLINIC_TIMEZONE = 'America/Chicago';

/**
 * Creates or updates the `main` clinic from `config`: name, numbers, and the time zone, contact hours
 * and waitlist offer settings given (CLINIC_TIMEZONE, CONTACT_HOURS_START / _END, BATCH_SIZE,
 * HOLD_MINUTES, MAX_OFFERS_PER_DAY; one not given keeps its stored value, a new clinic takes
 * `DEFAULT_CLINIC_TIMEZONE` and 08:00–20:00). @returns the clinic.
 * @throws ConfigError when the contact hours would end before they start.
 */
export async function ensureMainClinic(sql: Sql, config: Config): Promise<Clinic> {
  const numbers: { address: string; channel: 'sms' | 'whatsapp' }[] = [];
  if (config.twilio.phoneNumber !== undefined) numbers.push({ address: config.twilio.phoneNumber, channel: 'sms' });
  if (config.twilio.whatsappFrom !== undefined) numbers.push({ address: config.twilio.whatsappFrom, channel: 'whatsapp' });
  const { start, end } = config.clinic.contactHours;
  const { batchSize, holdMinutes, maxOffersPerDay } = config.clinic.offers;
  try {
    await sql.begin(async (tx) => {
      const [clinic] = await tx<{ id: number }[]>`
        insert into clinics (slug, name, timezone, default_country, contact_hours_start, contact_hours_end,
                             offer_batch_size, offer_hold_minutes, max_offers_per_day)
        values (${MAIN_CLINIC_SLUG}, ${config.clinic.name}, ${config.clinic.timezone ?? DEFAULT_CLINIC_TIMEZONE}, ${config.clinic.defaultCountry},
                coalesce(${start ?? null}::time, '08:00'), coalesce(${end ?? null}::time, '20:00'),
                coalesce(${batchSize ?? null}::int, 3), coalesce(${holdMinutes ?? null}::int, 7), coalesce(${maxOffersPerDay ?? null}::int, 3))
        on conflict (slug) do update set
          name = excluded.name,
          timezone = coalesce(${config.clinic.timezone ?? null}::text, clinics.timezone),
          default_country = excluded.default_country,
          contact_hours_start = coalesce(${start ?? null}::time, clinics.contact_hours_start),
          contact_hours_end = coalesce(${end ?? null}::time, clinics.contact_hours_end),
          offer_batch_size = coalesce(${batchSize ?? null}::int, clinics.offer_batch_size),
          offer_hold_minutes = coalesce(${holdMinutes ?? null}::int, clinics.offer_hold_minutes),
          max_offers_per_day = coalesce(${maxOffersPerDay ?? null}::int, clinics.max_offers_per_day)
        returning id`;
      for (const n of numbers) {
        await tx`
          insert into clinic_numbers (address, clinic_id, channel) values (${n.address}, ${clinic!.id}, ${n.channel})
          on conflict (address) do update set clinic_id = excluded.clinic_id, channel = excluded.channel`;
      }
    });
  } catch (error) {
    if ((error as { constraint_name?: string }).constraint_name !== 'clinics_contact_hours') throw error;
    const [stored] =
      await sql`select to_char(contact_hours_start, 'HH24:MI') as start, to_char(contact_hours_end, 'HH24:MI') as end from clinics where slug = ${MAIN_CLINIC_SLUG}`;
    const variable = start === undefined ? 'CONTACT_HOURS_END' : 'CONTACT_HOURS_START';
    throw new ConfigError(
      `Invalid configuration:\n  ${variable}: contact hours must start before they end (the clinic's are ${String(stored?.start)}–${String(stored?.end)}; set both variables)`,
    );
  }
  return getClinicBySlug(sql, MAIN_CLINIC_SLUG);
}

/** The number patients are told to call: the office phone, else the clinic's SMS number; null when it has neither. */
export function phoneToCall(clinic: Pick<Clinic, 'officePhone' | 'smsNumber'>): string | null {
  return clinic.officePhone ?? clinic.smsNumber;
}

/** The clinic with `slug`. @throws AppError not_found. */
export async function getClinicBySlug(sql: Sql, slug: string): Promise<Clinic> {
  const [row] = await sql`${selectClinic(sql)} where c.slug = ${slug}`;
  if (row === undefined) throw new AppError('not_found', `no clinic '${slug}'`, 'clinic');
  return toClinic(row);
}

/** The clinic with `id`. @throws AppError not_found. */
export async function getClinicById(sql: Sql, id: number): Promise<Clinic> {
  const [row] = await sql`${selectClinic(sql)} where c.id = ${id}`;
  if (row === undefined) throw new AppError('not_found', `no clinic ${id}`, 'clinic');
  return toClinic(row);
}

/** The clinic that owns the Twilio address `address` (`+1555…` or `whatsapp:+1555…`), if any. */
export async function findClinicByAddress(sql: Sql, address: string): Promise<Clinic | undefined> {
  const [row] = await sql`${selectClinic(sql)} where c.id = (select clinic_id from clinic_numbers where address = ${address})`;
  return row === undefined ? undefined : toClinic(row);
}

/** The clinic's sending address on `channel`, if it owns one. */
export async function findClinicAddress(sql: Sql, clinicId: number, channel: 'sms' | 'whatsapp'): Promise<string | undefined> {
  const [row] = await sql`select address from clinic_numbers where clinic_id = ${clinicId} and channel = ${channel} order by address limit 1`;
  return row?.address as string | undefined;
}
