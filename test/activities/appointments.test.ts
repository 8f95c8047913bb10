/**
 * The appointment activities on the test Postgres, where the workflow tests cannot reach: two
 * patients taking the same slot at the same moment, a slot held for the waitlist while it is offered,
 * and a slot released twice.
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

  it('neither lists nor gives a patient a slot being offered to the waitlist, until its offers end', async () => {
    const midnight = Math.ceil((Date.now() + 96 * HOUR) / (24 * HOUR)) * 24 * HOUR;
    const a = await bookTestAppointment(sql, clinic, { startsAt: midnight + HOUR, providerName: 'Dr Offered' });
    const slot = midnight + 10 * HOUR;
    const [held] = await sql<{ id: string }[]>`
      insert into cancellation_events (clinic_id, provider_id, location, slot_start_at, slot_end_at, created_by, workflow_id)
      values (${clinic.id}, ${a.providerId}, 'Room 2', ${new Date(slot)}, ${new Date(slot + 30 * 60_000)}, 'staff', ${`cancellation-test-${slot}`})
      returning id`;
    // Slots every 30 minutes, all day, every day (UTC): the search must skip the offered one.
    const find = () =>
      activities.findOpenSlots({
        appointmentId: a.appointmentId,
        timezone: 'UTC',
        officeDays: [1, 2, 3, 4, 5, 6, 7],
        opens: '00:00',
        closes: '23:59',
        slotMinutes: 30,
        // 90 minutes before: the first time offered is an hour away (MIN_LEAD_MINUTES), half an hour before the slot.
        now: slot - 1.5 * HOUR,
      });
    const MIN = 60_000;
    expect(await find()).toEqual([slot - 30 * MIN, slot + 30 * MIN, slot + 60 * MIN, slot + 90 * MIN, slot + 120 * MIN]);
    expect(await activities.moveAppointment({ appointmentId: a.appointmentId, startsAt: slot + 15 * MIN })).toBe('taken');

    await sql`update cancellation_events set status = 'expired', ended_at = now() where id = ${held!.id}`;
    expect(await find()).toEqual([slot - 30 * MIN, slot, slot + 30 * MIN, slot + 60 * MIN, slot + 90 * MIN]);
    expect(await activities.moveAppointment({ appointmentId: a.appointmentId, startsAt: slot })).toBe('moved');
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
