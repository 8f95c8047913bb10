/**
 * Texts and reminder calls Twilio never takes (the stack texting and calling through Twilio's REST API
 * stand-in, on the test Postgres and Temporal): while one is tried again after a 429 or a 5xx, staff
 * read on the Messages and calls page that it has not gone, what Twilio answered and until when it is
 * tried; once no try is left (its sender's deadline and a grace passed, or its last try failed) it ends
 * `failed`, and once its sender no longer needs it, `canceled`: never `queued` for ever. A send
 * activity's texts are tried until its schedule-to-close, and a try after a text or call ended sends
 * nothing. The JSON API (the message log, an appointment's attempts) says the same as the page. A call whose last try had no answer,
 * which Twilio had placed after all, still reaches the patient who picks up.
 */
import { tsToMs } from '@temporalio/common/lib/time.js';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createMessenger } from '../../src/messaging/messenger.js';
import { MessageRejectedError } from '../../src/messaging/sender.js';
import { settleUnsent, withdrawUnsentText } from '../../src/messaging/unsentDeliveries.js';
import { bookTestAppointment } from '../support/appointments.js';
import { json, patientPhone, patientReply } from '../support/stack.js';
import { staffCookie } from '../support/staffForms.js';
import { callStatusParams, callTwimlParams, fakeSid, PUBLIC_BASE_URL } from '../support/twilioWebhooks.js';
import { twilioStackSuite } from '../support/twilioStackSuite.js';

const suite = twilioStackSuite();
const MINUTE = 60_000;

/** Texts `phone` through the stack's messenger under a new key, tried until `sendUntil`; a failed try is returned, not thrown. */
async function text(phone: string, sendUntil: Date, key = `test:${fakeSid()}`) {
  const { stack } = suite;
  const outcome = await stack.messenger
    .send({ clinicId: stack.clinic.id, phone, channel: 'sms', body: 'Test Clinic: your visit is tomorrow at 10:00.', idempotencyKey: key, sendUntil })
    .catch((error: unknown) => error);
  return { key, outcome };
}

const rowOf = async (key: string) =>
  (
    await suite.stack.sql<{ id: string; status: string; provider_sid: string | null; error_code: number | null; send_error: string | null }[]>`
      select id::text, status, provider_sid, error_code, send_error from messages where idempotency_key = ${key}`
  )[0]!;

/** Entry `entry`'s (`message:<id>`, `call:<id>`) card on the Messages and calls page, as staff see it. */
async function cardOfEntry(entry: string): Promise<string> {
  const { stack } = suite;
  const response = await stack.app.request(`/admin/messages?clinic=${stack.clinic.slug}`, { headers: { Cookie: await staffCookie(stack) } });
  expect(response.status).toBe(200);
  const card = new RegExp(`<li class="entry card" data-entry="${entry}"[\\s\\S]*?</li>`).exec(await response.text());
  expect(card, `${entry} on the page`).not.toBeNull();
  return card![0];
}
/** Text `key`'s card on the Messages and calls page. */
const cardOf = async (key: string) => cardOfEntry(`message:${(await rowOf(key)).id}`);
const pill = (status: string, bad: boolean) => `<span class="pill${bad ? ' pill-bad' : ''}" data-status>${status}</span>`;

/** Moves `key`'s deadline `ago` ms into the past, as the clock would have. */
const deadlinePassed = (key: string, ago: number) =>
  suite.stack.sql`update messages set send_until = ${new Date(Date.now() - ago)} where idempotency_key = ${key}`;

