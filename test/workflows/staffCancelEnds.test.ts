/**
 * How a chain ends after a staff cancel, in the time-skipping test server: the `cancelled` text goes
 * (at once, or when contact hours next open), and the chain ends once that text's delivery receipt is
 * in, or once its wait for one (RECEIPT_WAIT_MS) has run out. The suite's client does not skip time
 * while it awaits a result, so a test that awaits the result of a chain still waiting on a receipt
 * waits half an hour of real time: each test says where the chain waits, then ends the wait.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { TimeSkippingWorkflowClient } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { startAppointmentChain } from '../../src/appointments/startAppointmentChain.js';
import { createDataConverter } from '../../src/temporal/dataConverter.js';
import {
  appointmentQuery,
  cancelAppointmentUpdate,
  deliveryReceiptSignal,
  RECEIPT_WAIT_MS,
  remindNowUpdate,
  type AppointmentSnapshot,
} from '../../src/workflows/appointmentDefinitions.js';
import { TEST_PAYLOAD_KEYS } from '../support/payloadKeys.js';
import { appointmentChainSuite, bookTestAppointment, kindsSentTo, nextLocal, sleepUntil, type TestBooking } from '../support/appointments.js';

const ZONE = 'America/Chicago';
const MINUTE = 60_000;

const chain = appointmentChainSuite(ZONE);

/** Books `booking` with a provider of its own at local `now` (`HH:MM`, the next one), and starts its chain. */
async function bookAt(now: string, booking: Omit<TestBooking, 'providerName'>) {
  await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, now));
  const appointment = await bookTestAppointment(chain.sql, chain.clinic, { ...booking, providerName: `Dr ${randomUUID().slice(0, 8)}` });
  const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
  return { appointment, handle };
}

