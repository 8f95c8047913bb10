/**
 * The appointment chain in Temporal's time-skipping test server, with its real activities on the
 * test Postgres: booking, reminders, confirming, cancelling, contact hours and daylight saving. The
 * patient answers through the real reply router; the clock moves only when a test says so.
 */
import { describe, expect, it } from 'vitest';
import { startAppointmentChain } from '../../src/appointments/startAppointmentChain.js';
import { answerAppointmentPromptUpdate, appointmentQuery, cancelAppointmentUpdate, remindNowUpdate } from '../../src/workflows/appointmentDefinitions.js';
import { FailureType } from '../../src/workflows/definitions.js';
import {
  appointmentChainSuite,
  bookTestAppointment,
  failureTypeOf,
  kindsSentTo,
  nextLocal,
  sleepUntil,
  textsTo,
  type TestBooking,
} from '../support/appointments.js';

const ZONE = 'America/Chicago';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

const chain = appointmentChainSuite(ZONE);

async function book(booking: TestBooking) {
  const appointment = await bookTestAppointment(chain.sql, chain.clinic, booking);
  const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
  return { appointment, handle, phone: appointment.phone };
}
const statusOf = async (appointmentId: string) => (await chain.sql`select status from appointments where id = ${appointmentId}`)[0]!.status as string;
const releasedSlots = (appointmentId: string) =>
  chain.sql<{ starts_at: Date }[]>`select starts_at from released_slots where appointment_id = ${appointmentId}`.then((rows) =>
    rows.map((r) => r.starts_at.getTime()),
  );

