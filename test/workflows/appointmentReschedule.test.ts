/**
 * Moving an appointment in the time-skipping test server: the patient's CHANGE and numbered pick
 * (through the real reply router), a slot taken meanwhile, an offer that lapses, and staff moves.
 * Each test books with its own provider, so their schedules do not meet.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppointmentChain } from '../../src/appointments/startAppointmentChain.js';
import type { Clinic } from '../../src/clinics/clinics.js';
import type { Sql } from '../../src/db/sql.js';
import { formatSlots } from '../../src/domain/messageValues.js';
import { openSlots } from '../../src/domain/openSlots.js';

const formatSlotList = (slots: readonly number[], zone: string, language: string) =>
  formatSlots(
    slots.map((slot) => new Date(slot)),
    zone,
    language,
  );
import { routeAnswer } from '../../src/inbound/replyRouter.js';
import {
  answerAppointmentPromptUpdate,
  appointmentQuery,
  remindNowUpdate,
  rescheduleAppointmentUpdate,
  type AppointmentSnapshot,
} from '../../src/workflows/appointmentDefinitions.js';
import { FailureType } from '../../src/workflows/definitions.js';
import { bookTestAppointment, failureTypeOf, kindsSentTo, moveClinicTo, nextLocal, sleepUntil, textsTo } from '../support/appointments.js';
import { startTimeSkipping, type TimeSkipping } from '../support/timeSkipping.js';

const ZONE = 'America/Chicago';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

let ts: TimeSkipping;
let env: TimeSkipping['env'];
let sql: Sql;
let clinic: Clinic;

beforeAll(async () => {
  ts = await startTimeSkipping();
  ({ env, sql } = ts);
  clinic = await moveClinicTo(sql, ts.clinic, ZONE);
});
afterAll(() => ts?.stop());

/** Books 3 days ahead at 15:00 with a provider of its own, at 10:00 local now, and asks the patient at once (a staff reminder). */
async function bookAndRemind() {
  await sleepUntil(env, await nextLocal(env, ZONE, '10:00'));
  const startsAt = await nextLocal(env, ZONE, '15:00', 3);
  const appointment = await bookTestAppointment(sql, clinic, { startsAt, providerName: `Dr ${randomUUID().slice(0, 8)}` });
  const handle = await startAppointmentChain(ts.temporal, ts.taskQueue, appointment);
  await handle.executeUpdate(remindNowUpdate);
  await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
  return { appointment, handle, phone: appointment.phone, startsAt };
}
const answer = (phone: string, body: string) => routeAnswer({ sql, temporal: ts.temporal, log: ts.log }, clinic.id, phone, body);
const startOf = async (appointmentId: string) => ((await sql`select starts_at from appointments where id = ${appointmentId}`)[0]!.starts_at as Date).getTime();
const releasedSlots = (appointmentId: string) =>
  sql<{ starts_at: Date }[]>`select starts_at from released_slots where appointment_id = ${appointmentId} order by starts_at`.then((rows) =>
    rows.map((r) => r.starts_at.getTime()),
  );

/** The slots the patient should be offered now: the office hours minus the provider's open appointments. */
async function expectedSlots(appointment: AppointmentSnapshot) {
  const booked = await sql<{ starts_at: Date; duration_minutes: number }[]>`
    select starts_at, duration_minutes from appointments where provider_id = ${appointment.providerId} and status in ('booked', 'confirmed')`;
  return openSlots({
    officeDays: appointment.officeDays,
    opens: appointment.opens,
    closes: appointment.closes,
    slotMinutes: appointment.slotMinutes,
    durationMinutes: appointment.durationMinutes,
    timezone: ZONE,
    booked: booked.map((b) => ({ startsAt: b.starts_at.getTime(), endsAt: b.starts_at.getTime() + b.duration_minutes * MINUTE })),
    now: await env.currentTimeMs(),
  });
}

