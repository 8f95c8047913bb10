/**
 * The end of an appointment chain in the time-skipping test server: visited with a follow-up,
 * a no-show (only from the start), a chain left unmarked, and a long chain that continues as new with its state.
 */
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { startAppointmentChain } from '../../src/appointments/startAppointmentChain.js';
import {
  appointmentQuery,
  cancelAppointmentUpdate,
  MARK_WINDOW_MS,
  markNoShowUpdate,
  markVisitedUpdate,
  RECEIPT_WAIT_MS,
  remindNowUpdate,
} from '../../src/workflows/appointmentDefinitions.js';
import { FailureType } from '../../src/workflows/definitions.js';
import { appointmentChainSuite, bookTestAppointment, failureTypeOf, kindsSentTo, nextLocal, sleepUntil, textsTo } from '../support/appointments.js';

const ZONE = 'America/Chicago';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

const chain = appointmentChainSuite(ZONE);

async function book(options: { continueAsNewAtEvents?: number } = {}) {
  await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
  const startsAt = await nextLocal(chain.env, ZONE, '15:00', 1);
  const appointment = await bookTestAppointment(chain.sql, chain.clinic, { startsAt });
  const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment, options);
  await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation']);
  return { appointment, handle, phone: appointment.phone, startsAt };
}
const rowOf = async (appointmentId: string) =>
  (await chain.sql`select status, follow_up_date::text as follow_up_date, next_reminder_at from appointments where id = ${appointmentId}`)[0]!;

describe('after the visit', () => {
  it('sends the follow-up reminder at 09:00 clinic time on the follow-up date, and nothing before', async () => {
    const { appointment, handle, startsAt } = await book();
    const followUpDate = DateTime.fromMillis(startsAt, { zone: ZONE }).plus({ days: 7 }).toISODate()!;
    const nineAm = DateTime.fromISO(`${followUpDate}T09:00`, { zone: ZONE }).toMillis();

    await sleepUntil(chain.env, startsAt + HOUR);
    expect(await failureTypeOf(handle.executeUpdate(markVisitedUpdate, { args: [{ followUpDate: '2020-01-01' }] }))).toBe(FailureType.InvalidRequest);
    const view = await handle.executeUpdate(markVisitedUpdate, { args: [{ followUpDate }] });
    expect(view).toMatchObject({ status: 'visited', followUpDate, nextReminderAt: iso(nineAm) });
    expect(await rowOf(appointment.appointmentId)).toMatchObject({ status: 'visited', follow_up_date: followUpDate, next_reminder_at: new Date(nineAm) });
    // A visited appointment is no longer open.
    expect(await failureTypeOf(handle.executeUpdate(cancelAppointmentUpdate, { args: [{ by: 'staff' }] }))).toBe(FailureType.IllegalTransition);

    await sleepUntil(chain.env, nineAm - MINUTE);
    expect(await kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder', 'reminder']);
    await sleepUntil(chain.env, nineAm + MINUTE);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder', 'reminder', 'followup_reminder']);
    expect((await textsTo(chain.sql, appointment))[3]!.body).toContain('follow-up visit with Dr Mehta');
    // The chain ends once the follow-up's delivery receipt is in, or its wait for one has run out.
    await sleepUntil(chain.env, nineAm + RECEIPT_WAIT_MS + MINUTE);
    expect(await handle.result()).toEqual({ status: 'visited', startsAt: iso(startsAt) });
    expect(await rowOf(appointment.appointmentId)).toMatchObject({ next_reminder_at: null });
  });

  it('refuses a no-show before the start, its reminders still planned; from the start a no-show ends it', async () => {
    const { appointment, handle, startsAt } = await book();
    expect(await failureTypeOf(handle.executeUpdate(markNoShowUpdate))).toBe(FailureType.IllegalTransition);
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'booked', nextReminderAt: expect.any(String) });

    await sleepUntil(chain.env, startsAt + MINUTE);
    expect(await kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder', 'reminder']);
    expect(await handle.executeUpdate(markNoShowUpdate)).toMatchObject({ status: 'no_show', nextReminderAt: null });
    expect(await handle.result()).toEqual({ status: 'no_show', startsAt: iso(startsAt) });
    expect(await kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder', 'reminder']);
    expect((await rowOf(appointment.appointmentId)).status).toBe('no_show');
  });

  it('ends by itself when staff never mark it, its status as it stood', async () => {
    const { handle, startsAt } = await book();
    await sleepUntil(chain.env, startsAt + MARK_WINDOW_MS - HOUR);
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'booked', nextReminderAt: null });
    // (This client does not skip time while it awaits a result: the test moves the clock itself.)
    await sleepUntil(chain.env, startsAt + MARK_WINDOW_MS + MINUTE);
    expect(await handle.result()).toEqual({ status: 'booked', startsAt: iso(startsAt) });
  });
});

describe('a long chain', () => {
  it('continues as new and keeps its state: status, pending reminders, open prompt and message numbers', async () => {
    const { appointment, handle, phone, startsAt } = await book({ continueAsNewAtEvents: 20 });
    const firstRun = handle.firstExecutionRunId;
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder', 'reminder']);
    await expect.poll(async () => (await handle.describe()).runId).not.toBe(firstRun);

    const carried = await handle.query(appointmentQuery);
    expect(carried).toMatchObject({ status: 'booked', startsAt: iso(startsAt), openPrompt: 'appointment_reminder' });
    expect(await chain.answer(phone, 'SI')).toMatchObject({ kind: 'answered' });
    expect((await rowOf(appointment.appointmentId)).status).toBe('confirmed');

    // The planned reminders still go, numbered after the ones sent before the new run, and ask nothing (confirmed).
    await sleepUntil(chain.env, Date.parse(carried.nextReminderAt!) + MINUTE);
    await sleepUntil(chain.env, startsAt - HOUR + MINUTE);
    await expect
      .poll(() => kindsSentTo(chain.sql, appointment))
      .toEqual(['booking_confirmation', 'reminder', 'reminder', 'confirmed_reminder', 'confirmed_reminder']);
    const keys = (await textsTo(chain.sql, appointment)).map((t) => t.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', openPrompt: null });
  });
});
