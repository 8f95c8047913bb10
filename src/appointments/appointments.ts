/**
 * Appointments and providers in Postgres (tables in db/migrations/1763800250000_appointments.sql).
 * The API books (inserts the row with its workflow ID, then starts the chain); afterwards only the
 * chain's activities change a row. Times are UTC instants; `date` filters are clinic-local days.
 */
import { DateTime } from 'luxon';
import type { TransactionSql } from 'postgres';
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { KEY_TIME_FORMAT, mapPage, takePage, type Page, type PageRequest, type TimeKey } from '../db/keysetPage.js';
import type { AppointmentChannel, AppointmentStatus } from '../workflows/appointmentDefinitions.js';

/** Every status, for validation (`AppointmentStatus` in the chain's contract). */
export const APPOINTMENT_STATUSES = ['booked', 'confirmed', 'cancelled', 'visited', 'no_show'] as const satisfies readonly AppointmentStatus[];
/** Every channel, for validation. */
export const APPOINTMENT_CHANNELS = ['sms', 'whatsapp', 'voice'] as const satisfies readonly AppointmentChannel[];

/** One appointment with its provider's name. `id` is the bigserial as a string. */
export interface Appointment {
  id: string;
  clinicId: number;
  providerId: number;
  providerName: string;
  patientName: string;
  /** E.164. */
  phone: string;
  language: string;
  service: string;
  channel: AppointmentChannel;
  startsAt: Date;
  durationMinutes: number;
  status: AppointmentStatus;
  /** `YYYY-MM-DD`, clinic-local, or null. */
  followUpDate: string | null;
  workflowId: string;
  nextReminderAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

interface AppointmentRow {
  id: string;
  clinic_id: number;
  provider_id: number;
  provider_name: string;
  patient_name: string;
  phone: string;
  language: string;
  service: string;
  channel: AppointmentChannel;
  starts_at: Date;
  duration_minutes: number;
  status: AppointmentStatus;
  follow_up_date: string | null;
  workflow_id: string;
  next_reminder_at: Date | null;
  created_at: Date;
  updated_at: Date;
  /** `starts_at` to the microsecond, the list's sort key (`TimeKey`). */
  key_at: string;
}

const fromRow = (r: AppointmentRow): Appointment => ({
  id: r.id,
  clinicId: r.clinic_id,
  providerId: r.provider_id,
  providerName: r.provider_name,
  patientName: r.patient_name,
  phone: r.phone,
  language: r.language,
  service: r.service,
  channel: r.channel,
  startsAt: r.starts_at,
  durationMinutes: r.duration_minutes,
  status: r.status,
  followUpDate: r.follow_up_date,
  workflowId: r.workflow_id,
  nextReminderAt: r.next_reminder_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const SELECT_APPOINTMENTS = (sql: Sql | TransactionSql) => sql`
  select a.id, a.clinic_id, a.provider_id, p.name as provider_name, a.patient_name, a.phone, a.language, a.service,
         a.channel, a.starts_at, a.duration_minutes, a.status, to_char(a.follow_up_date, 'YYYY-MM-DD') as follow_up_date,
         a.workflow_id, a.next_reminder_at, a.created_at, a.updated_at, to_char(a.starts_at at time zone 'UTC', ${KEY_TIME_FORMAT}) as key_at
  from appointments a join providers p on p.id = a.provider_id`;

/** A provider as booking reads it: `active` false when staff have made them inactive (no new bookings). */
export interface BookingProvider {
  id: number;
  name: string;
  active: boolean;
}

/**
 * The provider of `clinicId` called `name` (case aside), created (active) if the clinic has none yet.
 * Concurrent bookings naming a new provider get the same one.
 */
export async function findOrCreateProvider(sql: Sql, clinicId: number, name: string): Promise<BookingProvider> {
  const [row] = await sql<BookingProvider[]>`
    with created as (
      insert into providers (clinic_id, name) values (${clinicId}, ${name})
      on conflict (clinic_id, lower(name)) do nothing
      returning id, name, active)
    select id, name, active from created
    union all
    select id, name, active from providers where clinic_id = ${clinicId} and lower(name) = lower(${name})
    limit 1`;
  return row!;
}

/** The provider `id` of `clinicId`. @throws AppError bad_request naming `provider_id` when the clinic has no such provider. */
export async function getProvider(sql: Sql, clinicId: number, id: number): Promise<BookingProvider> {
  const [row] = await sql<BookingProvider[]>`select id, name, active from providers where clinic_id = ${clinicId} and id = ${id}`;
  if (row === undefined) throw new AppError('bad_request', `provider_id: the clinic has no provider ${id}`, 'provider_id');
  return row;
}

/** A new appointment's fields (the row starts `booked`). */
export interface NewAppointment {
  clinicId: number;
  clinicSlug: string;
  providerId: number;
  patientName: string;
  phone: string;
  language: string;
  service: string;
  channel: AppointmentChannel;
  startsAt: Date;
  durationMinutes: number;
}

/** Inserts a `booked` appointment with its workflow ID (`appointment-<clinic>-<id>`, as `appointmentWorkflowId`) and returns it. */
export async function insertAppointment(sql: Sql | TransactionSql, a: NewAppointment): Promise<Appointment> {
  const [inserted] = await sql<{ id: string }[]>`
    with next as (select nextval(pg_get_serial_sequence('appointments', 'id'))::text as id)
    insert into appointments (id, clinic_id, provider_id, patient_name, phone, language, service, channel, starts_at, duration_minutes, workflow_id)
    select next.id::bigint, ${a.clinicId}, ${a.providerId}, ${a.patientName}, ${a.phone}, ${a.language}, ${a.service}, ${a.channel},
           ${a.startsAt}, ${a.durationMinutes}, 'appointment-' || ${a.clinicSlug}::text || '-' || next.id
    from next
    returning id`;
  return getAppointment(sql, a.clinicId, inserted!.id);
}

/** Appointment `id` of `clinicId`. @throws AppError not_found (field `id`). */
export async function getAppointment(sql: Sql | TransactionSql, clinicId: number, id: string): Promise<Appointment> {
  const rows = await sql<AppointmentRow[]>`${SELECT_APPOINTMENTS(sql)} where a.clinic_id = ${clinicId} and a.id = ${id}`;
  if (rows[0] === undefined) throw new AppError('not_found', `no appointment ${id}`, 'id');
  return fromRow(rows[0]);
}

/**
 * The clinic's appointments by start time (ties by `id`), optionally only those starting on
 * clinic-local day `date` (`YYYY-MM-DD` in `timezone`) and in `status`. Without `page`, all of them
 * (the CSV export, the Appointments page); with it, the page after `page.after` (keyset, see
 * `keysetPage.ts`), read through the `appointments_by_start` / `appointments_by_status` indexes.
 */
export async function listAppointments(
  sql: Sql,
  clinicId: number,
  filter: { date?: string; status?: AppointmentStatus; timezone: string },
): Promise<Appointment[]>;
export async function listAppointments(
  sql: Sql,
  clinicId: number,
  filter: { date?: string; status?: AppointmentStatus; timezone: string },
  page: PageRequest<TimeKey>,
): Promise<Page<Appointment, TimeKey>>;
export async function listAppointments(
  sql: Sql,
  clinicId: number,
  filter: { date?: string; status?: AppointmentStatus; timezone: string },
  page?: PageRequest<TimeKey>,
): Promise<Appointment[] | Page<Appointment, TimeKey>> {
  const day = filter.date === undefined ? undefined : DateTime.fromISO(filter.date, { zone: filter.timezone });
  const from = day?.startOf('day').toJSDate();
  const to = day?.plus({ days: 1 }).startOf('day').toJSDate();
  const after = page?.after;
  const rows = await sql<AppointmentRow[]>`
    ${SELECT_APPOINTMENTS(sql)}
    where a.clinic_id = ${clinicId}
      ${from === undefined || to === undefined ? sql`` : sql`and a.starts_at >= ${from} and a.starts_at < ${to}`}
      ${filter.status === undefined ? sql`` : sql`and a.status = ${filter.status}`}
      ${after === undefined ? sql`` : sql`and (a.starts_at, a.id) > (${after.at}::text::timestamptz, ${after.id}::bigint)`}
    order by a.starts_at, a.id
    ${page === undefined ? sql`` : sql`limit ${page.limit + 1}`}`;
  if (page === undefined) return rows.map(fromRow);
  return mapPage(
    takePage(rows, page.limit, (r) => ({ at: r.key_at, id: r.id })),
    fromRow,
  );
}

/** `phone`'s open appointments (booked or confirmed, not yet started) at `clinicId`, the soonest first. */
export async function findOpenAppointmentsByPhone(sql: Sql, clinicId: number, phone: string): Promise<Appointment[]> {
  const rows = await sql<AppointmentRow[]>`
    ${SELECT_APPOINTMENTS(sql)}
    where a.clinic_id = ${clinicId} and a.phone = ${phone} and a.status in ('booked', 'confirmed') and a.starts_at > now()
    order by a.starts_at, a.id`;
  return rows.map(fromRow);
}
