/**
 * The "Call back" notices on the Appointments page in a real Chromium: one appointment for each reason
 * staff are asked to call a patient back about another time, each reached through the patient's real
 * signed Twilio webhooks and the appointment's real chain, and what the receptionist reads on each
 * card. A list that lapses unanswered does so a day after it is texted, too long to wait here: that
 * one is recorded by the chain's own activity, as the chain does at the lapse
 * (test/workflows/callBackRecords.test.ts has the chain do it).
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { createAppointmentActivities } from '../../src/activities/appointments.js';
import { startAppointmentChain } from '../../src/appointments/startAppointmentChain.js';
import { bookTestAppointment } from '../support/appointments.js';
import { bookThroughApi, remindAndAwaitQuestion } from '../support/apiBooking.js';
import { browserSuite } from '../support/browserSuite.js';
import { screenshotPath } from '../support/chromium.js';
import { json, twimlText } from '../support/stack.js';
import { signInTo } from '../support/staffBrowser.js';
import { callTwimlParams, fakeSid, gatherParams } from '../support/twilioWebhooks.js';

const suite = browserSuite();

/** A clinic-local time three days from now, `hour`:00; its day is the page's. */
const at = (hour: number) => DateTime.now().setZone(suite.stack.clinic.timezone).plus({ days: 3 }).set({ hour, minute: 0, second: 0, millisecond: 0 });
const WHEN = String.raw`\w+ \d+, \d{4}, \d+:\d\d [AP]M`;

/** The reminder the chain of `appointmentId` sent, once it has gone out: its delivery key and MessageSid. */
const sentReminder = (appointmentId: string) =>
  vi.waitFor(
    async () => {
      const [row] = await suite.stack.sql<{ delivery_key: string; provider_sid: string }[]>`
        select delivery_key, provider_sid from messages
        where appointment_id = ${appointmentId} and delivery_key like '%:reminder:%' and provider_sid is not null`;
      expect(row).toBeDefined();
      return row!;
    },
    { timeout: 15_000 },
  );

/** The patient picks up call `callId` (`callSid`) and presses `digits`; @returns the call's last TwiML. */
async function pressOnCall(callId: string, callSid: string, phone: string, digits: string): Promise<string> {
  const { stack } = suite;
  const party = { callSid, from: stack.clinicNumber, to: phone };
  expect((await stack.sendWebhook(`/webhooks/twilio/voice/calls/${callId}/answer`, callTwimlParams({ ...party, answeredBy: 'human' }))).status).toBe(200);
  const pressed = await stack.sendWebhook(`/webhooks/twilio/voice/calls/${callId}/gather?attempt=1`, gatherParams({ ...party, digits }));
  expect(pressed.status).toBe(200);
  return pressed.text();
}

/** A reminder call placed for `appointmentId`'s reminder text, as the messenger logs one (it shares the text's delivery key). */
async function reminderCall(appointmentId: string, phone: string): Promise<{ id: string; callSid: string }> {
  const { stack } = suite;
  const { delivery_key } = await sentReminder(appointmentId);
  const callSid = fakeSid('CA');
  const [call] = await stack.sql<{ id: string }[]>`
    insert into calls (clinic_id, appointment_id, delivery_key, phone, from_address, to_address, language, idempotency_key, call_sid)
    values (${stack.clinic.id}, ${appointmentId}, ${delivery_key}, ${phone}, ${stack.clinicNumber}, ${phone}, 'en', ${randomUUID()}, ${callSid})
    returning id::text`;
  return { id: call!.id, callSid };
}

/** A patient on a landline: the reminder text comes back undelivered (30006), the chain calls instead, and they press 2. */
async function landline(): Promise<string> {
  const { stack } = suite;
  const { id, workflowId, phone } = await bookThroughApi(stack, { startsAt: at(9), patientName: 'Ana Lopez' });
  await remindAndAwaitQuestion(stack, id, workflowId);
  const { provider_sid } = await sentReminder(id);
  expect((await stack.sendStatus({ MessageSid: provider_sid, MessageStatus: 'undelivered', ErrorCode: '30006' })).status).toBe(204);
  const call = await vi.waitFor(
    async () => {
      const [row] = await stack.sql<
        { id: string; call_sid: string }[]
      >`select id::text, call_sid from calls where appointment_id = ${id} and call_sid is not null`;
      expect(row).toBeDefined();
      return row!;
    },
    { timeout: 15_000 },
  );
  expect(await pressOnCall(call.id, call.call_sid, phone, '2')).toContain('To choose another time, please call us at');
  return id;
}

