/**
 * Staff log a freed slot (`POST /api/cancellations`) only where the provider's time is free: a slot
 * over one of their booked or confirmed appointments, or over a slot of theirs already being offered,
 * is a 409 naming `slot_start_at` and saying what is there, with nothing logged and no patient texted
 * (the winner would be double-booked), also when that appointment's booking commits while the slot
 * is being logged.
 */
import { DateTime } from 'luxon';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bookThroughApi } from '../support/apiBooking.js';
import { json, patientReply, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

/** 14:00 clinic time `days` from today. */
const twoPm = (days: number) => DateTime.now().setZone(stack.clinic.timezone).plus({ days }).set({ hour: 14, minute: 0, second: 0, millisecond: 0 });
const logSlot = (providerId: number, start: DateTime, minutes = 30) =>
  stack.api('/api/cancellations', {
    method: 'POST',
    body: JSON.stringify({ provider_id: providerId, location: 'Main St clinic', slot_start_at: start.toISO(), slot_end_at: start.plus({ minutes }).toISO() }),
  });
const cancellationsOf = async (providerId: number) =>
  stack.sql<{ id: string; created_by: string }[]>`
    select id::text, created_by from cancellation_events where provider_id = ${providerId} order by cancellation_events.id`;

/** Books a patient with a new provider at `start`; @returns the appointment's id, the provider's id and the patient's number. */
async function bookedProvider(name: string, start: DateTime): Promise<{ appointmentId: string; providerId: number; phone: string }> {
  const booked = await bookThroughApi(stack, { provider: `${name} ${Date.now()}`, startsAt: start });
  const providerId = (await json(await stack.api(`/api/appointments/${booked.id}`))).provider_id as number;
  return { appointmentId: booked.id, providerId, phone: booked.phone };
}

describe('logging a freed slot', () => {
  it("refuses a slot over the provider's booked appointment with 409, logging nothing; the next half hour is free", async () => {
    const start = twoPm(3);
    const { appointmentId, providerId } = await bookedProvider('Dr Full', start);

    const refused = await logSlot(providerId, start);
    expect(refused.status).toBe(409);
    expect((await json(refused)).error).toEqual({
      code: 'conflict',
      field: 'slot_start_at',
      message: expect.stringMatching(new RegExp(`^slot_start_at: Dr Full \\d+ has appointment ${appointmentId} \\(${start.toUTC().toISO()}`)),
    });
    // Overlapping by a part only is refused the same way.
    expect((await logSlot(providerId, start.minus({ minutes: 15 }))).status).toBe(409);
    expect(await cancellationsOf(providerId)).toEqual([]);

    expect((await logSlot(providerId, start.plus({ minutes: 30 }))).status).toBe(201);
    expect(await cancellationsOf(providerId)).toHaveLength(1);
  });

  it('refuses a slot over a confirmed appointment, and takes it once that appointment is cancelled', async () => {
    const start = twoPm(4);
    const { appointmentId, providerId, phone } = await bookedProvider('Dr Sure', start);
    expect((await stack.api(`/api/appointments/${appointmentId}/remind`, { method: 'POST' })).status).toBe(200);
    await vi.waitFor(async () => expect(await stack.sql`select 1 from patient_prompts where phone = ${phone} and closed_at is null`).toHaveLength(1), {
      timeout: 15_000,
    });
    expect(await patientReply(stack, phone, await stack.sendSms(phone, 'YES'))).toMatch(/is confirmed/);
    expect((await json(await stack.api(`/api/appointments/${appointmentId}`))).status).toBe('confirmed');
    expect((await logSlot(providerId, start)).status).toBe(409);

    expect((await stack.api(`/api/appointments/${appointmentId}/cancel`, { method: 'POST' })).status).toBe(200);
    // The cancelled appointment's slot is offered by itself: staff logging it again would offer it twice.
    await vi.waitFor(async () => expect(await cancellationsOf(providerId)).toEqual([{ id: expect.any(String), created_by: 'appointment' }]), {
      timeout: 15_000,
    });
    const twice = await logSlot(providerId, start);
    expect(twice.status).toBe(409);
    expect((await json(twice)).error.message).toMatch(/is already being offered to the waitlist \(cancellation \d+\)$/);
  });

  it('waits for a booking of the slot that is committing as it is logged, then refuses it', async () => {
    const { providerId } = await bookedProvider('Dr Racing', twoPm(5));
    const start = twoPm(5).plus({ hours: 1 });
    // Another process books the provider at that time (the insert's foreign key holds the provider's
    // row) and commits only once the slot's log has had time to read their appointments.
    const other = postgres(stack.databaseUrl, { max: 1, onnotice: () => undefined });
    try {
      let logging: Promise<Response> | undefined;
      await other.begin(async (tx) => {
        await tx`
          insert into appointments (clinic_id, provider_id, patient_name, phone, language, service, channel, starts_at, duration_minutes, workflow_id)
          values (${stack.clinic.id}, ${providerId}, 'Ana Ruiz', '+15005550123', 'en', 'Ortho', 'sms', ${start.toJSDate()}, 30,
                  ${`appointment-race-${Date.now()}`})`;
        logging = logSlot(providerId, start);
        await new Promise((resolve) => setTimeout(resolve, 500));
      });
      const refused = await logging!;
      expect(refused.status).toBe(409);
      expect((await json(refused)).error.message).toMatch(/^slot_start_at: Dr Racing \d+ has appointment \d+ /);
      expect(await cancellationsOf(providerId)).toEqual([]);
    } finally {
      await other.end();
    }
  });
});
