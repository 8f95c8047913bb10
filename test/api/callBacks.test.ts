/**
 * Staff see whom to call back about another time when the patient asked for one by text and nothing
 * changed: no other time was open, or the texted list of open times lapsed unanswered (days before the
 * visit: test/workflows/callBackRecords.test.ts; one that lapses as the visit starts asks for no call).
 * What staff see is `GET /api/appointments/{id}`, the day's `GET /api/appointments` and the "Call
 * back" notice on the appointment's card on the Appointments page; the patient's texts and keys are
 * real signed Twilio webhooks answered by the appointment's real chain.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startAppointmentChain } from '../../src/appointments/startAppointmentChain.js';
import { phoneToCall } from '../../src/clinics/clinics.js';
import { formatPhoneForPeople } from '../../src/domain/phone.js';
import type { AppointmentSnapshot } from '../../src/workflows/appointmentDefinitions.js';
import { bookTestAppointment, type TestBooking } from '../support/appointments.js';
import { remindAndAwaitQuestion } from '../support/apiBooking.js';
import { json, startStack, type Stack } from '../support/stack.js';
import { staffCookie } from '../support/staffForms.js';
import { callTwimlParams, fakeSid, gatherParams } from '../support/twilioWebhooks.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const allDay = { start: '00:00', end: '24:00' };

/** An appointment booked with `booking`'s provider and office hours, its chain running, and a reminder staff sent now, its question open. */
async function remindedAppointment(booking: Omit<TestBooking, 'providerName' | 'reminderRules' | 'contactHours'>): Promise<AppointmentSnapshot> {
  const appointment = await bookTestAppointment(stack.sql, stack.clinic, {
    ...booking,
    providerName: `Dr ${randomUUID().slice(0, 8)}`,
    reminderRules: [],
    contactHours: allDay,
  });
  const { workflowId } = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
  await remindAndAwaitQuestion(stack, appointment.appointmentId, workflowId);
  // The reminder text has gone out: the patient answers it.
  await vi.waitFor(
    async () =>
      expect(
        await stack.sql`select 1 from messages where appointment_id = ${appointment.appointmentId} and delivery_key like '%:reminder:%' and provider_sid is not null`,
      ).toHaveLength(1),
    { timeout: 15_000 },
  );
  return appointment;
}

/** The provider's office hours (half an hour a day) fit no hour-long visit: no other time is ever open. */
const NO_OTHER_TIME = { durationMinutes: 60, officeDays: [1, 2, 3, 4, 5, 6, 7], opens: '09:00', closes: '09:30' };

