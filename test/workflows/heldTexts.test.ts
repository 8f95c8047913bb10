/**
 * Texts held until contact hours open (08:00–20:00 here), in the time-skipping test server: a booking
 * confirmation whose visit started meanwhile is not sent (a staff cancellation still is), a staff
 * cancel before the confirmation went (or after it was so dropped) texts nothing at all, several reminders asked for while one
 * is held (Remind now pressed again, a planned reminder falling due) send one, and a Remind now while a staff move's text
 * (which asks the reminder's question) is held sends only that text.
 * Each test books with its own provider, so their schedules do not meet.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startAppointmentChain } from '../../src/appointments/startAppointmentChain.js';
import {
  appointmentQuery,
  cancelAppointmentUpdate,
  markNoShowUpdate,
  remindNowUpdate,
  rescheduleAppointmentUpdate,
} from '../../src/workflows/appointmentDefinitions.js';
import { appointmentChainSuite, bookTestAppointment, kindsSentTo, nextLocal, sleepUntil, textsTo, type TestBooking } from '../support/appointments.js';

const ZONE = 'America/Chicago';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const chain = appointmentChainSuite(ZONE);

/** Books `booking` with a provider of its own at local `now` (`HH:MM`, the next one), and starts its chain. */
async function bookAt(now: string, startsAt: (booked: number) => Promise<number>, booking: Omit<TestBooking, 'startsAt'> = {}) {
  const booked = await nextLocal(chain.env, ZONE, now);
  await sleepUntil(chain.env, booked);
  const appointment = await bookTestAppointment(chain.sql, chain.clinic, {
    ...booking,
    startsAt: await startsAt(booked),
    providerName: `Dr ${randomUUID().slice(0, 8)}`,
  });
  const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
  return { appointment, handle };
}
/** Moves the clock to just after contact hours next open (08:01 clinic time). */
async function pastOpening() {
  await sleepUntil(chain.env, (await nextLocal(chain.env, ZONE, '08:00')) + MINUTE);
}
const bodiesTo = async (appointment: Parameters<typeof textsTo>[1]) => (await textsTo(chain.sql, appointment)).map((t) => t.body);

describe('a booking confirmation held past the start of its visit', () => {
  it('is not sent: a patient booked at 21:00 for 07:30 is not told at 08:00 that the visit is booked for 07:30', async () => {
    const { appointment, handle } = await bookAt('21:00', () => nextLocal(chain.env, ZONE, '07:30'));
    await pastOpening();
    await sleepUntil(chain.env, (await chain.env.currentTimeMs()) + HOUR);
    // Staff mark the no-show at 09:01: the chain ends, with everything it did before in the message log.
    expect(await handle.executeUpdate(markNoShowUpdate)).toMatchObject({ status: 'no_show' });
    expect(await handle.result()).toMatchObject({ status: 'no_show' });
    expect(await bodiesTo(appointment)).toEqual([]);
  });

  it('leaves the patient untold: a staff cancel at 09:00 texts nothing, a staff move to 15:00 texts the booking confirmation of 15:00', async () => {
    const cancelled = await bookAt('21:00', () => nextLocal(chain.env, ZONE, '07:30'));
    const moved = await bookAt('21:00', () => nextLocal(chain.env, ZONE, '07:30'));
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '09:00'));
    expect(await cancelled.handle.executeUpdate(cancelAppointmentUpdate, { args: [{ by: 'staff' }] })).toMatchObject({
      status: 'cancelled',
      patientTexted: false,
    });
    expect(await cancelled.handle.result()).toMatchObject({ status: 'cancelled' });
    expect(await bodiesTo(cancelled.appointment)).toEqual([]);

    const newStart = await nextLocal(chain.env, ZONE, '15:00');
    await moved.handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: new Date(newStart).toISOString() }] });
    await expect.poll(() => kindsSentTo(chain.sql, moved.appointment)).toEqual(['booking_confirmation']);
    const [text] = await textsTo(chain.sql, moved.appointment);
    expect(text!.body).toMatch(/is booked for .* at 3:00 PM\./);
    expect(text!.key).toContain(`:${new Date(newStart).toISOString()}:booking_confirmation`);
  });

  it('leaves a staff cancellation held past the start to go at 08:00: it still tells the patient something true', async () => {
    const { appointment, handle } = await bookAt('10:00', () => nextLocal(chain.env, ZONE, '07:30', 1), { reminderRules: [] });
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation']);
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '21:00', 1));
    expect(await handle.executeUpdate(cancelAppointmentUpdate, { args: [{ by: 'staff' }] })).toMatchObject({ status: 'cancelled', patientTexted: true });
    await pastOpening();
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'cancelled']);
  });
});

