/**
 * Clinics and the numbers they own. The data model is multi-clinic; the first clinic (slug `main`)
 * is created and kept in step with the configuration at start.
 */
import type { Sql } from '../db/sql.js';
import type { Config } from '../config.js';
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
  /** The clinic's SMS number (E.164): what HELP tells patients to call. */
  smsNumber: string | null;
}

/** Fewest rooms a clinic can have open (the `clinics.rooms_open` check in db/migrations). */
export const MIN_ROOMS_OPEN = 1;
/** Most rooms a clinic can have open (the `clinics.rooms_open` check in db/migrations). */
export const MAX_ROOMS_OPEN = 100;

/** Slug of the clinic created from the configuration. */
export const MAIN_CLINIC_SLUG = 'main';

const selectClinic = (sql: Sql) => sql`
  select c.id, c.slug, c.name, c.timezone, c.rooms_open, c.closing_time::text as closing_time, c.next_reminder_minutes,
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
    smsNumber: (row.sms_number as string | null) ?? null,
  };
}

/** Creates or updates the `main` clinic from `config` (name, time zone, numbers). @returns the clinic. */
export async function ensureMainClinic(sql: Sql, config: Config): Promise<Clinic> {
  const numbers: { address: string; channel: 'sms' | 'whatsapp' }[] = [];
  if (config.twilio.phoneNumber !== undefined) numbers.push({ address: config.twilio.phoneNumber, channel: 'sms' });
  if (config.twilio.whatsappFrom !== undefined) numbers.push({ address: config.twilio.whatsappFrom, channel: 'whatsapp' });
  await sql.begin(async (tx) => {
    const [clinic] = await tx`
      insert into clinics (slug, name, timezone) values (${MAIN_CLINIC_SLUG}, ${config.clinic.name}, ${config.clinic.timezone})
      on conflict (slug) do update set name = excluded.name, timezone = excluded.timezone
      returning id`;
    for (const n of numbers) {
      await tx`
        insert into clinic_numbers (address, clinic_id, channel) values (${n.address}, ${clinic!.id}, ${n.channel})
        on conflict (address) do update set clinic_id = excluded.clinic_id, channel = excluded.channel`;
    }
  });
  return getClinicBySlug(sql, MAIN_CLINIC_SLUG);
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
