/**
 * Moving an appointment in the time-skipping test server: the patient's CHANGE and numbered pick
 * (through the real reply router), a slot taken meanwhile, an offer that lapses, and staff moves,
 * whose text asks the patient to confirm the new time (a YES confirms it, also under a clinic's own
 * wording; before the text goes, an answer to the old reminder is told the new time; a move before the
 * booking confirmation went has the patient told of the booking at the new time instead).
 * Each test books with its own provider, so their schedules do not meet.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startAppointmentChain } from '../../src/appointments/startAppointmentChain.js';
import { saveTemplate } from '../../src/clinics/messageTemplates.js';
import { formatDate, formatSlots, formatTime } from '../../src/domain/messageValues.js';
import { handleInboundText } from '../../src/inbound/handleInboundText.js';
import { openSlots } from '../../src/domain/openSlots.js';
import {
  answerAppointmentPromptUpdate,
  appointmentQuery,
  remindNowUpdate,
  rescheduleAppointmentUpdate,
  type AppointmentSnapshot,
} from '../../src/workflows/appointmentDefinitions.js';
import { FailureType } from '../../src/workflows/definitions.js';
import { appointmentChainSuite, bookTestAppointment, failureTypeOf, kindsSentTo, nextLocal, sleepUntil, textsTo } from '../support/appointments.js';

const ZONE = 'America/Chicago';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();
const formatSlotList = (slots: readonly number[], zone: string, language: string) =>
  formatSlots(
    slots.map((slot) => new Date(slot)),
    zone,
    language,
  );

const chain = appointmentChainSuite(ZONE);

/** The patient at `phone` texts `body`: the reply the clinic's webhook would give (the real inbound handling). */
const textIn = (phone: string, body: string) =>
  handleInboundText(
    { sql: chain.sql, temporal: chain.ts.temporal, taskQueue: chain.ts.taskQueue, log: chain.ts.log },
    { clinic: chain.clinic, from: { phone, channel: 'sms' }, body, messageSid: `SM${randomUUID().replaceAll('-', '')}` },
  );
/** When `at` (epoch ms) is as a text of the (US) clinic writes it: `Fri, Nov 13 at 11:00 AM`. */
const dateAndTime = (at: number) => `${formatDate(new Date(at), ZONE, 'en-US')} at ${formatTime(new Date(at), ZONE, 'en-US')}`;
const QUESTION = 'Reply YES to confirm, NO to cancel, CHANGE for another time.';

/** Books 3 days ahead at 15:00 with a provider of its own, at 10:00 local now, and asks the patient at once (a staff reminder). */
async function bookAndRemind() {
  await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
  const startsAt = await nextLocal(chain.env, ZONE, '15:00', 3);
  const appointment = await bookTestAppointment(chain.sql, chain.clinic, { startsAt, providerName: `Dr ${randomUUID().slice(0, 8)}` });
  const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
  await handle.executeUpdate(remindNowUpdate);
  await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
  return { appointment, handle, phone: appointment.phone, startsAt };
}
const startOf = async (appointmentId: string) =>
  ((await chain.sql`select starts_at from appointments where id = ${appointmentId}`)[0]!.starts_at as Date).getTime();
const releasedSlots = (appointmentId: string) =>
  chain.sql<{ starts_at: Date }[]>`select starts_at from released_slots where appointment_id = ${appointmentId} order by starts_at`.then((rows) =>
    rows.map((r) => r.starts_at.getTime()),
  );

/** The slots the patient should be offered now: the office hours minus the provider's open appointments. */
async function expectedSlots(appointment: AppointmentSnapshot) {
  const booked = await chain.sql<{ starts_at: Date; duration_minutes: number }[]>`
    select starts_at, duration_minutes from appointments where provider_id = ${appointment.providerId} and status in ('booked', 'confirmed')`;
  return openSlots({
    officeDays: appointment.officeDays,
    opens: appointment.opens,
    closes: appointment.closes,
    slotMinutes: appointment.slotMinutes,
    durationMinutes: appointment.durationMinutes,
    timezone: ZONE,
    booked: booked.map((b) => ({ startsAt: b.starts_at.getTime(), endsAt: b.starts_at.getTime() + b.duration_minutes * MINUTE })),
    now: await chain.env.currentTimeMs(),
  });
}