describe('a staff cancel while the booking confirmation is still held', () => {
  it('texts the patient nothing: neither the confirmation nor "your appointment is cancelled", and says so to staff', async () => {
    const { appointment, handle } = await bookAt('22:00', () => nextLocal(chain.env, ZONE, '15:00', 3));
    await sleepUntil(chain.env, (await chain.env.currentTimeMs()) + 30 * MINUTE);
    expect(await handle.executeUpdate(cancelAppointmentUpdate, { args: [{ by: 'staff' }] })).toMatchObject({ status: 'cancelled', patientTexted: false });
    expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    await pastOpening();
    expect(await bodiesTo(appointment)).toEqual([]);
    expect((await chain.sql`select status from appointments where id = ${appointment.appointmentId}`)[0]!.status).toBe('cancelled');
  });
});

describe('reminders asked for while one is held', () => {
  it('send one: Remind now pressed three times at 22:00 texts the confirmation and one reminder at 08:00', async () => {
    const { appointment, handle } = await bookAt('22:00', () => nextLocal(chain.env, ZONE, '15:00', 3));
    for (let press = 0; press < 3; press++) expect(await handle.executeUpdate(remindNowUpdate)).toMatchObject({ status: 'booked' });
    await pastOpening();
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder']);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
    await sleepUntil(chain.env, (await chain.env.currentTimeMs()) + HOUR);
    expect(await kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder']);
  });

  it('send one: a reminder planned for 08:00 (12 hours before a 15:00 visit) and a Remind now held since 22:00', async () => {
    const { appointment, handle } = await bookAt('22:00', () => nextLocal(chain.env, ZONE, '15:00'), { reminderRules: [{ kind: 'before', minutes: 720 }] });
    const opening = await nextLocal(chain.env, ZONE, '08:00');
    expect(await handle.executeUpdate(remindNowUpdate)).toMatchObject({ nextReminderAt: new Date(opening).toISOString() });
    await pastOpening();
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder']);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder', nextReminderAt: null });
    await sleepUntil(chain.env, (await chain.env.currentTimeMs()) + HOUR);
    expect(await kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder']);
  });
});

describe("a Remind now while a staff move's text is held", () => {
  it("is folded into the move's text: moved at 21:00, Remind now at 21:30, one text at 08:00 with the new time and one question", async () => {
    const { appointment, handle } = await bookAt('10:00', () => nextLocal(chain.env, ZONE, '15:00', 3), { reminderRules: [] });
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation']);
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '21:00'));
    const newStart = new Date(await nextLocal(chain.env, ZONE, '11:00', 4)).toISOString();
    await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: newStart }] });
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '21:30'));
    // The staff's answer is the appointment as it stands: moved, booked, nothing asked yet.
    expect(await handle.executeUpdate(remindNowUpdate)).toMatchObject({ status: 'booked', startsAt: newStart, openPrompt: null });

    await pastOpening();
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'rescheduled']);
    expect((await textsTo(chain.sql, appointment)).at(-1)!.body).toMatch(
      / is now .* at 11:00 AM\.\nReply YES to confirm, NO to cancel, CHANGE for another time\.$/,
    );
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
    await sleepUntil(chain.env, (await chain.env.currentTimeMs()) + HOUR);
    expect(await kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'rescheduled']);
  });
});