/** A patient who texts CHANGE when their provider's office hours (half an hour a day) fit no hour-long visit. */
async function noOpenTimes(): Promise<string> {
  const { stack } = suite;
  const appointment = await bookTestAppointment(stack.sql, stack.clinic, {
    startsAt: at(10).toMillis(),
    providerName: `Dr ${randomUUID().slice(0, 8)}`,
    reminderRules: [],
    contactHours: { start: '00:00', end: '24:00' },
    durationMinutes: 60,
    officeDays: [1, 2, 3, 4, 5, 6, 7],
    opens: '09:00',
    closes: '09:30',
  });
  const { workflowId } = await startAppointmentChain(stack.temporal, stack.taskQueue, appointment);
  await remindAndAwaitQuestion(stack, appointment.appointmentId, workflowId);
  await sentReminder(appointment.appointmentId);
  expect(await twimlText(await stack.sendSms(appointment.phone, 'CHANGE'))).toMatch(/has no other open times soon/);
  return appointment.appointmentId;
}

/** A patient texted the open times who chose none; the list's lapse recorded as the chain records it. */
async function noTimeChosen(): Promise<string> {
  const { stack } = suite;
  const { id, workflowId, phone } = await bookThroughApi(stack, { startsAt: at(11), patientName: 'Kwame Mensah' });
  await remindAndAwaitQuestion(stack, id, workflowId);
  await sentReminder(id);
  expect(await twimlText(await stack.sendSms(phone, 'CHANGE'))).toMatch(/reply with the number of a time:\n.+\n1\) /);
  const { starts_at } = (await json(await stack.api(`/api/appointments/${id}`))) as { starts_at: string };
  await createAppointmentActivities({ sql: stack.sql, messenger: stack.messenger }).recordNoTimeChosen({ appointmentId: id, startsAt: starts_at });
  return id;
}

/** A patient who presses 2 on a reminder call after texting STOP: the text with the times cannot be sent, and the call says the clinic will call back. */
async function timesNotSent(): Promise<string> {
  const { stack } = suite;
  const { id, workflowId, phone } = await bookThroughApi(stack, { startsAt: at(12), patientName: 'Sofia Rossi' });
  await remindAndAwaitQuestion(stack, id, workflowId);
  const call = await reminderCall(id, phone);
  expect((await stack.sendSms(phone, 'STOP')).status).toBe(200);
  expect(await pressOnCall(call.id, call.callSid, phone, '2')).toContain(
    'Sorry, we could not send you a text message with the open times. We will call you back',
  );
  return id;
}

/** The "Call back" notice on the card of appointment `id` as the receptionist reads it; null when the card has none. */
async function noticeOn(page: Page, id: string): Promise<string | null> {
  const card = page.locator(`[data-appointment="${id}"]`);
  await card.waitFor();
  const notice = card.locator('[data-call-back]');
  if ((await notice.count()) === 0) return null;
  expect(await notice.isVisible()).toBe(true);
  return (await notice.innerText()).replace(/\s+/g, ' ').trim();
}

describe('the receptionist on the Appointments page', () => {
  it('sees whom to call back about another time, and why, on each card', async () => {
    const ids = {
      landline: await landline(),
      noOpenTimes: await noOpenTimes(),
      noTimeChosen: await noTimeChosen(),
      timesNotSent: await timesNotSent(),
    };
    const { id: nothing } = await bookThroughApi(suite.stack, { startsAt: at(13), patientName: 'Mei Chen' });

    const page = await suite.newPage(1180);
    await signInTo(page, `${suite.baseUrl}/admin/appointments?clinic=${suite.stack.clinic.slug}&date=${at(9).toISODate()!}`, suite.stack.adminPassword);
    expect(await noticeOn(page, ids.landline)).toMatch(
      new RegExp(`^Call back: Ana asked for another time on the reminder call of ${WHEN}\\. A landline takes no texts, so the time has not changed\\.$`),
    );
    expect(await noticeOn(page, ids.noOpenTimes)).toMatch(
      new RegExp(`^Call back: Rahul asked for another time on ${WHEN} and was told no other time is open\\. The time has not changed\\.$`),
    );
    expect(await noticeOn(page, ids.noTimeChosen)).toMatch(
      new RegExp(
        `^Call back: Kwame asked for another time on ${WHEN} and chose none of the times texted before the list lapsed\\. The time has not changed\\.$`,
      ),
    );
    expect(await noticeOn(page, ids.timesNotSent)).toMatch(
      new RegExp(
        `^Call back: Sofia asked for another time on ${WHEN}, on a reminder call, but the text with the open times could not be sent\\. The time has not changed\\.$`,
      ),
    );
    expect(await noticeOn(page, nothing)).toBeNull();
    await page.screenshot({ path: screenshotPath('appointments-call-backs.png'), fullPage: true });
    await page.close();
  });
});
