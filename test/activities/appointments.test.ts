/**
 * The appointment activities on the test Postgres, where the workflow tests cannot reach: two
 * patients taking the same slot at the same moment, and a slot released twice.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createAppointmentActivities } from '../../src/activities/appointments.js';
import type { Clinic } from '../../src/clinics/clinics.js';
import { createSql, type Sql } from '../../src/db/sql.js';
import { createConsoleSender } from '../../src/messaging/consoleSender.js';
import { createMessenger } from '../../src/messaging/messenger.js';
import { bookTestAppointment } from '../support/appointments.js';
import { createTestClinic } from '../support/clinic.js';

let sql: Sql;
let clinic: Clinic;
let activities: ReturnType<typeof createAppointmentActivities>;

beforeAll(async () => {
  sql = createSql(inject('databaseUrl'));
  ({ clinic } = await createTestClinic(sql));
  const log = pino({ level: 'silent' });
  activities = createAppointmentActivities({ sql, messenger: createMessenger({ sql, sender: createConsoleSender(log), callbackBaseUrl: undefined, log }) });
});
afterAll(() => sql?.end());

const HOUR = 60 * 60_000;

describe('moving an appointment', () => {
  it('gives a slot to one of two patients who pick it at the same moment', async () => {
    const base = Date.now() + 48 * HOUR;
    const a = await bookTestAppointment(sql, clinic, { startsAt: base, providerName: 'Dr Race' });
    const b = await bookTestAppointment(sql, clinic, { startsAt: base + 2 * HOUR, providerName: 'Dr Race' });
    const slot = base + 5 * HOUR;
    const outcomes = await Promise.all([
      activities.moveAppointment({ appointmentId: a.appointmentId, startsAt: slot }),
      activities.moveAppointment({ appointmentId: b.appointmentId, startsAt: slot + 15 * 60_000 }),
    ]);
    expect(outcomes.sort()).toEqual(['moved', 'taken']);
    const starts = await sql`select starts_at from appointments where id in (${a.appointmentId}, ${b.appointmentId}) and starts_at >= ${new Date(slot)}`;
    expect(starts).toHaveLength(1);
    // A retry of the winner's move finds it moved again.
    const winner = outcomes[0] === 'moved' ? a : b;
    const [row] = await sql`select starts_at from appointments where id = ${winner.appointmentId}`;
    expect(await activities.moveAppointment({ appointmentId: winner.appointmentId, startsAt: (row!.starts_at as Date).getTime() })).toBe('moved');
  });

  it('releases a slot once, however often it is retried', async () => {
    const startsAt = Date.now() + 72 * HOUR;
    const a = await bookTestAppointment(sql, clinic, { startsAt });
    await activities.releaseSlot({ appointmentId: a.appointmentId, startsAt: new Date(startsAt).toISOString() });
    await activities.releaseSlot({ appointmentId: a.appointmentId, startsAt: new Date(startsAt).toISOString() });
    const rows = await sql`select provider_id, duration_minutes, starts_at from released_slots where appointment_id = ${a.appointmentId}`;
    expect(rows).toEqual([{ provider_id: a.providerId, duration_minutes: 30, starts_at: new Date(startsAt) }]);
  });
});