describe('a booked appointment', () => {
  it('is confirmed at once, reminded 24 hours and 1 hour before, and a YES confirms it with a thank-you (the 1-hour reminder then asks nothing)', async () => {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
    const startsAt = await nextLocal(chain.env, ZONE, '15:00', 2);
    const { appointment, handle, phone } = await book({ startsAt });

    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation']);
    expect((await textsTo(chain.sql, appointment))[0]!.body).toMatch(
      /^Test Clinic: Rahul Sharma, your visit with Dr Mehta is booked for \w{3}, \w{3} \d+ at 3:00 PM\./,
    );
    expect(await handle.query(appointmentQuery)).toMatchObject({
      status: 'booked',
      startsAt: iso(startsAt),
      nextReminderAt: iso(startsAt - DAY),
      openPrompt: null,
    });
    await expect
      .poll(async () => (await chain.sql`select next_reminder_at from appointments where id = ${appointment.appointmentId}`)[0]!.next_reminder_at)
      .toEqual(new Date(startsAt - DAY));

    await sleepUntil(chain.env, startsAt - DAY - MINUTE);
    expect(await kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation']);
    await sleepUntil(chain.env, startsAt - DAY + MINUTE);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder']);
    const reminder = (await textsTo(chain.sql, appointment))[1]!;
    // Carrier-safe: the reminder invites NO, never CANCEL (a Twilio opt-out word).
    expect(reminder.body).toContain('Reply YES to confirm, NO');
    // It asks for NO: CANCEL, a carrier opt-out word, is never the word it invites.
    expect(reminder.body).not.toMatch(/\bCANCEL\b/);
    expect(reminder.key).toBe(`appointment:${appointment.appointmentId}:${iso(startsAt)}:reminder:1`);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder', nextReminderAt: iso(startsAt - HOUR) });

    const routed = await chain.answer(phone, 'Yes!');
    expect(routed).toMatchObject({ kind: 'answered', reply: expect.stringContaining('is confirmed') });
    expect(await statusOf(appointment.appointmentId)).toBe('confirmed');
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', openPrompt: null });

    await sleepUntil(chain.env, startsAt - HOUR + MINUTE);
    // Confirmed: the 1-hour reminder asks nothing (no YES / NO / CHANGE again) and opens no question.
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder', 'confirmed_reminder']);
    expect((await textsTo(chain.sql, appointment))[2]!.key).toBe(`appointment:${appointment.appointmentId}:${iso(startsAt)}:confirmed_reminder:2`);
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', openPrompt: null });
  });

  it('is cancelled by NO: a reply, no more reminders, the slot released once', async () => {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
    const startsAt = await nextLocal(chain.env, ZONE, '15:00', 2);
    const { appointment, handle, phone } = await book({ startsAt });
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder']);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });

    const routed = await chain.answer(phone, 'no');
    expect(routed).toMatchObject({ kind: 'answered', reply: expect.stringContaining('is cancelled') });
    expect(await statusOf(appointment.appointmentId)).toBe('cancelled');
    expect(await releasedSlots(appointment.appointmentId)).toEqual([startsAt]);

    // Nothing is left to do: the chain has ended, and staff cannot cancel it again.
    expect(await handle.result()).toEqual({ status: 'cancelled', startsAt: iso(startsAt) });
    await expect(handle.executeUpdate(cancelAppointmentUpdate, { args: [{ by: 'staff' }] })).rejects.toThrow();
    await sleepUntil(chain.env, startsAt);
    expect(await kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder']);
    expect(await releasedSlots(appointment.appointmentId)).toEqual([startsAt]);
  });

  it('ends at once, texting no one, when its row is gone (a booking that answered 503 and whose start landed later)', async () => {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
    const startsAt = await nextLocal(chain.env, ZONE, '15:00', 2);
    const appointment = await bookTestAppointment(chain.sql, chain.clinic, { startsAt });
    await chain.sql`delete from appointments where id = ${appointment.appointmentId}`;
    const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
    expect(await handle.result()).toEqual({ status: 'booked', startsAt: iso(startsAt) });
    expect(await textsTo(chain.sql, appointment)).toEqual([]);
  });

  it('is cancelled by staff with a text, and by a bare CANCEL with none', async () => {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
    const byStaff = await book({ startsAt: await nextLocal(chain.env, ZONE, '11:00', 2) });
    const byWord = await book({ startsAt: await nextLocal(chain.env, ZONE, '12:00', 2) });
    await expect.poll(() => kindsSentTo(chain.sql, byWord.appointment)).toEqual(['booking_confirmation']);
    expect(await byStaff.handle.executeUpdate(cancelAppointmentUpdate, { args: [{ by: 'staff' }] })).toMatchObject({
      status: 'cancelled',
      nextReminderAt: null,
    });
    expect(await byWord.handle.executeUpdate(cancelAppointmentUpdate, { args: [{ by: 'patient_cancel_word' }] })).toMatchObject({ status: 'cancelled' });
    await expect.poll(() => kindsSentTo(chain.sql, byStaff.appointment)).toEqual(['booking_confirmation', 'cancelled']);
    expect((await byWord.handle.result()).status).toBe('cancelled');
    expect(await kindsSentTo(chain.sql, byWord.appointment)).toEqual(['booking_confirmation']);
  });

  it('refuses an answer it is not waiting for, in the validator, and the router closes the stale prompt', async () => {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
    const { handle, phone, appointment } = await book({ startsAt: await nextLocal(chain.env, ZONE, '15:00', 2) });
    // No question asked yet.
    expect(await failureTypeOf(handle.executeUpdate(answerAppointmentPromptUpdate, { args: [{ answer: 'YES', kind: 'appointment_reminder' }] }))).toBe(
      FailureType.AnswerNotAwaited,
    );
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
    // A slot number while it asks YES / NO / CHANGE.
    expect(await failureTypeOf(handle.executeUpdate(answerAppointmentPromptUpdate, { args: [{ answer: '2', kind: 'reschedule_slots' }] }))).toBe(
      FailureType.AnswerNotAwaited,
    );
    expect(await chain.answer(phone, 'YES')).toMatchObject({ kind: 'answered' });
    // Answered: a second YES finds nothing open.
    expect(await failureTypeOf(handle.executeUpdate(answerAppointmentPromptUpdate, { args: [{ answer: 'YES', kind: 'appointment_reminder' }] }))).toBe(
      FailureType.AnswerNotAwaited,
    );
    expect(await chain.answer(phone, 'YES')).toEqual({ kind: 'unmatched', open: [] });
    // A prompt left open (as if its close had been lost) is closed by the router on the rejection.
    await chain.sql`
      insert into patient_prompts (clinic_id, phone, workflow_id, update_name, kind, answers, invited, expires_at)
      values (${chain.clinic.id}, ${phone}, ${handle.workflowId}, ${answerAppointmentPromptUpdate.name}, 'appointment_reminder', ${['YES', 'NO']}, ${['YES', 'NO']}, now() + interval '1 day')`;
    expect(await chain.answer(phone, 'NO')).toEqual({ kind: 'unmatched', open: [] });
    expect(await statusOf(appointment.appointmentId)).toBe('confirmed');
  });

  it('keeps business texts within contact hours: a reminder due at 06:00 goes at 08:00, a booking at 22:00 is confirmed at 08:00', async () => {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
    const startsAt = await nextLocal(chain.env, ZONE, '06:00', 2);
    const early = await book({ startsAt, reminderRules: [{ kind: 'before', minutes: 1440 }] });
    const eightAm = startsAt - DAY + 2 * HOUR;
    expect(await early.handle.query(appointmentQuery)).toMatchObject({ nextReminderAt: iso(eightAm) });

    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '22:00'));
    const late = await book({ startsAt: await nextLocal(chain.env, ZONE, '15:00', 3) });
    const nextMorning = await nextLocal(chain.env, ZONE, '08:00');
    await sleepUntil(chain.env, nextMorning - MINUTE);
    expect(await kindsSentTo(chain.sql, late.appointment)).toEqual([]);
    await sleepUntil(chain.env, nextMorning + MINUTE);
    await expect.poll(() => kindsSentTo(chain.sql, late.appointment)).toEqual(['booking_confirmation']);

    await sleepUntil(chain.env, eightAm - MINUTE);
    expect(await kindsSentTo(chain.sql, early.appointment)).toEqual(['booking_confirmation']);
    await sleepUntil(chain.env, eightAm + MINUTE);
    await expect.poll(() => kindsSentTo(chain.sql, early.appointment)).toEqual(['booking_confirmation', 'reminder']);
  });

  it('sends at the right local times across the end of daylight saving time in Chicago', async () => {
    // The 2026-11-01 change is behind this machine's clock (and a time-skipping server only moves
    // forward): the chain runs across the same change a year later; the planning rule is checked
    // on 2026-11-01 itself in test/domain.
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
    const startsAt = Date.parse('2027-11-07T16:00:00Z'); // Sun 7 Nov 2027 10:00 CST
    const { handle, appointment } = await book({
      startsAt,
      reminderRules: [
        { kind: 'before', minutes: 1440 },
        { kind: 'before', minutes: 60 },
        { kind: 'day_before_at', time: '10:00' },
      ],
    });
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation']);
    const expected = [
      Date.parse('2027-11-06T15:00:00Z'), // the day before at 10:00 CDT
      Date.parse('2027-11-06T16:00:00Z'), // 24 hours before: 11:00 CDT
      Date.parse('2027-11-07T15:00:00Z'), // 1 hour before: 09:00 CST
    ];
    for (const [i, at] of expected.entries()) {
      expect(await handle.query(appointmentQuery)).toMatchObject({ nextReminderAt: iso(at) });
      await sleepUntil(chain.env, at - MINUTE);
      expect((await kindsSentTo(chain.sql, appointment)).filter((k) => k === 'reminder')).toHaveLength(i);
      await sleepUntil(chain.env, at + MINUTE);
      await expect.poll(async () => (await kindsSentTo(chain.sql, appointment)).filter((k) => k === 'reminder')).toHaveLength(i + 1);
    }
  });
});
