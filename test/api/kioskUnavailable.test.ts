/**
 * The kiosk while Temporal or Postgres does not answer: a page sending visitors to the front desk,
 * never the JSON error.
 */
import { pino } from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { TEST_PAYLOAD_KEYS } from '../support/payloadKeys.js';
import type { Sql } from '../../src/db/sql.js';
import { createSql } from '../../src/db/sql.js';
import { createTestClinic } from '../support/clinic.js';
import { unreachableTemporal } from '../support/temporalDown.js';

const liveSql = createSql(inject('databaseUrl'));
const deadSql = createSql('postgres://nobody:nothing@127.0.0.1:1/none');
const deadTemporal = unreachableTemporal();
afterAll(async () => {
  await Promise.all([liveSql.end(), deadSql.end({ timeout: 0 }), deadTemporal.connection.close()]);
});

const NOTICE = 'We can&#39;t print tickets right now. Please ask at the front desk.';

function kioskApp(sql: Sql) {
  return createApp({
    sql,
    temporal: deadTemporal,
    taskQueue: 'none',
    log: pino({ level: 'silent' }),
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
    twilioAuthToken: undefined,
    adminPassword: 'a password',
    adminApiToken: 'a token that is long enough',
    payloadKeys: TEST_PAYLOAD_KEYS,
  });
}

describe('a visitor at the kiosk while the line cannot be joined', () => {
  it('is sent to the front desk when Temporal does not answer, and the kiosk returns to its start', async () => {
    const { clinic } = await createTestClinic(liveSql);
    const app = kioskApp(liveSql);
    const home = await app.request(`/kiosk?clinic=${clinic.slug}`);
    expect(home.status).toBe(200);
    const nonce = /name="nonce" value="([0-9a-f-]{36})"/.exec(await home.text())![1]!;

    const response = await app.request(`/kiosk/join?clinic=${clinic.slug}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' },
      body: new URLSearchParams({ nonce }).toString(),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain('text/html');
    const page = await response.text();
    expect(page).toContain(NOTICE);
    expect(page).toContain(`<main class="kiosk" data-return-url="/kiosk?clinic=${clinic.slug}" data-return-seconds="30">`);
    expect(page).toMatch(/<script src="\/admin\/assets\/kiosk\.js\?v=[0-9a-f]{12}" defer><\/script>/);
    expect(await liveSql`select 1 from tickets where clinic_id = ${clinic.id}`).toHaveLength(0);
  });

  it('sees the same page, not an error, when Postgres does not answer', async () => {
    const response = await kioskApp(deadSql).request('/kiosk');
    expect(response.status).toBe(503);
    expect(await response.text()).toContain(NOTICE);
  });
});