describe('a text Twilio does not take', () => {
  it('shows staff why it has not gone while it is tried, ends failed once no try is left, and is never sent after', async () => {
    const phone = patientPhone();
    suite.twilioApi.setAnswers(phone, [
      { kind: 'throttled', retryAfterSeconds: 30 },
      { kind: 'outage', httpStatus: 500 },
    ]);
    const { key, outcome } = await text(phone, new Date(Date.now() + 30 * MINUTE));
    expect(outcome).toMatchObject({ name: 'ProviderBusyError' });
    expect(await rowOf(key)).toMatchObject({
      status: 'queued',
      provider_sid: null,
      error_code: 20429,
      send_error: 'Twilio answered 429 and asks to retry after 30 s',
    });
    let card = await cardOf(key);
    expect(card).toContain(pill('queued', false));
    expect(card).toContain('error 20429: Twilio throttled the sending (too many requests)');
    expect(card).toMatch(
      /data-unsent>Not sent yet: tried again until [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M\. Last try: Twilio answered 429 and asks to retry after 30 s\.</,
    );

    // The retry meets an outage: the card says so.
    expect((await text(phone, new Date(Date.now() + 30 * MINUTE), key)).outcome).not.toBeInstanceOf(MessageRejectedError);
    expect(await rowOf(key)).toMatchObject({ status: 'queued', error_code: 20500, send_error: 'Twilio answered 500: Service unavailable' });

    // Its sender's deadline passed a minute ago: a try may still be talking to Twilio, so it stays queued.
    await deadlinePassed(key, MINUTE);
    await settleUnsent(suite.stack.sql, 'messages');
    expect((await rowOf(key)).status).toBe('queued');
    // Past the grace, no try is left: the sweep ends it failed, with Twilio's last answer.
    await deadlinePassed(key, 3 * MINUTE);
    expect(await settleUnsent(suite.stack.sql, 'messages')).toBeGreaterThanOrEqual(1);
    expect(await rowOf(key)).toMatchObject({ status: 'failed', provider_sid: null, error_code: 20500 });
    card = await cardOf(key);
    expect(card).toContain(pill('failed', true));
    expect(card).toMatch(/data-unsent>Not sent: no try was left after [^<]*\. Last try: Twilio answered 500: Service unavailable\.</);

    // A try that comes after all the same (one that outlived its activity) sends nothing: the log stays true.
    const requests = suite.twilioApi.requestsTo(phone).length;
    expect((await text(phone, new Date(Date.now() + 30 * MINUTE), key)).outcome).toBeInstanceOf(MessageRejectedError);
    expect(suite.twilioApi.requestsTo(phone)).toHaveLength(requests);
    expect((await rowOf(key)).status).toBe('failed');
  });

  it('ends failed at once when its last try fails, and a text that goes clears what its tries met', async () => {
    const lost = patientPhone();
    suite.twilioApi.setAnswers(lost, [{ kind: 'outage', httpStatus: 503 }]);
    const last = await text(lost, new Date());
    expect(await rowOf(last.key)).toMatchObject({
      status: 'failed',
      provider_sid: null,
      error_code: 20503,
      send_error: 'Twilio answered 503: Service unavailable',
    });
    expect(await cardOf(last.key)).toMatch(/data-unsent>Not sent: no try was left after [^<]*\. Last try: Twilio answered 503: Service unavailable\.</);

    const sent = patientPhone();
    suite.twilioApi.setAnswers(sent, [{ kind: 'throttled', retryAfterSeconds: 1 }]);
    const { key } = await text(sent, new Date(Date.now() + 30 * MINUTE));
    expect((await rowOf(key)).error_code).toBe(20429);
    expect((await text(sent, new Date(Date.now() + 30 * MINUTE), key)).outcome).toMatchObject({ outcome: 'sent' });
    expect(await rowOf(key)).toMatchObject({ status: 'queued', provider_sid: expect.stringMatching(/^SM/), error_code: null, send_error: null });
    expect(await cardOf(key)).not.toContain('data-unsent');
  });

  it('ends canceled when its sender no longer needs it, and is then never sent', async () => {
    const phone = patientPhone();
    suite.twilioApi.setAnswers(phone, [{ kind: 'throttled', retryAfterSeconds: 60 }]);
    const { key } = await text(phone, new Date(Date.now() + 30 * MINUTE));
    expect(await withdrawUnsentText(suite.stack.sql, key)).toBe(true);
    expect(await rowOf(key)).toMatchObject({ status: 'canceled', provider_sid: null });
    const card = await cardOf(key);
    expect(card).toContain(pill('canceled', true));
    expect(card).toContain('data-unsent>Not sent: no longer needed before Twilio took it. Last try: Twilio answered 429 and asks to retry after 60 s.<');

    expect((await text(phone, new Date(Date.now() + 30 * MINUTE), key)).outcome).toBeInstanceOf(MessageRejectedError);
    expect(suite.twilioApi.requestsTo(phone)).toHaveLength(1);
  });

  it("is tried by a send activity until the activity's schedule-to-close", async () => {
    const { stack, twilioApi } = suite;
    const phone = patientPhone();
    const code = /ticket is ([A-Z]\d+)/.exec(await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN')))![1]!;
    // Twilio throttles the "you're next" text, and asks for ten minutes.
    twilioApi.setAnswer(phone, { kind: 'throttled', retryAfterSeconds: 600 });
    expect((await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) })).status).toBe(200);
    const [ticket] = await stack.sql<{ workflow_id: string }[]>`select workflow_id from tickets where clinic_id = ${stack.clinic.id} and code = ${code}`;
    const key = `${ticket!.workflow_id}:called`;
    const row = await vi.waitFor(
      async () => {
        const [found] = await stack.sql<{ status: string; error_code: number | null; send_until: Date }[]>`
          select status, error_code, send_until from messages where idempotency_key = ${key}`;
        if (found?.error_code !== 20429) throw new Error('not throttled yet');
        return found;
      },
      { timeout: 30_000, interval: 250 },
    );
    const events = (await stack.temporal.workflow.getHandle(ticket!.workflow_id).fetchHistory()).events ?? [];
    const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendTicketNotice')!;
    const scheduledAt = tsToMs(scheduled.eventTime);
    expect(row.status).toBe('queued');
    expect(Math.abs(row.send_until.getTime() - (scheduledAt + 30 * MINUTE))).toBeLessThan(1000);
  });
});