/** The patient texts `body` (a signed Twilio SMS webhook): the reply the clinic answered with, from its TwiML. */
async function text(appointment: AppointmentSnapshot, body: string): Promise<string> {
  const response = await stack.sendSms(appointment.phone, body);
  expect(response.status).toBe(200);
  return (await response.text()).replace(/&#39;/g, "'");
}

interface CallBackFields {
  another_time_asked_at: string | null;
  call_back_reason: string | null;
}
/** What `GET /api/appointments/{id}` says about calling the patient back. */
const callBackRead = async (a: AppointmentSnapshot): Promise<CallBackFields> => {
  const { another_time_asked_at, call_back_reason } = (await json(await stack.api(`/api/appointments/${a.appointmentId}`))) as CallBackFields;
  return { another_time_asked_at, call_back_reason };
};
/** The appointment's clinic-local day, `YYYY-MM-DD`. */
const dayOf = (a: AppointmentSnapshot) => DateTime.fromISO(a.startsAt).setZone(stack.clinic.timezone).toISODate()!;
/** What the day's list (`GET /api/appointments?date=`) says about it. */
const callBackListed = async (a: AppointmentSnapshot): Promise<CallBackFields | undefined> => {
  const { appointments } = (await json(await stack.api(`/api/appointments?date=${dayOf(a)}`))) as { appointments: (CallBackFields & { id: string })[] };
  const listed = appointments.find((l) => l.id === a.appointmentId);
  return listed === undefined ? undefined : { another_time_asked_at: listed.another_time_asked_at, call_back_reason: listed.call_back_reason };
};
/** The "Call back" notice on the appointment's card on the Appointments page, as text; undefined when none. */
const callBackNotice = async (a: AppointmentSnapshot): Promise<string | undefined> => {
  const page = await (
    await stack.app.request(`/admin/appointments?${new URLSearchParams({ clinic: stack.clinic.slug, date: dayOf(a) }).toString()}`, {
      headers: { Cookie: await staffCookie(stack) },
    })
  ).text();
  const card = new RegExp(`<li class="appt card"[^>]* data-appointment="${a.appointmentId}"[\\s\\S]*?</li>`).exec(page)?.[0];
  expect(card).toBeDefined();
  return /<p class="appt-call-back" data-call-back>([\s\S]*?)<\/p>/
    .exec(card!)?.[1]
    ?.replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
};
const WHEN = String.raw`\w+ \d+, \d{4}, \d+:\d\d [AP]M`;

describe('a patient who asks for another time by text', () => {
  it('and is told no other time is open: staff see a call-back request until the patient answers a later reminder', async () => {
    const appointment = await remindedAppointment({ startsAt: Date.now() + 3 * 24 * 3_600_000, ...NO_OTHER_TIME });
    const before = new Date();
    expect(await text(appointment, 'CHANGE')).toMatch(/sorry, Dr \w+ has no other open times soon\. Your visit stays .*\. Call .* to arrange another\./);
    const after = new Date();

    const read = await callBackRead(appointment);
    expect(read.call_back_reason).toBe('no_open_times');
    const asked = new Date(read.another_time_asked_at!);
    expect(asked.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1_000);
    expect(asked.getTime()).toBeLessThanOrEqual(after.getTime() + 1_000);
    expect(await callBackListed(appointment)).toEqual(read);
    expect(await callBackNotice(appointment)).toMatch(
      new RegExp(`^Call back: Rahul asked for another time on ${WHEN} and was told no other time is open\\. The time has not changed\\.$`),
    );

    // Staff remind again and the patient keeps the time: nobody needs to call them back any more.
    expect((await stack.api(`/api/appointments/${appointment.appointmentId}/remind`, { method: 'POST' })).status).toBe(200);
    await vi.waitFor(
      async () =>
        expect(
          await stack.sql`select 1 from patient_prompts where phone = ${appointment.phone} and kind = 'appointment_reminder' and closed_at is null and asked_at > ${after}`,
        ).toHaveLength(1),
      { timeout: 15_000 },
    );
    expect(await text(appointment, 'YES')).toMatch(/is confirmed/);
    expect(await callBackRead(appointment)).toEqual({ another_time_asked_at: null, call_back_reason: null });
    expect(await callBackNotice(appointment)).toBeUndefined();
  });

  it('and lets a list texted less than a day before the visit lapse: it lapses as the visit starts, so staff are not asked to call back', async () => {
    // The list holds until the visit starts, at most a day: here in 20 seconds.
    const appointment = await remindedAppointment({ startsAt: Date.now() + 20_000, officeDays: [1, 2, 3, 4, 5, 6, 7] });
    expect(await text(appointment, 'CHANGE')).toMatch(/reply with the number of a time:\n.+\n1\) /);
    const [list] = await stack.sql<{ expires_at: Date }[]>`
      select expires_at from patient_prompts where phone = ${appointment.phone} and kind = 'reschedule_slots'`;
    expect(list!.expires_at.toISOString()).toBe(appointment.startsAt);
    // While the list is open, the patient may still choose.
    expect(await callBackRead(appointment)).toEqual({ another_time_asked_at: null, call_back_reason: null });
    expect(await callBackNotice(appointment)).toBeUndefined();

    // The list lapses unanswered at the start: the chain closes it. The patient is due at the desk now;
    // a call about another time would come too late.
    await vi.waitFor(
      async () =>
        expect(
          await stack.sql`select 1 from patient_prompts where phone = ${appointment.phone} and kind = 'reschedule_slots' and closed_at is not null`,
        ).toHaveLength(1),
      { timeout: 30_000, interval: 500 },
    );
    expect(await callBackRead(appointment)).toEqual({ another_time_asked_at: null, call_back_reason: null });
    expect(await callBackListed(appointment)).toEqual({ another_time_asked_at: null, call_back_reason: null });
    expect(await callBackNotice(appointment)).toBeUndefined();

    // Nor once the visit is marked a no-show.
    expect((await stack.api(`/api/appointments/${appointment.appointmentId}/no_show`, { method: 'POST' })).status).toBe(200);
    expect(await callBackRead(appointment)).toEqual({ another_time_asked_at: null, call_back_reason: null });
    expect(await callBackNotice(appointment)).toBeUndefined();
  });
});