describe('a patient who wants another time', () => {
  it('gets numbered slots for CHANGE, takes the second, and the reminders move to the new time', async () => {
    const { appointment, handle, phone, startsAt } = await bookAndRemind();
    const slots = await expectedSlots(appointment);
    expect(slots).toHaveLength(5);

    const offer = await chain.answer(phone, 'change');
    expect(offer).toMatchObject({ kind: 'answered', reply: expect.stringContaining(formatSlotList(slots, ZONE, 'en-US')) });
    expect(await handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'reschedule_slots' });

    const picked = await chain.answer(phone, '2');
    const newStart = slots[1]!;
    expect(picked).toMatchObject({ kind: 'answered', reply: expect.stringContaining('is now ') });
    expect(await startOf(appointment.appointmentId)).toBe(newStart);
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', startsAt: iso(newStart), openPrompt: null });
    // The old time is free for the waitlist.
    expect(await releasedSlots(appointment.appointmentId)).toEqual([startsAt]);

    // The new time's reminders (with keys naming it) go, asking nothing (the pick confirmed the visit); the old time's never do.
    const view = await handle.query(appointmentQuery);
    const next = Date.parse(view.nextReminderAt!);
    expect([newStart - DAY, newStart - HOUR]).toContain(next);
    await sleepUntil(chain.env, next + MINUTE);
    await expect
      .poll(async () => (await textsTo(chain.sql, appointment)).map((t) => t.key))
      .toContainEqual(expect.stringMatching(`^appointment:${appointment.appointmentId}:${iso(newStart)}:confirmed_reminder:`));
    expect(await handle.query(appointmentQuery)).toMatchObject({ openPrompt: null });
    await sleepUntil(chain.env, startsAt + MINUTE);
    const keys = (await textsTo(chain.sql, appointment)).map((t) => t.key);
    expect(keys.filter((k) => k.includes(`:${iso(startsAt)}:reminder:`))).toHaveLength(1); // the staff reminder before the move
  });

  it('gets a fresh list, saying first that the time was just taken, when the slot was taken meanwhile', async () => {
    const { appointment, handle, phone, startsAt } = await bookAndRemind();
    const slots = await expectedSlots(appointment);
    await chain.answer(phone, 'RESCHEDULE');
    // Someone else books the first slot before the patient answers.
    await bookTestAppointment(chain.sql, chain.clinic, { startsAt: slots[0]!, providerName: appointment.providerName });
    const fresh = await expectedSlots(appointment);
    expect(fresh[0]).toBe(slots[1]);

    const taken = await chain.answer(phone, '1');
    expect(taken).toMatchObject({
      kind: 'answered',
      reply: `Sorry, that time was just taken.\nTest Clinic: reply with the number of a time:\n${formatSlotList(fresh, ZONE, 'en-US')}`,
    });
    expect(await startOf(appointment.appointmentId)).toBe(startsAt);
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'booked', openPrompt: 'reschedule_slots' });
    expect(await releasedSlots(appointment.appointmentId)).toEqual([]);
  });

  it('gets the list again for a number not on it, and an apology when nothing is open', async () => {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
    const startsAt = await nextLocal(chain.env, ZONE, '15:00', 3);
    // One slot a week (Wednesdays 09:00), all but two of them booked by others.
    const hours = { providerName: `Dr ${randomUUID().slice(0, 8)}`, officeDays: [3], opens: '09:00', closes: '10:00' };
    const appointment = await bookTestAppointment(chain.sql, chain.clinic, { startsAt, ...hours });
    // The chain reads its own clock for the list, a moment after this one: left open are two Wednesdays
    // well inside the list's window (the 2nd and 3rd), and every other Wednesday is booked, two weeks past
    // the window's end too, so the list is those two whenever in this test the chain reads its clock.
    const now = await chain.env.currentTimeMs();
    const wednesdays = [...new Set([now, now + 2 * WEEK].flatMap((from) => openSlots({ ...appointment, timezone: ZONE, booked: [], now: from, limit: 100 })))];
    const open = wednesdays.slice(1, 3);
    for (const slot of wednesdays.filter((w) => !open.includes(w))) await bookTestAppointment(chain.sql, chain.clinic, { startsAt: slot, ...hours });
    const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });

    const list = formatSlotList(open, ZONE, 'en-US');
    const offered = await chain.answer(appointment.phone, 'CHANGE');
    expect(offered).toMatchObject({ reply: expect.stringContaining(list) });
    expect('reply' in offered ? offered.reply : '').not.toMatch(/^3\) /m);
    expect(await chain.answer(appointment.phone, '4')).toMatchObject({ kind: 'answered', reply: expect.stringContaining(list) });
    expect(await handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'reschedule_slots', startsAt: iso(startsAt) });

    // Those two go too: the pick gets the apology alone (no fresh list to come after the slot_taken line), and the old time stands.
    for (const slot of open) await bookTestAppointment(chain.sql, chain.clinic, { startsAt: slot, ...hours });
    expect(await chain.answer(appointment.phone, '1')).toMatchObject({
      kind: 'answered',
      reply: expect.stringMatching(/^Test Clinic: sorry, .* has no other open times soon\./),
    });
    expect(await handle.query(appointmentQuery)).toMatchObject({ openPrompt: null, startsAt: iso(startsAt) });
  });

  it('keeps the visit at its time with a YES while choosing (the patient changed their mind): confirmed, the list closed, no call back', async () => {
    const { appointment, handle, phone, startsAt } = await bookAndRemind();
    expect(await textIn(phone, 'CHANGE')).toMatch(/^Test Clinic: reply with the number of a time:\n.+\n1\) /);
    expect(await textIn(phone, 'hmm')).toBe(
      "Test Clinic: sorry, we didn't understand. You can reply 1, 2, 3, 4, 5, YES, NO, or JOIN. Reply HELP for help. Para español, responda ESPAÑOL.",
    );

    expect(await textIn(phone, 'Yes please')).toBe(
      `Test Clinic: thank you, Rahul Sharma. Your visit with ${appointment.providerName} on ${dateAndTime(startsAt)} is confirmed. See you then!`,
    );
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', startsAt: iso(startsAt), openPrompt: null });
    expect(await startOf(appointment.appointmentId)).toBe(startsAt);
    expect(await releasedSlots(appointment.appointmentId)).toEqual([]);

    // The list would have lapsed a day later: the patient chose to keep their time, so staff are not asked to call.
    await sleepUntil(chain.env, (await chain.env.currentTimeMs()) + DAY + MINUTE);
    const [row] = await chain.sql`select status, no_time_chosen_at from appointments where id = ${appointment.appointmentId}`;
    expect(row).toMatchObject({ status: 'confirmed', no_time_chosen_at: null });
  });

  it.each([
    ['en', 'NO', /^Test Clinic: Rahul Sharma, your visit with .* is cancelled\. To book again, call /],
    ['es', 'Cancelar', /^Test Clinic: Rahul Sharma, su cita con .* queda cancelada\. Para otra cita llame al /],
  ])('cancels the visit of a patient (%s) who answers the list with %s, as that answer to the reminder does', async (language, answer, cancelled) => {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
    const startsAt = await nextLocal(chain.env, ZONE, '15:00', 3);
    const appointment = await bookTestAppointment(chain.sql, chain.clinic, { startsAt, providerName: `Dr ${randomUUID().slice(0, 8)}`, language });
    const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
    expect(await chain.answer(appointment.phone, language === 'es' ? 'CAMBIAR' : 'CHANGE')).toMatchObject({ reply: expect.stringContaining('1) ') });

    expect(await chain.answer(appointment.phone, answer)).toMatchObject({ kind: 'answered', reply: expect.stringMatching(cancelled) });
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'cancelled', openPrompt: null });
    expect(await releasedSlots(appointment.appointmentId)).toEqual([startsAt]);
  });

  it('lets the offer lapse after a day without an answer: the old time stands', async () => {
    const { appointment, handle, phone, startsAt } = await bookAndRemind();
    await chain.answer(phone, 'CAMBIAR');
    expect(await handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'reschedule_slots' });

    await sleepUntil(chain.env, (await chain.env.currentTimeMs()) + DAY + MINUTE);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: null, startsAt: iso(startsAt) });
    await expect
      .poll(
        async () =>
          (await chain.sql`select count(*)::int as open from patient_prompts where workflow_id = ${handle.workflowId} and closed_at is null`)[0]!.open,
      )
      .toBe(0);
    expect(await failureTypeOf(handle.executeUpdate(answerAppointmentPromptUpdate, { args: [{ answer: '1', kind: 'reschedule_slots' }] }))).toBe(
      FailureType.AnswerNotAwaited,
    );
    expect(await chain.answer(phone, '1')).toEqual({ kind: 'unmatched', open: [] });
    expect(await startOf(appointment.appointmentId)).toBe(startsAt);
  });
});

