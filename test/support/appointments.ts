/**
 * Booked appointments for the chain's tests: a time-skipping environment per test file with the
 * clinic in a chosen zone, the row the API would write (a provider of the test clinic, status
 * `booked`) and its snapshot, and what the patient has received.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DateTime } from 'luxon';
import { afterAll, beforeAll } from 'vitest';
import type { Clinic } from '../../src/clinics/clinics.js';
import type { Sql } from '../../src/db/sql.js';
import { routeAnswer } from '../../src/inbound/replyRouter.js';
import { type ContactHours, type ReminderRule } from '../../src/domain/reminderPlan.js';
import { DEFAULT_REMINDER_RULES } from '../../src/domain/reminderRules.js';
import { appointmentWorkflowId, type AppointmentChannel, type AppointmentSnapshot } from '../../src/workflows/appointmentDefinitions.js';
import { fictionalNumber } from './clinic.js';
import { startTimeSkipping, type TimeSkipping } from './timeSkipping.js';

/** What `appointmentChainSuite` gives a test file; each getter throws outside a test (before `beforeAll`). */
export interface AppointmentChainSuite {
  ts: TimeSkipping;
  env: TestWorkflowEnvironment;
  sql: Sql;
  /** The file's test clinic, in the suite's zone. */
  clinic: Clinic;
  /** The patient at `phone` texts `body` to the clinic: the real reply router's outcome. */
  answer(phone: string, body: string): ReturnType<typeof routeAnswer>;
}

/**
 * Registers, for the calling test file, a time-skipping environment (`startTimeSkipping`) whose clinic
 * is moved to `zone` (an IANA time zone) in `beforeAll`, and stops it in `afterAll`.
 */
export function appointmentChainSuite(zone: string): AppointmentChainSuite {
  let running: { ts: TimeSkipping; clinic: Clinic } | undefined;
  beforeAll(async () => {
    const ts = await startTimeSkipping();
    running = { ts, clinic: await moveClinicTo(ts.sql, ts.clinic, zone) };
  });
  afterAll(() => running?.ts.stop());
  const started = () => {
    if (running === undefined) throw new Error('appointmentChainSuite: its environment starts in beforeAll; read it inside a test');
    return running;
  };
  return {
    get ts() {
      return started().ts;
    },
    get env() {
      return started().ts.env;
    },
    get sql() {
      return started().ts.sql;
    },
    get clinic() {
      return started().clinic;
    },
    answer(phone, body) {
      const { ts, clinic } = started();
      return routeAnswer({ sql: ts.sql, temporal: ts.temporal, log: ts.log }, clinic.id, phone, body);
    },
  };
}

/** What a test may choose about an appointment; the rest are the clinic defaults (08:00–20:00, Mon–Fri 09:00–17:00, 60-minute slots). */
export interface TestBooking {
  startsAt: number;
  providerName?: string;
  durationMinutes?: number;
  reminderRules?: ReminderRule[];
  contactHours?: ContactHours;
  officeDays?: number[];
  opens?: string;
  closes?: string;
  /** Default `sms`. */
  channel?: AppointmentChannel;
  callRetryMinutes?: number;
  /** The patient's language (BCP 47); default `en`. */
  language?: string;
}