describe('a patient who asks for another time on a reminder call to a mobile', () => {
  it('and has no other time open: the call says so and to call the clinic, the text says the same, and staff see a call-back request', async () => {
    const appointment = await remindedAppointment({ startsAt: Date.now() + 3 * 24 * 3_600_000, ...NO_OTHER_TIME });
    // The clinic calls to remind (the call delivers the reminder: it shares the reminder text's delivery key).
    const callSid = fakeSid('CA');
    const [call] = await stack.sql<{ id: string }[]>`
      insert into calls (clinic_id, appointment_id, delivery_key, phone, from_address, to_address, language, idempotency_key, call_sid)
      select clinic_id, appointment_id, delivery_key, phone, from_address, to_address, 'en', ${randomUUID()}, ${callSid}
      from messages where appointment_id = ${appointment.appointmentId} and delivery_key like '%:reminder:%'
      returning id::text`;
    const party = { callSid, from: stack.clinicNumber, to: appointment.phone };
    expect((await stack.sendWebhook(`/webhooks/twilio/voice/calls/${call!.id}/answer`, callTwimlParams({ ...party, answeredBy: 'human' }))).status).toBe(200);
    const before = new Date();
    const pressed = await stack.sendWebhook(`/webhooks/twilio/voice/calls/${call!.id}/gather?attempt=1`, gatherParams({ ...party, digits: '2' }));
    const after = new Date();
    expect(pressed.status).toBe(200);
    // The call says what the text says: no other time is open, the visit stays, and whom to call. It
    // promises no list of times to answer.
    const officePhone = formatPhoneForPeople(phoneToCall(stack.clinic)!);
    const twiml = await pressed.text();
    expect(twiml).toContain(`<Say language="en-US">Sorry, ${appointment.providerName} has no other open times soon. Your visit stays on `);
    expect(twiml).toMatch(/Your visit stays on \w+day, \w+ \d+ at \d{1,2}:\d\d [AP]M\. To arrange another/);
    expect(twiml).toContain(
      `. To arrange another, please call us at ${officePhone}. We will send you a text message with this number too. Goodbye.</Say><Hangup/></Response>`,
    );
    expect(twiml).not.toMatch(/number of the time/);
    expect(await stack.sql`select choice, outcome_note from calls where id = ${call!.id}`).toEqual([
      { choice: 'reschedule', outcome_note: 'no other time open: asked to call the clinic' },
    ]);
    // The text after the call says no other time is open and to call the office.
    const [reply] = await stack.sql<{ body: string }[]>`select body from messages where idempotency_key = ${`call:${callSid}:reply`}`;
    expect(reply!.body).toMatch(/has no other open times soon\. .* Call .* to arrange another\./);

    const read = await callBackRead(appointment);
    expect(read.call_back_reason).toBe('no_open_times');
    const asked = new Date(read.another_time_asked_at!).getTime();
    expect(asked).toBeGreaterThanOrEqual(before.getTime() - 1_000);
    expect(asked).toBeLessThanOrEqual(after.getTime() + 1_000);
    expect(await callBackListed(appointment)).toEqual(read);
    expect(await callBackNotice(appointment)).toMatch(
      new RegExp(`^Call back: Rahul asked for another time on ${WHEN} and was told no other time is open\\. The time has not changed\\.$`),
    );
  });
});