describe('staff moving an appointment', () => {
  it('re-plans the reminders for the new time and tells the patient', async () => {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '10:00'));
    const startsAt = await nextLocal(chain.env, ZONE, '15:00', 3);
    const appointment = await bookTestAppointment(chain.sql, chain.clinic, { startsAt, providerName: `Dr ${randomUUID().slice(0, 8)}` });
    const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation']);

    expect(
      await failureTypeOf(handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: iso((await chain.env.currentTimeMs()) - HOUR) }] })),
    ).toBe(FailureType.InvalidRequest);
    const newStart = startsAt + 2 * DAY - 4 * HOUR; // two days later at 11:00
    const view = await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: new Date(newStart).toISOString() }] });
    expect(view).toMatchObject({ status: 'booked', startsAt: iso(newStart), nextReminderAt: iso(newStart - DAY) });
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'rescheduled']);
    expect((await textsTo(chain.sql, appointment))[1]!.key).toMatch(new RegExp(`^appointment:${appointment.appointmentId}:${iso(newStart)}:rescheduled:`));
    expect(await startOf(appointment.appointmentId)).toBe(newStart);
    expect(await releasedSlots(appointment.appointmentId)).toEqual([startsAt]);

    await sleepUntil(chain.env, startsAt - DAY + MINUTE);
    expect(await kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'rescheduled']);
    await sleepUntil(chain.env, newStart - DAY + MINUTE);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'rescheduled', 'reminder']);
    expect((await textsTo(chain.sql, appointment))[2]!.key).toMatch(`:${iso(newStart)}:reminder:`);
  });

  it('asks the patient to confirm the new time, and a YES confirms it as a YES to a reminder does', async () => {
    const { appointment, handle, phone } = await bookAndRemind();
    const newStart = await nextLocal(chain.env, ZONE, '11:00', 5);
    await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: iso(newStart) }] });
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder', 'rescheduled']);
    expect((await textsTo(chain.sql, appointment)).at(-1)!.body).toBe(
      `Test Clinic: Rahul Sharma, your visit with ${appointment.providerName} is now ${dateAndTime(newStart)}.\n${QUESTION}`,
    );
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ status: 'booked', startsAt: iso(newStart), openPrompt: 'appointment_reminder' });

    expect(await chain.answer(phone, 'yes')).toMatchObject({
      kind: 'answered',
      reply: `Test Clinic: thank you, Rahul Sharma. Your visit with ${appointment.providerName} on ${dateAndTime(newStart)} is confirmed. See you then!`,
    });
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', startsAt: iso(newStart), openPrompt: null });
    expect((await chain.sql`select status from appointments where id = ${appointment.appointmentId}`)[0]!.status).toBe('confirmed');
  });

  it('asks at 08:00 when moved in the evening; an answer before then is told the new time and changes nothing', async () => {
    const { appointment, handle, phone } = await bookAndRemind();
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '21:00'));
    const newStart = await nextLocal(chain.env, ZONE, '11:00', 5);
    await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: iso(newStart) }] });
    const told = `Test Clinic: Rahul Sharma, your visit with ${appointment.providerName} is now ${dateAndTime(newStart)}.`;

    // The move's text waits for contact hours, and so does its question: these were meant for the old time.
    for (const answer of ['YES', 'Sí', 'NO', 'CHANGE']) expect(await textIn(phone, answer), answer).toBe(told);
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'booked', startsAt: iso(newStart), openPrompt: null });
    expect(await kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder']);

    await sleepUntil(chain.env, (await nextLocal(chain.env, ZONE, '08:00')) + MINUTE);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder', 'rescheduled']);
    expect((await textsTo(chain.sql, appointment)).at(-1)!.body).toBe(`${told}\n${QUESTION}`);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
    expect(await textIn(phone, 'YES')).toMatch(/^Test Clinic: thank you, Rahul Sharma\. .* is confirmed/);
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', startsAt: iso(newStart) });
  });

  it('tells a patient who picks from a list of times the move closed, before its text asks, the new time; the pick changes nothing', async () => {
    const { appointment, handle, phone, startsAt } = await bookAndRemind();
    expect(await textIn(phone, 'CHANGE')).toMatch(/^Test Clinic: reply with the number of a time:\n.+\n1\) /);
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '21:00'));
    const newStart = await nextLocal(chain.env, ZONE, '11:00', 5);
    await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: iso(newStart) }] });
    const told = `Test Clinic: Rahul Sharma, your visit with ${appointment.providerName} is now ${dateAndTime(newStart)}.`;

    for (const answer of ['1', '2 please']) expect(await textIn(phone, answer), answer).toBe(told);
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'booked', startsAt: iso(newStart), openPrompt: null });
    expect(await startOf(appointment.appointmentId)).toBe(newStart);
    expect(await releasedSlots(appointment.appointmentId)).toEqual([startsAt]);
  });

  it('refuses a key pressed on a reminder call about the old time once the move asks about the new one; a key about the new time confirms it', async () => {
    const { handle, startsAt } = await bookAndRemind();
    const newStart = await nextLocal(chain.env, ZONE, '11:00', 5);
    await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: iso(newStart) }] });
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ startsAt: iso(newStart), openPrompt: 'appointment_reminder' });
    /** A key on a reminder call whose reminder asked about `askedAbout` (epoch ms), as the voice webhook sends it. */
    const key = (answer: string, askedAbout: number) =>
      handle.executeUpdate(answerAppointmentPromptUpdate, { args: [{ answer, kind: 'appointment_reminder', askedAbout: iso(askedAbout) }] });

    for (const answer of ['YES', 'NO', 'CHANGE']) expect(await failureTypeOf(key(answer, startsAt)), answer).toBe(FailureType.AnswerNotAwaited);
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'booked', startsAt: iso(newStart), openPrompt: 'appointment_reminder' });
    expect(await key('YES', newStart)).toMatchObject({ kind: 'confirmed' });
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', startsAt: iso(newStart), openPrompt: null });
  });

  it("ends a clinic's own wording, which asks nothing, with the question in the clinic's own words; NO cancels", async () => {
    const saved = [
      { kind: 'rescheduled', language: 'en', body: '{clinic_name}: we had to move your visit to {date}, {time}. Sorry!' },
      { kind: 'rescheduled_question', language: 'en', body: 'Text YES if that suits you, NO to cancel, CHANGE for another time.' },
    ] as const;
    for (const template of saved) await saveTemplate(chain.sql, chain.clinic, template);
    try {
      const { appointment, handle, phone, startsAt } = await bookAndRemind();
      const newStart = await nextLocal(chain.env, ZONE, '11:00', 5);
      await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: iso(newStart) }] });
      await expect.poll(() => kindsSentTo(chain.sql, appointment)).toContain('rescheduled');
      const [date, time] = [formatDate(new Date(newStart), ZONE, 'en-US'), formatTime(new Date(newStart), ZONE, 'en-US')];
      expect((await textsTo(chain.sql, appointment)).at(-1)!.body).toBe(
        `Test Clinic: we had to move your visit to ${date}, ${time}. Sorry!\nText YES if that suits you, NO to cancel, CHANGE for another time.`,
      );

      expect(await chain.answer(phone, 'NO')).toMatchObject({
        kind: 'answered',
        reply: expect.stringMatching(/^Test Clinic: Rahul Sharma, your visit .* is cancelled\./),
      });
      expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'cancelled', openPrompt: null });
      expect(await releasedSlots(appointment.appointmentId)).toEqual([startsAt, newStart]);
    } finally {
      await chain.sql`delete from message_templates where clinic_id = ${chain.clinic.id}`;
    }
  });
});