/** Text `key` as the JSON API's message log (`GET /api/messages?phone=`) lists it. */
async function apiEntryOf(phone: string, key: string): Promise<Record<string, unknown>> {
  const response = await suite.stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`);
  expect(response.status).toBe(200);
  const { messages } = (await json(response)) as { messages: { id: number }[] };
  const id = Number((await rowOf(key)).id);
  const entry = messages.find((m) => m.id === id);
  expect(entry, `message ${id} in the log`).toBeDefined();
  return entry!;
}

describe("the JSON API's message log", () => {
  it('says of a text Twilio has not taken what Twilio answered and until when it is tried, as the page does', async () => {
    const phone = patientPhone();
    suite.twilioApi.setAnswers(phone, [
      { kind: 'throttled', retryAfterSeconds: 60 },
      { kind: 'outage', httpStatus: 503 },
    ]);
    const until = new Date(Date.now() + 30 * MINUTE);
    const { key } = await text(phone, until);
    expect(await apiEntryOf(phone, key)).toMatchObject({
      direction: 'outbound',
      status: 'queued',
      error_code: 20429,
      send_error: 'Twilio answered 429 and asks to retry after 60 s',
      send_until: until.toISOString(),
    });

    // Its last try fails: it ended unsent, and says when and what Twilio last answered.
    const lastTry = Date.now();
    await text(phone, new Date(), key);
    const failed = await apiEntryOf(phone, key);
    expect(failed).toMatchObject({ status: 'failed', error_code: 20503, send_error: 'Twilio answered 503: Service unavailable' });
    expect(Date.parse(failed.send_until as string)).toBeGreaterThanOrEqual(lastTry - 1000);
    expect(Date.parse(failed.send_until as string)).toBeLessThan(until.getTime());

    // A text Twilio took, and the patient's own, carry neither.
    const sent = await text(phone, until);
    expect(await apiEntryOf(phone, sent.key)).toMatchObject({ send_error: null, send_until: null });
    await suite.stack.sendSms(phone, 'STATUS');
    const [inbound] = await suite.stack.sql<{ id: string }[]>`select id::text from messages where phone = ${phone} and direction = 'inbound'`;
    const { messages } = (await json(await suite.stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`))) as { messages: { id: number }[] };
    expect(messages.find((m) => m.id === Number(inbound!.id))).toMatchObject({ direction: 'inbound', send_error: null, send_until: null });
  });
});