describe('a patient who wants another time', () => {
  it('gets numbered slots for CHANGE, takes the second, and the reminders move to the new time', async () => {
    const { appointment, handle, phone, startsAt } = await bookAndRemind();
    const slots = await expectedSlots(appointment);
    expect(slots).toHaveLength(5);

    const offer = await answer(phone, 'change');
    expect(offer).toMatchObject({ kind: 'answered', reply: expect.stringContaining(formatSlotList(slots, ZONE, 'en')) });
    expect(await handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'reschedule_slots' });

    const picked = await answer(phone, '2');
    const newStart = slots[1]!;
    expect(picked).toMatchObject({ kind: 'answered', reply: expect.stringContaining('is now ') });
    expect(await startOf(appointment.appointmentId)).toBe(newStart);
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', startsAt: iso(newStart), openPrompt: null });
    // The old time is free for the waitlist.
    expect(await releasedSlots(appointment.appointmentId)).toEqual([startsAt]);

    // The new time's reminders (with keys naming it) go; the old time's never do.
    const view = await handle.query(appointmentQuery);
    const next = Date.parse(view.nextReminderAt!);
    expect([newStart - DAY, newStart - HOUR]).toContain(next);
    await sleepUntil(env, next + MINUTE);
    await expect
      .poll(async () => (await textsTo(sql, appointment)).map((t) => t.key))
      .toContainEqual(expect.stringMatching(`^appointment:${appointment.appointmentId}:${iso(newStart)}:reminder:`));
    await sleepUntil(env, startsAt + MINUTE);
    const keys = (await textsTo(sql, appointment)).map((t) => t.key);
    expect(keys.filter((k) => k.includes(`:${iso(startsAt)}:reminder:`))).toHaveLength(1); // the staff reminder before the move
  });

  it('gets a fresh list when the slot was taken meanwhile', async () => {
    const { appointment, handle, phone, startsAt } = await bookAndRemind();
    const slots = await expectedSlots(appointment);
    await answer(phone, 'RESCHEDULE');
    // Someone else books the first slot before the patient answers.
    await bookTestAppointment(sql, clinic, { startsAt: slots[0]!, providerName: appointment.providerName });
    const fresh = await expectedSlots(appointment);
    expect(fresh[0]).toBe(slots[1]);

    const taken = await answer(phone, '1');
    expect(taken).toMatchObject({ kind: 'answered', reply: expect.stringContaining(formatSlotList(fresh, ZONE, 'en')) });
    expect(await startOf(appointment.appointmentId)).toBe(startsAt);
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'booked', openPrompt: 'reschedule_slots' });
    expect(await releasedSlots(appointment.appointmentId)).toEqual([]);
  });

  it('gets the list again for a number not on it, and an apology when nothing is open', async () => {
    await sleepUntil(env, await nextLocal(env, ZONE, '10:00'));
    const startsAt = await nextLocal(env, ZONE, '15:00', 3);
    // One slot a week (Wednesdays 09:00), all but two of them booked by others.
    const hours = { providerName: `Dr ${randomUUID().slice(0, 8)}`, officeDays: [3], opens: '09:00', closes: '10:00' };
    const appointment = await bookTestAppointment(sql, clinic, { startsAt, ...hours });
    const all = openSlots({ ...appointment, timezone: ZONE, booked: [], now: await env.currentTimeMs(), limit: 100 });
    for (const slot of all.slice(0, -2)) await bookTestAppointment(sql, clinic, { startsAt: slot, ...hours });
    const handle = await startAppointmentChain(ts.temporal, ts.taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });

    const list = formatSlotList(all.slice(-2), ZONE, 'en');
    expect(await answer(appointment.phone, 'CHANGE')).toMatchObject({ reply: expect.stringContaining(list) });
    expect(await answer(appointment.phone, '4')).toMatchObject({ kind: 'answered', reply: expect.stringContaining(list) });
    expect(await handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'reschedule_slots', startsAt: iso(startsAt) });

    // The last two go too: CHANGE gets an apology, and the old time stands.
    for (const slot of all.slice(-2)) await bookTestAppointment(sql, clinic, { startsAt: slot, ...hours });
    expect(await answer(appointment.phone, '1')).toMatchObject({ kind: 'answered', reply: expect.stringContaining('no other open times') });
    expect(await handle.query(appointmentQuery)).toMatchObject({ openPrompt: null, startsAt: iso(startsAt) });
  });

  it('lets the offer lapse after a day without an answer: the old time stands', async () => {
    const { appointment, handle, phone, startsAt } = await bookAndRemind();
    await answer(phone, 'CAMBIAR');
    expect(await handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'reschedule_slots' });

    await sleepUntil(env, (await env.currentTimeMs()) + DAY + MINUTE);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: null, startsAt: iso(startsAt) });
    await expect
      .poll(async () => (await sql`select count(*)::int as open from patient_prompts where workflow_id = ${handle.workflowId} and closed_at is null`)[0]!.open)
      .toBe(0);
    expect(await failureTypeOf(handle.executeUpdate(answerAppointmentPromptUpdate, { args: [{ answer: '1', kind: 'reschedule_slots' }] }))).toBe(
      FailureType.AnswerNotAwaited,
    );
    expect(await answer(phone, '1')).toEqual({ kind: 'unmatched', open: [] });
    expect(await startOf(appointment.appointmentId)).toBe(startsAt);
  });
});

describe('staff moving an appointment', () => {
  it('re-plans the reminders for the new time and tells the patient', async () => {
    await sleepUntil(env, await nextLocal(env, ZONE, '10:00'));
    const startsAt = await nextLocal(env, ZONE, '15:00', 3);
    const appointment = await bookTestAppointment(sql, clinic, { startsAt, providerName: `Dr ${randomUUID().slice(0, 8)}` });
    const handle = await startAppointmentChain(ts.temporal, ts.taskQueue, appointment);
    await expect.poll(() => kindsSentTo(sql, appointment)).toEqual(['booking_confirmation']);

    expect(await failureTypeOf(handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: iso((await env.currentTimeMs()) - HOUR) }] }))).toBe(
      FailureType.InvalidRequest,
    );
    const newStart = startsAt + 2 * DAY - 4 * HOUR; // two days later at 11:00
    const view = await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: new Date(newStart).toISOString() }] });
    expect(view).toMatchObject({ status: 'booked', startsAt: iso(newStart), nextReminderAt: iso(newStart - DAY) });
    await expect.poll(() => kindsSentTo(sql, appointment)).toEqual(['booking_confirmation', 'rescheduled']);
    expect((await textsTo(sql, appointment))[1]!.key).toMatch(new RegExp(`^appointment:${appointment.appointmentId}:${iso(newStart)}:rescheduled:`));
    expect(await startOf(appointment.appointmentId)).toBe(newStart);
    expect(await releasedSlots(appointment.appointmentId)).toEqual([startsAt]);

    await sleepUntil(env, startsAt - DAY + MINUTE);
    expect(await kindsSentTo(sql, appointment)).toEqual(['booking_confirmation', 'rescheduled']);
    await sleepUntil(env, newStart - DAY + MINUTE);
    await expect.poll(() => kindsSentTo(sql, appointment)).toEqual(['booking_confirmation', 'rescheduled', 'reminder']);
    expect((await textsTo(sql, appointment))[2]!.key).toMatch(`:${iso(newStart)}:reminder:`);
  });
});