/** Books a visit at 15:00 `daysOut` days after 10:00 (`booking`), reminds the patient now, and has them text YES. */
async function confirmedVisit(daysOut: number, booking: Omit<TestBooking, 'startsAt' | 'providerName'> = {}) {
  const booked = await bookAt('10:00', { startsAt: await nextLocal(chain.env, ZONE, '15:00', daysOut), ...booking });
  await booked.handle.executeUpdate(remindNowUpdate);
  await expect.poll(() => booked.handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
  expect(await chain.answer(booked.appointment.phone, 'YES')).toMatchObject({ kind: 'answered' });
  await expect.poll(() => booked.handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', openPrompt: null });
  return booked;
}

const staffCancel = (handle: WorkflowHandle) => handle.executeUpdate(cancelAppointmentUpdate, { args: [{ by: 'staff' }] });

/** `promise`'s value if it settles within `ms` of real time, else `still running` (a later rejection is ignored). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still running'> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A protobuf Timestamp or Duration of a history event (`seconds` a Long or a string), in ms. */
const msOf = (value: unknown): number => {
  const { seconds, nanos } = (value ?? {}) as { seconds?: number | string | { toNumber(): number }; nanos?: number };
  const s = typeof seconds === 'object' && seconds !== null ? seconds.toNumber() : Number(seconds ?? 0);
  return s * 1000 + Math.floor((nanos ?? 0) / 1e6);
};

/** Where the chain waits: its status, the activities it waits on, and its timers not yet fired or cancelled (when each fires, epoch ms). */
async function waitsOf(handle: WorkflowHandle) {
  const described = await handle.describe();
  const events = (await handle.fetchHistory()).events ?? [];
  const timers = new Map<string, number>();
  for (const event of events) {
    const started = event.timerStartedEventAttributes;
    if (started) timers.set(started.timerId!, msOf(event.eventTime) + msOf(started.startToFireTimeout));
    const ended = event.timerFiredEventAttributes ?? event.timerCanceledEventAttributes;
    if (ended) timers.delete(ended.timerId!);
  }
  return {
    status: described.status.name,
    activities: (described.raw.pendingActivities ?? []).map((p) => p.activityType?.name),
    timers: [...timers.values()],
  };
}

/** Where the chain waits once it has handed in its work (no activity running, a timer or none): see waitsOf. */
async function settledWaitsOf(handle: WorkflowHandle) {
  await expect.poll(async () => (await waitsOf(handle)).activities).toEqual([]);
  return waitsOf(handle);
}

/** Signals `delivered` for every text sent to the appointment's patient so far, as the status webhook would. */
async function deliverTexts(handle: WorkflowHandle, appointment: AppointmentSnapshot): Promise<void> {
  const sent = await chain.sql<{ provider_sid: string }[]>`
    select provider_sid from messages where appointment_id = ${appointment.appointmentId} and provider_sid is not null`;
  for (const { provider_sid } of sent) await handle.signal(deliveryReceiptSignal, { sid: provider_sid, status: 'delivered', errorCode: null });
}

/** Whether `at` (epoch ms) is within a minute of `expected`. */
const near = (at: number | undefined, expected: number) => at !== undefined && Math.abs(at - expected) < MINUTE;

describe('a staff cancel of a confirmed visit', () => {
  it("texts `cancelled` at once, then waits only for that text's receipt: the chain ends when it comes", async () => {
    const { appointment, handle } = await confirmedVisit(2);
    expect(await staffCancel(handle)).toMatchObject({ status: 'cancelled', patientTexted: true, nextReminderAt: null, openPrompt: null });
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder', 'cancelled']);
    const now = await chain.env.currentTimeMs();
    expect(await within(handle.result(), 5_000)).toBe('still running');
    // The suite's client awaited the result and the server's clock went on at the pace of real time.
    expect((await chain.env.currentTimeMs()) - now).toBeLessThan(MINUTE);
    const waits = await settledWaitsOf(handle);
    expect(waits.status).toBe('RUNNING');
    // Its one timer is the receipt wait of the `cancelled` text, started when the text went.
    expect(waits.timers).toHaveLength(1);
    expect(near(waits.timers[0], now + RECEIPT_WAIT_MS)).toBe(true);

    await deliverTexts(handle, appointment);
    expect(await within(handle.result(), 20_000)).toMatchObject({ status: 'cancelled' });
  });

  it('with no receipt, ends when its wait for one runs out (30 minutes): a client that skips time while it awaits gets the result', async () => {
    const { appointment, handle } = await confirmedVisit(2);
    await staffCancel(handle);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder', 'cancelled']);
    const cancelledAt = await chain.env.currentTimeMs();
    const skipping = new TimeSkippingWorkflowClient({
      connection: chain.env.connection,
      namespace: chain.env.namespace ?? 'default',
      dataConverter: createDataConverter(TEST_PAYLOAD_KEYS),
    });
    expect(await within(skipping.result(handle.workflowId), 60_000)).toMatchObject({ status: 'cancelled' });
    expect((await chain.env.currentTimeMs()) - cancelledAt).toBeGreaterThanOrEqual(RECEIPT_WAIT_MS - MINUTE);
  });

  it("of a visit days away: the planned reminder it waited for no longer waits, only the `cancelled` text's receipt", async () => {
    const { appointment, handle } = await confirmedVisit(5, { reminderRules: [{ kind: 'before', minutes: 1440 }] });
    await deliverTexts(handle, appointment);
    const { nextReminderAt } = await handle.query(appointmentQuery);
    const before = await settledWaitsOf(handle);
    expect(before.timers).toHaveLength(1);
    expect(near(before.timers[0], Date.parse(nextReminderAt!))).toBe(true);

    await staffCancel(handle);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder', 'cancelled']);
    const now = await chain.env.currentTimeMs();
    // The receipt wait starts in the workflow task after the send completes: waited for, not assumed.
    await expect.poll(async () => (await settledWaitsOf(handle)).timers).toHaveLength(1);
    const after = await settledWaitsOf(handle);
    expect(near(after.timers[0], now + RECEIPT_WAIT_MS)).toBe(true);
    await deliverTexts(handle, appointment);
    expect(await within(handle.result(), 20_000)).toMatchObject({ status: 'cancelled' });
  });
});

describe('a staff cancel', () => {
  it('while the booking confirmation is held until contact hours open: nothing is texted and the chain ends at once', async () => {
    const { appointment, handle } = await bookAt('21:00', { startsAt: await nextLocal(chain.env, ZONE, '15:00', 2) });
    expect(await staffCancel(handle)).toMatchObject({ status: 'cancelled', patientTexted: false });
    expect(await within(handle.result(), 20_000)).toMatchObject({ status: 'cancelled' });
    expect(await kindsSentTo(chain.sql, appointment)).toEqual([]);
  });

  it('while a reminder is held until contact hours open: the `cancelled` text is held until 08:00 (the chain waits for it), then its receipt ends the chain', async () => {
    const { appointment, handle } = await bookAt('10:00', { startsAt: await nextLocal(chain.env, ZONE, '15:00', 2), reminderRules: [] });
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation']);
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '21:00'));
    await handle.executeUpdate(remindNowUpdate);
    expect(await staffCancel(handle)).toMatchObject({ status: 'cancelled', patientTexted: true });
    const opening = await nextLocal(chain.env, ZONE, '08:00');
    expect(await within(handle.result(), 5_000)).toBe('still running');
    const waits = await settledWaitsOf(handle);
    expect(waits.status).toBe('RUNNING');
    expect(waits.timers).toHaveLength(1);
    expect(near(waits.timers[0], opening)).toBe(true);
    expect(await kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation']);

    await sleepUntil(chain.env, opening + MINUTE);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'cancelled']);
    await deliverTexts(handle, appointment);
    expect(await within(handle.result(), 20_000)).toMatchObject({ status: 'cancelled' });
  });

  it('while the list of open times is open (CHANGE): the list closes, `cancelled` goes, and its receipt ends the chain', async () => {
    const { appointment, handle } = await bookAt('10:00', { startsAt: await nextLocal(chain.env, ZONE, '15:00', 2), officeDays: [1, 2, 3, 4, 5, 6, 7] });
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
    expect(await chain.answer(appointment.phone, 'CHANGE')).toMatchObject({ kind: 'answered', reply: expect.stringContaining('1) ') });
    expect(await handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'reschedule_slots' });
    expect(await staffCancel(handle)).toMatchObject({ status: 'cancelled', openPrompt: null, patientTexted: true });
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder', 'cancelled']);
    const now = await chain.env.currentTimeMs();
    await expect.poll(async () => (await settledWaitsOf(handle)).timers).toHaveLength(1);
    const waits = await settledWaitsOf(handle);
    expect(near(waits.timers[0], now + RECEIPT_WAIT_MS)).toBe(true);
    await deliverTexts(handle, appointment);
    expect(await within(handle.result(), 20_000)).toMatchObject({ status: 'cancelled' });
    // The list closed with the visit: a pick from it answers nothing.
    expect(await chain.answer(appointment.phone, '1')).not.toMatchObject({ kind: 'answered' });
  });
});