describe('staff moving an appointment whose booking confirmation is still held', () => {
  /** Books 3 days ahead at 15:00 at 22:00 local, when the confirmation waits for 08:00; moves it to 11:00 two days later. */
  async function bookAtNight() {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '22:00'));
    const startsAt = await nextLocal(chain.env, ZONE, '15:00', 3);
    const appointment = await bookTestAppointment(chain.sql, chain.clinic, { startsAt, providerName: `Dr ${randomUUID().slice(0, 8)}` });
    const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
    const newStart = await nextLocal(chain.env, ZONE, '11:00', 5);
    const move = () => handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: iso(newStart) }] });
    const booked = `Test Clinic: Rahul Sharma, your visit with ${appointment.providerName} is booked for ${dateAndTime(newStart)}. Questions? Call `;
    return { appointment, handle, phone: appointment.phone, newStart, move, booked };
  }
  const bodiesTo = async (appointment: AppointmentSnapshot) => (await textsTo(chain.sql, appointment)).map((t) => t.body);

  it('texts the booking confirmation of the new time at 08:00, never that a visit the patient never heard of has moved', async () => {
    const { appointment, handle, newStart, move, booked } = await bookAtNight();
    await sleepUntil(chain.env, (await chain.env.currentTimeMs()) + 30 * MINUTE);
    expect(await move()).toMatchObject({ status: 'booked', startsAt: iso(newStart), nextReminderAt: iso(newStart - DAY) });

    await sleepUntil(chain.env, (await nextLocal(chain.env, ZONE, '08:00')) + MINUTE);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation']);
    await sleepUntil(chain.env, (await chain.env.currentTimeMs()) + HOUR);
    const bodies = await bodiesTo(appointment);
    expect(bodies).toEqual([expect.stringContaining(booked)]);
    expect((await textsTo(chain.sql, appointment))[0]!.key).toMatch(`:${iso(newStart)}:booking_confirmation`);
    // Nothing was asked: the reminders of the new time ask.
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'booked', startsAt: iso(newStart), openPrompt: null });
    await sleepUntil(chain.env, newStart - DAY + MINUTE);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder']);
    expect((await textsTo(chain.sql, appointment))[1]!.key).toMatch(`:${iso(newStart)}:reminder:`);
  });

  it.each([
    ['Remind now, then a move', ['remind', 'move']],
    ['a move, then Remind now', ['move', 'remind']],
  ] as const)('after %s: the booking confirmation of the new time at 08:00, then the reminder asking about it; YES confirms it', async (_, steps) => {
    const { appointment, handle, phone, newStart, move, booked } = await bookAtNight();
    for (const step of steps) await (step === 'move' ? move() : handle.executeUpdate(remindNowUpdate));
    expect(await kindsSentTo(chain.sql, appointment)).toEqual([]);

    await sleepUntil(chain.env, (await nextLocal(chain.env, ZONE, '08:00')) + MINUTE);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation', 'reminder']);
    await expect.poll(() => handle.query(appointmentQuery)).toMatchObject({ openPrompt: 'appointment_reminder' });
    await sleepUntil(chain.env, (await chain.env.currentTimeMs()) + HOUR);
    expect(await bodiesTo(appointment)).toEqual([
      expect.stringContaining(booked),
      `Test Clinic: Rahul Sharma, your visit with ${appointment.providerName} is ${dateAndTime(newStart)}. ${QUESTION}`,
    ]);
    expect((await textsTo(chain.sql, appointment)).map((t) => t.key)).toEqual([
      expect.stringContaining(`:${iso(newStart)}:booking_confirmation`),
      expect.stringContaining(`:${iso(newStart)}:reminder:`),
    ]);

    expect(await textIn(phone, 'YES')).toBe(
      `Test Clinic: thank you, Rahul Sharma. Your visit with ${appointment.providerName} on ${dateAndTime(newStart)} is confirmed. See you then!`,
    );
    expect(await handle.query(appointmentQuery)).toMatchObject({ status: 'confirmed', startsAt: iso(newStart), openPrompt: null });
  });

  it("texts a Spanish patient the booking confirmation in Spanish ('queda reservada'), not the move's 'pasa al'", async () => {
    await sleepUntil(chain.env, await nextLocal(chain.env, ZONE, '22:00'));
    const startsAt = await nextLocal(chain.env, ZONE, '15:00', 3);
    const booked = await bookTestAppointment(chain.sql, chain.clinic, { startsAt, providerName: `Dr ${randomUUID().slice(0, 8)}` });
    await chain.sql`update appointments set language = 'es' where id = ${booked.appointmentId}`;
    const appointment = { ...booked, language: 'es' };
    const handle = await startAppointmentChain(chain.ts.temporal, chain.ts.taskQueue, appointment);
    const newStart = await nextLocal(chain.env, ZONE, '11:00', 5);
    await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: iso(newStart) }] });

    await sleepUntil(chain.env, (await nextLocal(chain.env, ZONE, '08:00')) + MINUTE);
    await expect.poll(() => kindsSentTo(chain.sql, appointment)).toEqual(['booking_confirmation']);
    const [date, time] = [formatDate(new Date(newStart), ZONE, 'es-US'), formatTime(new Date(newStart), ZONE, 'es-US')];
    expect([date, time]).toEqual([expect.stringMatching(/^\S+, \d+ de \S+$/), '11:00 a.m.']);
    expect(await bodiesTo(appointment)).toEqual([
      expect.stringContaining(`Test Clinic: Rahul Sharma, su cita con ${appointment.providerName} queda reservada para el ${date}, ${time} ¿Dudas?`),
    ]);
  });
});
