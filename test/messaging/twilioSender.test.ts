/**
 * The outbound adapter against a local HTTP server that answers like Twilio's Messages API:
 * what is sent, a refusal (21610, the number opted out), an outage that a retry gets through, and
 * an API that never answers.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Clinic } from '../../src/clinics/clinics.js';
import { createSql, type Sql } from '../../src/db/sql.js';
import { createMessenger, type Messenger } from '../../src/messaging/messenger.js';
import { MessageRejectedError, ProviderBusyError } from '../../src/messaging/sender.js';
import { createTwilioSender, parseRetryAfter } from '../../src/messaging/twilioSender.js';
import { createTestClinic, fictionalNumber } from '../support/clinic.js';
import { startFakeTwilioApi, type FakeTwilioApi } from '../support/fakeTwilioApi.js';
import { fakeSid } from '../support/twilioWebhooks.js';

const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
const AUTH_TOKEN = 'local-auth-token';

let twilioApi: FakeTwilioApi;
let sql: Sql;
let clinic: Clinic;
let clinicNumber: string;
let messenger: Messenger;

beforeAll(async () => {
  twilioApi = await startFakeTwilioApi();
  sql = createSql(inject('databaseUrl'));
  ({ clinic, clinicNumber } = await createTestClinic(sql));
  const log = pino({ level: 'silent' });
  const sender = createTwilioSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, messagingServiceSid: undefined, httpClient: twilioApi.httpClient() });
  messenger = createMessenger({ sql, sender, callbackBaseUrl: 'https://desk.clinic.test', log });
});

afterAll(async () => {
  await twilioApi.close();
  await sql.end();
});

const rowOf = async (key: string) =>
  (await sql`select status, provider_sid, error_code, to_address, from_address from messages where idempotency_key = ${key}`)[0];

describe('sending through Twilio', () => {
  it("posts the message from the clinic's number with the StatusCallback and logs its MessageSid", async () => {
    const phone = fictionalNumber('312');
    const key = `test:${fakeSid()}`;
    const sent = await messenger.send({ clinicId: clinic.id, phone, channel: 'sms', body: 'Test Clinic: ticket Q7, you are next!', idempotencyKey: key });
    expect(sent.outcome).toBe('sent');
    const request = twilioApi.requests.at(-1)!;
    expect(request.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request.auth).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(request.form).toEqual({
      To: phone,
      From: clinicNumber,
      Body: 'Test Clinic: ticket Q7, you are next!',
      StatusCallback: 'https://desk.clinic.test/webhooks/twilio/status',
    });
    expect(await rowOf(key)).toMatchObject({ status: 'queued', provider_sid: sent.outcome === 'sent' ? sent.messageSid : '', to_address: phone });

    const again = await messenger.send({ clinicId: clinic.id, phone, channel: 'sms', body: 'Test Clinic: ticket Q7, you are next!', idempotencyKey: key });
    expect(again.outcome).toBe('already_sent');
    expect(twilioApi.requestsTo(phone)).toHaveLength(1);
  });

  it("sends WhatsApp from the clinic's WhatsApp sender", async () => {
    const phone = fictionalNumber('312');
    await messenger.send({ clinicId: clinic.id, phone, channel: 'whatsapp', body: 'hello', idempotencyKey: `test:${fakeSid()}` });
    expect(twilioApi.requests.at(-1)!.form).toMatchObject({ To: `whatsapp:${phone}`, From: `whatsapp:${clinicNumber}` });
  });

  it('treats error 21610 as an opt-out: logged as failed, never sent again', async () => {
    const phone = fictionalNumber('312');
    twilioApi.setAnswer(phone, { kind: 'refused', code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const key = `test:${fakeSid()}`;
    const failure = await messenger.send({ clinicId: clinic.id, phone, channel: 'sms', body: 'hi', idempotencyKey: key }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MessageRejectedError);
    expect((failure as MessageRejectedError).errorCode).toBe(21610);
    expect(await rowOf(key)).toMatchObject({ status: 'failed', error_code: 21610, provider_sid: null });

    const later = await messenger.send({ clinicId: clinic.id, phone, channel: 'sms', body: 'hi again', idempotencyKey: `test:${fakeSid()}` });
    expect(later).toEqual({ outcome: 'suppressed' });
    expect(twilioApi.requestsTo(phone)).toHaveLength(1);
  });

  it("keeps the number out of a refusal's message (it goes into workflow history and logs)", async () => {
    const phone = fictionalNumber('312');
    twilioApi.setAnswer(phone, { kind: 'refused', code: 21211, message: `The 'To' number ${phone} is not a valid phone number.` });
    const failure = await messenger
      .send({ clinicId: clinic.id, phone, channel: 'sms', body: 'hi', idempotencyKey: `test:${fakeSid()}` })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MessageRejectedError);
    expect((failure as Error).message).not.toContain(phone);
    expect((failure as Error).message).toContain(`+•••${phone.slice(-4)}`);
  });

  it('lets an outage be retried (not a refusal), and the retry sends exactly once', async () => {
    const phone = fictionalNumber('312');
    twilioApi.setAnswer(phone, { kind: 'outage', httpStatus: 503 });
    const key = `test:${fakeSid()}`;
    const failure = await messenger.send({ clinicId: clinic.id, phone, channel: 'sms', body: 'hi', idempotencyKey: key }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(MessageRejectedError);
    expect(await rowOf(key)).toMatchObject({ status: 'queued', provider_sid: null });

    twilioApi.clearAnswer(phone);
    const retried = await messenger.send({ clinicId: clinic.id, phone, channel: 'sms', body: 'hi', idempotencyKey: key });
    expect(retried.outcome).toBe('sent');
    expect(await sql`select 1 from messages where idempotency_key = ${key}`).toHaveLength(1);
  });

  it('gives up on an API that never answers, as an error a retry may fix, and sends exactly once when it does', async () => {
    const phone = fictionalNumber('312');
    twilioApi.setAnswer(phone, { kind: 'hang' });
    const hungSender = createTwilioSender({
      accountSid: ACCOUNT_SID,
      authToken: AUTH_TOKEN,
      messagingServiceSid: undefined,
      httpClient: twilioApi.httpClient({ timeoutMs: 500 }),
    });
    const impatient = createMessenger({ sql, sender: hungSender, callbackBaseUrl: undefined, log: pino({ level: 'silent' }) });
    const key = `test:${fakeSid()}`;
    const failure = await impatient.send({ clinicId: clinic.id, phone, channel: 'sms', body: 'hi', idempotencyKey: key }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(MessageRejectedError);
    expect(await rowOf(key)).toMatchObject({ status: 'queued', provider_sid: null });

    twilioApi.clearAnswer(phone);
    expect((await messenger.send({ clinicId: clinic.id, phone, channel: 'sms', body: 'hi', idempotencyKey: key })).outcome).toBe('sent');
    // The retry first asked Twilio whether the unanswered try had sent it: it had not, so it went.
    expect(twilioApi.requestsTo(phone).map((r) => r.method)).toEqual(['POST', 'GET', 'POST']);
    expect(twilioApi.made.filter((m) => m.json.to === phone)).toHaveLength(1);
  });

  it('does not take a text with the same words, sent under another key, for one whose answer was lost', async () => {
    const phone = fictionalNumber('312');
    const text = { clinicId: clinic.id, phone, channel: 'sms' as const, body: 'Test Clinic: see you soon.' };
    const earlier = await messenger.send({ ...text, idempotencyKey: `test:${fakeSid()}` });
    twilioApi.setAnswers(phone, [{ kind: 'lost' }]);
    const key = `test:${fakeSid()}`;
    const failure = await messenger.send({ ...text, idempotencyKey: key }).catch((e: unknown) => e);
    expect(failure).not.toBeInstanceOf(MessageRejectedError);
    expect(await sql`select send_error from messages where idempotency_key = ${key}`).toEqual([
      { send_error: expect.stringMatching(/^no answer from Twilio: /) },
    ]);

    const retried = await messenger.send({ ...text, idempotencyKey: key });
    const made = twilioApi.made.filter((m) => m.json.to === phone).map((m) => m.json.sid);
    expect(made).toEqual([earlier.outcome === 'sent' ? earlier.messageSid : '', expect.stringMatching(/^SM/)]);
    expect(retried).toEqual({ outcome: 'sent', messageSid: made[1] });
    expect(await rowOf(key)).toMatchObject({ provider_sid: made[1] });
  });
});

describe('WhatsApp templates and calls through Twilio', () => {
  it('sends an approved template with its Content SID and variables and no body, and logs our rendering', async () => {
    const phone = fictionalNumber('312');
    const key = `test:${fakeSid()}`;
    const template = { contentSid: `HX${'a'.repeat(32)}`, contentVariables: JSON.stringify({ 1: 'Ana', 2: 'Tue 1 Dec' }) };
    const sent = await messenger.send({ clinicId: clinic.id, phone, channel: 'whatsapp', body: 'Ana, see you Tue 1 Dec', idempotencyKey: key, template });
    expect(sent.outcome).toBe('sent');
    const [request] = twilioApi.requestsTo(`whatsapp:${phone}`, 'messages');
    expect(request!.form).toEqual({
      To: `whatsapp:${phone}`,
      From: `whatsapp:${clinicNumber}`,
      ContentSid: template.contentSid,
      ContentVariables: '{"1":"Ana","2":"Tue 1 Dec"}',
      StatusCallback: 'https://desk.clinic.test/webhooks/twilio/status',
    });
    expect(request!.form).not.toHaveProperty('Body');
    expect((await sql`select body from messages where idempotency_key = ${key}`)[0]!.body).toBe('Ana, see you Tue 1 Dec');
  });

  it("places a call from the clinic's number with its TwiML URL, status events and machine detection, once per key", async () => {
    const phone = fictionalNumber('312');
    const key = `test:${fakeSid()}`;
    const call = { clinicId: clinic.id, phone, language: 'en', idempotencyKey: key, appointmentId: '1', deliveryKey: 'test' };
    await sql`insert into providers (clinic_id, name) values (${clinic.id}, 'Dr Call') on conflict do nothing`;
    const [appointment] = await sql<{ id: string }[]>`
      insert into appointments (clinic_id, provider_id, patient_name, phone, language, service, channel, starts_at, duration_minutes, workflow_id)
      select ${clinic.id}, id, 'Ana', ${phone}, 'en', 'Check-up', 'voice', now() + interval '2 days', 30, ${`test-${key}`}
      from providers where clinic_id = ${clinic.id} and name = 'Dr Call' returning id::text`;
    const placed = await messenger.call({ ...call, appointmentId: appointment!.id });
    expect(placed).toMatchObject({ outcome: 'placed', callSid: expect.stringMatching(/^CA/) });
    const [row] = await sql<{ id: string }[]>`select id::text from calls where idempotency_key = ${key}`;
    const [request] = twilioApi.requestsTo(phone, 'calls');
    expect(request!.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`);
    expect(request!.form).toEqual({
      To: phone,
      From: clinicNumber,
      Url: `https://desk.clinic.test/webhooks/twilio/voice/calls/${row!.id}/answer`,
      Method: 'POST',
      StatusCallback: 'https://desk.clinic.test/webhooks/twilio/voice/status',
      StatusCallbackMethod: 'POST',
      StatusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      MachineDetection: 'DetectMessageEnd',
    });

    // A retried activity finds the call it placed.
    expect(await messenger.call({ ...call, appointmentId: appointment!.id })).toEqual({
      outcome: 'already_placed',
      callSid: placed.outcome === 'placed' ? placed.callSid : '',
    });
    expect(twilioApi.requestsTo(phone, 'calls')).toHaveLength(1);
  });
});

describe('Retry-After', () => {
  it('reads delay seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2026-11-23T14:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 14:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 13:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('turns a 429 with Retry-After into ProviderBusyError with the wait, and sends nothing', async () => {
    const phone = fictionalNumber('312');
    twilioApi.setAnswer(phone, { kind: 'throttled', retryAfterSeconds: 7 });
    const key = `test:${fakeSid()}`;
    const failure = await messenger.send({ clinicId: clinic.id, phone, channel: 'sms', body: 'hi', idempotencyKey: key }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderBusyError);
    expect((failure as ProviderBusyError).retryAfterMs).toBe(7_000);
    expect(await rowOf(key)).toMatchObject({ status: 'queued', provider_sid: null });
  });
});