/** Writes a booked appointment at `clinic` (whose time zone it takes) and returns the chain's snapshot. */
export async function bookTestAppointment(sql: Sql, clinic: Clinic, booking: TestBooking): Promise<AppointmentSnapshot> {
  const providerName = booking.providerName ?? 'Dr Mehta';
  const [provider] = await sql<{ id: number }[]>`
    insert into providers (clinic_id, name) values (${clinic.id}, ${providerName})
    on conflict (clinic_id, lower(name)) do update set name = excluded.name returning id`;
  const phone = fictionalNumber('312');
  const durationMinutes = booking.durationMinutes ?? 30;
  const channel = booking.channel ?? 'sms';
  const language = booking.language ?? 'en';
  const [row] = await sql<{ id: string }[]>`
    with next as (select nextval('appointments_id_seq') as id)
    insert into appointments (id, clinic_id, provider_id, patient_name, phone, language, service, channel, starts_at, duration_minutes, workflow_id)
    select next.id, ${clinic.id}, ${provider!.id}, 'Rahul Sharma', ${phone}, ${language}, 'Ortho', ${channel}, ${new Date(booking.startsAt)}, ${durationMinutes},
           ${appointmentWorkflowId(clinic.slug, '')} || next.id
    from next returning id`;
  return {
    appointmentId: row!.id,
    clinicId: clinic.id,
    clinicSlug: clinic.slug,
    timezone: clinic.timezone,
    phone,
    channel,
    language,
    startsAt: new Date(booking.startsAt).toISOString(),
    durationMinutes,
    providerId: provider!.id,
    providerName,
    service: 'Ortho',
    contactHours: booking.contactHours ?? { start: '08:00', end: '20:00' },
    reminderRules: booking.reminderRules ?? [...DEFAULT_REMINDER_RULES],
    officeDays: booking.officeDays ?? [1, 2, 3, 4, 5],
    opens: booking.opens ?? '09:00',
    closes: booking.closes ?? '17:00',
    slotMinutes: 60,
    ...(booking.callRetryMinutes === undefined ? {} : { callRetryMinutes: booking.callRetryMinutes }),
  };
}

/** The texts the appointment's clinic sent to its patient, oldest first, with their idempotency keys. */
export async function textsTo(sql: Sql, appointment: Pick<AppointmentSnapshot, 'clinicId' | 'phone'>): Promise<{ body: string; key: string }[]> {
  const rows = await sql<{ body: string; idempotency_key: string }[]>`
    select body, idempotency_key from messages
    where clinic_id = ${appointment.clinicId} and phone = ${appointment.phone} and direction = 'outbound' order by id`;
  return rows.map((r) => ({ body: r.body, key: r.idempotency_key }));
}

/** The kinds of the texts sent to the appointment's patient (the idempotency key's kind), oldest first. */
export async function kindsSentTo(sql: Sql, appointment: Pick<AppointmentSnapshot, 'clinicId' | 'phone'>): Promise<string[]> {
  return (await textsTo(sql, appointment)).map((t) => /^appointment:\d+:[^:]+:\d\d:\d\d\.\d+Z:([a-z_]+)/.exec(t.key)?.[1] ?? t.key);
}

/** Moves the time-skipping clock to `at` (epoch ms), if it is not there yet. */
export async function sleepUntil(env: TestWorkflowEnvironment, at: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (at > now) await env.sleep(at - now);
}

/** The next `time` (`HH:MM`) in `zone` after the clock's now, `daysLater` calendar days on, as epoch ms. */
export async function nextLocal(env: TestWorkflowEnvironment, zone: string, time: string, daysLater = 0): Promise<number> {
  const now = DateTime.fromMillis(await env.currentTimeMs(), { zone });
  const [hour, minute] = time.split(':').map(Number);
  let at = now.set({ hour, minute, second: 0, millisecond: 0 });
  if (at <= now) at = at.plus({ days: 1 });
  return at.plus({ days: daysLater }).toMillis();
}

/** Puts the test clinic in `zone` (its row and the object the test holds). */
export async function moveClinicTo(sql: Sql, clinic: Clinic, zone: string): Promise<Clinic> {
  await sql`update clinics set timezone = ${zone} where id = ${clinic.id}`;
  return { ...clinic, timezone: zone };
}

/** The `ApplicationFailure` type a rejected update failed with (its cause), or `resolved` when it did not fail. */
export async function failureTypeOf(update: Promise<unknown>): Promise<string | undefined> {
  try {
    await update;
    return 'resolved';
  } catch (error) {
    return (error as { cause?: { type?: string } }).cause?.type;
  }
}
