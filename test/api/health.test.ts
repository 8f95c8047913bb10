/**
 * The health check names what does not answer.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { pino } from 'pino';
import twilio from 'twilio';
import { createApp } from '../../src/api/app.js';
import { TEST_PAYLOAD_KEYS } from '../support/payloadKeys.js';
import { healthRoutes } from '../../src/api/health.js';
import { createSql } from '../../src/db/sql.js';

const liveSql = createSql(inject('databaseUrl'));
const deadSql = createSql('postgres://nobody:nothing@127.0.0.1:1/none');
const liveTemporal = new Client({ connection: Connection.lazy({ address: inject('temporalAddress') }) });
const deadTemporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
afterAll(async () => {
  await Promise.all([liveSql.end(), deadSql.end({ timeout: 0 })]);
});

describe('GET /healthz', () => {
  it('answers 503 naming Temporal when it does not answer', async () => {
    const response = await healthRoutes({ sql: liveSql, temporal: deadTemporal }).request('/healthz');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ postgres: 'ok', temporal: 'unavailable', error: { code: 'unavailable', message: 'temporal not answering' } });
  });

  it('answers 503 naming Postgres when it does not answer', async () => {
    const response = await healthRoutes({ sql: deadSql, temporal: liveTemporal }).request('/healthz');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ postgres: 'unavailable', temporal: 'ok', error: { message: 'postgres not answering' } });
  });
});

describe('a webhook while Postgres is down', () => {
  it('answers 503 unavailable, not a 500', async () => {
    const log = pino({ level: 'silent' });
    const app = createApp({
      sql: deadSql,
      temporal: deadTemporal,
      taskQueue: 'none',
      log,
      messenger: {
        send: () => Promise.reject(new Error('unused')),
        call: () => Promise.reject(new Error('unused')),
        adoptLostText: () => Promise.reject(new Error('unused')),
        recoverLostCall: () => Promise.reject(new Error('unused')),
      },
      queueChanges: { subscribe: () => () => undefined, close: () => Promise.resolve() },
      appointmentChanges: { subscribe: () => () => undefined, close: () => Promise.resolve() },
      waitlistChanges: { subscribe: () => () => undefined, close: () => Promise.resolve() },
      messageLogChanges: { subscribe: () => () => undefined, close: () => Promise.resolve() },
      defaultCountry: 'US',
      publicBaseUrl: undefined,
      twilioAuthToken: 'token',
      adminPassword: 'a password',
      adminApiToken: 'a token that is long enough',
      payloadKeys: TEST_PAYLOAD_KEYS,
    });
    const params = { MessageSid: `SM${'1'.repeat(32)}`, From: '+13125550123', To: '+13125550100', Body: 'JOIN' };
    const response = await app.request('http://desk.test/webhooks/twilio/sms', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': twilio.getExpectedTwilioSignature('token', 'http://desk.test/webhooks/twilio/sms', params),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'unavailable' } });
  });
});