/** A voice appointment two days out for a new patient (its row only: no chain places calls for it). */
const voiceAppointment = () =>
  bookTestAppointment(suite.stack.sql, suite.stack.clinic, { startsAt: Date.now() + 2 * 24 * 60 * MINUTE, channel: 'voice', reminderRules: [] });

/** Places a reminder call for `appointment` under a new key through `messenger` (the stack's), tried until `sendUntil`; a failed try is returned, not thrown. */
async function call(appointment: { appointmentId: string; phone: string }, sendUntil: Date, key = `test:${fakeSid('CA')}`, messenger = suite.stack.messenger) {
  const outcome = await messenger
    .call({
      clinicId: suite.stack.clinic.id,
      phone: appointment.phone,
      language: 'en',
      idempotencyKey: key,
      appointmentId: appointment.appointmentId,
      deliveryKey: key,
      sendUntil,
    })
    .catch((error: unknown) => error);
  return { key, outcome };
}

const callRowOf = async (key: string) =>
  (
    await suite.stack.sql<{ id: string; status: string; call_sid: string | null; error_code: number | null; send_error: string | null }[]>`
      select id::text, status, call_sid, error_code, send_error from calls where idempotency_key = ${key}`
  )[0]!;

/** The one delivery attempt of appointment `id` as `GET /api/appointments/{id}` lists it. */
async function apiAttemptOf(id: string): Promise<Record<string, unknown>> {
  const response = await suite.stack.api(`/api/appointments/${id}`);
  expect(response.status).toBe(200);
  const { deliveries } = (await json(response)) as { deliveries: { attempts: Record<string, unknown>[] }[] };
  expect(deliveries.flatMap((d) => d.attempts)).toHaveLength(1);
  return deliveries[0]!.attempts[0]!;
}

