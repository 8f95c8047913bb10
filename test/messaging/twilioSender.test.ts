/**
 * The outbound adapter against a local HTTP server that answers like Twilio's Messages API:
 * what is sent, a refusal (21610, the number opted out), and an outage that a retry gets through.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Clinic } from '../../src/clinics/clinics.js';
import { createSql, type Sql } from '../../src/db/sql.js';
import { createMessenger, type Messenger } from '../../src/messaging/messenger.js';
import { MessageRejectedError } from '../../src/messaging/sender.js';
import { createTwilioSender } from '../../src/messaging/twilioSender.js';
import { createTestClinic, fictionalNumber } from '../support/clinic.js';
import { fakeSid } from '../support/stack.js';

const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
const AUTH_TOKEN = 'local-auth-token';
const received: { path: string; auth: string | undefined; form: Record<string, string> }[] = [];
/** How the fake answers the next requests, by recipient. */
const answers = new Map<string, () => { status: number; body: object }>();

let server: Server;
let sql: Sql;
let clinic: Clinic;
let clinicNumber: string;
let messenger: Messenger;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(raw));
      received.push({ path: req.url ?? '', auth: req.headers.authorization, form });
      const answer = answers.get(form.To ?? '')?.() ?? { status: 201, body: { sid: fakeSid(), status: 'queued' } };
      res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  class LocalTwilio extends twilio.RequestClient {
    override request: twilio.RequestClient['request'] = (opts) => super.request({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, base) });
  }
  sql = createSql(inject('databaseUrl'));
  ({ clinic, clinicNumber } = await createTestClinic(sql));
  const log = pino({ level: 'silent' });
  const sender = createTwilioSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, messagingServiceSid: undefined, httpClient: new LocalTwilio() });
  messenger = createMessenger({ sql, sender, statusCallbackUrl: 'https://desk.clinic.test/webhooks/twilio/status', log });
});

afterAll(async () => {
  server.close();
  await sql.end();
});

const rowOf = async (key: string) => (await sql`select status, provider_sid, error_code, to_address, from_address from messages where idempotency_key = ${key}`)[0];

describe('sending through Twilio', () => {
  it('posts the message from the clinic\'s number with the StatusCallback and logs its MessageSid', async () => {
    const phone = fictionalNumber('312');
    const key = `test:${fakeSid()}`;
    const sent = await messenger.send({ clinicId: clinic.id, phone, channel: 'sms', body: 'Test Clinic: ticket Q7, you are next!', idempotencyKey: key });
    expect(sent.outcome).toBe('sent');
    const request = received.at(-1)!;
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
    expect(received.filter((r) => r.form.To === phone)).toHaveLength(1);
  });

  it('sends WhatsApp from the clinic\'s WhatsApp sender', async () => {
    const phone = fictionalNumber('312');
    await messenger.send({ clinicId: clinic.id, phone, channel: 'whatsapp', body: 'hello', idempotencyKey: `test:${fakeSid()}` });
    expect(received.at(-1)!.form).toMatchObject({ To: `whatsapp:${phone}`, From: `whatsapp:${clinicNumber}` });
  });

  it('treats error 21610 as an opt-out: logged as failed, never sent again', async () => {
    const phone = fictionalNumber('312');
    answers.set(phone, () => ({ status: 400, body: { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 } }));
    const key = `test:${fakeSid()}`;
    const failure = await messenger.send({ clinicId: clinic.id, phone, channel: 'sms', body: 'hi', idempotencyKey: key }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MessageRejectedError);
    expect((failure as MessageRejectedError).errorCode).toBe(21610);
    expect(await rowOf(key)).toMatchObject({ status: 'failed', error_code: 21610, provider_sid: null });

    const later = await messenger.send({ clinicId: clinic.id, phone, channel: 'sms', body: 'hi again', idempotencyKey: `test:${fakeSid()}` });
    expect(later).toEqual({ outcome: 'suppressed' });
    expect(received.filter((r) => r.form.To === phone)).toHaveLength(1);
  });

  it('lets an outage be retried (not a refusal), and the retry sends exactly once', async () => {
    const phone = fictionalNumber('312');
    answers.set(phone, () => ({ status: 503, body: { code: 20503, message: 'Service unavailable', status: 503 } }));
    const key = `test:${fakeSid()}`;
    const failure = await messenger.send({ clinicId: clinic.id, phone, channel: 'sms', body: 'hi', idempotencyKey: key }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(MessageRejectedError);
    expect(await rowOf(key)).toMatchObject({ status: 'queued', provider_sid: null });

    answers.delete(phone);
    const retried = await messenger.send({ clinicId: clinic.id, phone, channel: 'sms', body: 'hi', idempotencyKey: key });
    expect(retried.outcome).toBe('sent');
    expect(await sql`select 1 from messages where idempotency_key = ${key}`).toHaveLength(1);
  });
});