describe('a reminder call Twilio does not place', () => {
  it('shows staff why it has not been placed while it is tried, ends failed once no try is left, and is never placed after', async () => {
    const appointment = await voiceAppointment();
    suite.twilioApi.setAnswers(appointment.phone, [
      { kind: 'throttled', retryAfterSeconds: 30 },
      { kind: 'outage', httpStatus: 503 },
    ]);
    const until = new Date(Date.now() + 30 * MINUTE);
    const { key, outcome } = await call(appointment, until);
    expect(outcome).toMatchObject({ name: 'ProviderBusyError' });
    expect(await callRowOf(key)).toMatchObject({
      status: 'queued',
      call_sid: null,
      error_code: 20429,
      send_error: 'Twilio answered 429 and asks to retry after 30 s',
    });
    const entry = `call:${(await callRowOf(key)).id}`;
    let card = await cardOfEntry(entry);
    expect(card).toContain(pill('queued', false));
    expect(card).toContain('error 20429: Twilio throttled the sending (too many requests)');
    expect(card).toMatch(
      /data-unsent>Not placed yet: tried again until [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M\. Last try: Twilio answered 429 and asks to retry after 30 s\.</,
    );
    // The JSON API says the same of the appointment's attempt.
    expect(await apiAttemptOf(appointment.appointmentId)).toMatchObject({
      channel: 'voice',
      sid: null,
      status: 'queued',
      error_code: 20429,
      send_error: 'Twilio answered 429 and asks to retry after 30 s',
      send_until: until.toISOString(),
    });

    // The retry meets an outage, and then the sender's deadline passes: the sweep waits out the grace, then ends it failed.
    await call(appointment, new Date(Date.now() + 30 * MINUTE), key);
    expect(await callRowOf(key)).toMatchObject({ status: 'queued', error_code: 20503, send_error: 'Twilio answered 503: Service unavailable' });
    await suite.stack.sql`update calls set send_until = ${new Date(Date.now() - MINUTE)} where idempotency_key = ${key}`;
    await settleUnsent(suite.stack.sql, 'calls');
    expect((await callRowOf(key)).status).toBe('queued');
    await suite.stack.sql`update calls set send_until = ${new Date(Date.now() - 3 * MINUTE)} where idempotency_key = ${key}`;
    expect(await settleUnsent(suite.stack.sql, 'calls')).toBeGreaterThanOrEqual(1);
    expect(await callRowOf(key)).toMatchObject({ status: 'failed', call_sid: null, error_code: 20503 });
    card = await cardOfEntry(entry);
    expect(card).toContain(pill('failed', true));
    expect(card).toMatch(/data-unsent>Not placed: no try was left after [^<]*\. Last try: Twilio answered 503: Service unavailable\.</);
    expect(await apiAttemptOf(appointment.appointmentId)).toMatchObject({
      status: 'failed',
      error_code: 20503,
      send_error: 'Twilio answered 503: Service unavailable',
    });

    // A try that comes after all the same places nothing.
    const requests = suite.twilioApi.requestsTo(appointment.phone, 'calls').length;
    expect((await call(appointment, new Date(Date.now() + 30 * MINUTE), key)).outcome).toBeInstanceOf(MessageRejectedError);
    expect(suite.twilioApi.requestsTo(appointment.phone, 'calls')).toHaveLength(requests);
  });

  it('ends failed at once when its last try fails, and a call that is placed clears what its tries met', async () => {
    const lost = await voiceAppointment();
    suite.twilioApi.setAnswers(lost.phone, [{ kind: 'outage', httpStatus: 500 }]);
    const last = await call(lost, new Date());
    expect(await callRowOf(last.key)).toMatchObject({
      status: 'failed',
      call_sid: null,
      error_code: 20500,
      send_error: 'Twilio answered 500: Service unavailable',
    });

    const placed = await voiceAppointment();
    suite.twilioApi.setAnswers(placed.phone, [{ kind: 'throttled', retryAfterSeconds: 1 }]);
    const { key } = await call(placed, new Date(Date.now() + 30 * MINUTE));
    expect((await callRowOf(key)).error_code).toBe(20429);
    expect((await call(placed, new Date(Date.now() + 30 * MINUTE), key)).outcome).toMatchObject({ outcome: 'placed' });
    expect(await callRowOf(key)).toMatchObject({ status: 'queued', call_sid: expect.stringMatching(/^CA/), error_code: null, send_error: null });
    expect(await cardOfEntry(`call:${(await callRowOf(key)).id}`)).not.toContain('data-unsent');
    expect(await apiAttemptOf(placed.appointmentId)).toMatchObject({ sid: expect.stringMatching(/^CA/), send_error: null, send_until: null });
  });

  it('whose last try had no answer, but which Twilio placed after all, reaches the patient who picks up, and the log says it was placed', async () => {
    const { stack, twilioApi } = suite;
    const appointment = await voiceAppointment();
    // Twilio takes the call but its answer never comes: the sender gives up after a moment, on its last try.
    twilioApi.setAnswers(appointment.phone, [{ kind: 'hang' }]);
    const impatient = createMessenger({
      sql: stack.sql,
      sender: twilioApi.sender({ timeoutMs: 300 }),
      callbackBaseUrl: PUBLIC_BASE_URL,
      log: pino({ level: 'silent' }),
    });
    const { key } = await call(appointment, new Date(), undefined, impatient);
    const row = await callRowOf(key);
    expect(row).toMatchObject({ status: 'failed', call_sid: null, send_error: expect.stringMatching(/^no answer from Twilio: /) });

    // The patient picks up: Twilio asks for the call's TwiML.
    const callSid = fakeSid('CA');
    const party = { callSid, from: stack.clinicNumber, to: appointment.phone };
    const answered = await stack.sendWebhook(`/webhooks/twilio/voice/calls/${row.id}/answer`, callTwimlParams({ ...party, answeredBy: 'human' }));
    expect(answered.status).toBe(200);
    expect(await answered.text()).toMatch(/<Gather numDigits="1" [^>]*><Say language="en-US">Hello, this is Test Clinic\. Rahul Sharma, your visit/);
    expect(await callRowOf(key)).toMatchObject({ status: 'in-progress', call_sid: callSid, error_code: null, send_error: null });
    expect(await cardOfEntry(`call:${row.id}`)).not.toContain('data-unsent');

    // Its status callbacks find it, and the log ends as Twilio says.
    expect(
      (await stack.sendWebhook('/webhooks/twilio/voice/status', callStatusParams({ ...party, callStatus: 'completed', answeredBy: 'human' }))).status,
    ).toBe(204);
    expect((await callRowOf(key)).status).toBe('completed');
  });
});
