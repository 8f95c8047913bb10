/**
 * PostgreSQL stops for 10 s while patients' journeys are in flight (a timer falling due during the
 * outage) and starts again on its cluster: meanwhile `/healthz` answers 503 naming Postgres and every
 * webhook Twilio sends answers well within its 15 s; afterwards Twilio's retry of a text that came
 * during the outage is handled once, every journey ends as it would have, every row is there once.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrateDatabase } from '../../src/db/migrate.js';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../src/embedded/postgres.js';
import { fakeSid, patientPhone, patientReply, startStack, type Stack } from '../support/stack.js';
import { expectEachSendOnce, expectJourneysSettled, keptLog, startJourneys, textsTo } from './journeysInFlight.js';

/** Twilio waits 15 s for a webhook's answer, then drops it. */
const TWILIO_WAITS_MS = 15_000;
const OUTAGE_MS = 10_000;

const dataDir = path.resolve(`.data/postgres-outage-${process.pid}`);
const api = keptLog();
let postgres: EmbeddedPostgresServer | undefined;
let port: number;
let stack: Stack;

beforeAll(async () => {
  postgres = await startEmbeddedPostgres({ dataDir });
  port = Number(postgres.address.split(':')[1]);
  await migrateDatabase(postgres.url);
  stack = await startStack({ databaseUrl: postgres.url, consoleTelephone: true, log: api.log });
});
afterAll(async () => {
  await stack?.stop();
  await postgres?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  // Run as root from a clone the postgres user cannot enter, the cluster lives under /var/lib/frontdesk.
  if (postgres !== undefined && !postgres.clusterDir.startsWith(dataDir + path.sep))
    rmSync(path.dirname(postgres.clusterDir), { recursive: true, force: true });
});

/** Runs a webhook and checks it answered within Twilio's wait. */
async function answeredInTime(what: string, request: () => Response | Promise<Response>): Promise<Response> {
  const started = Date.now();
  const response = await request();
  await response.clone().text();
  expect(Date.now() - started, `${what} answered within Twilio's 15 s`).toBeLessThan(TWILIO_WAITS_MS);
  return response;
}

describe('Postgres stopped for 10 s', () => {
  it('reports itself down, answers Twilio in time, and afterwards has every row once', async () => {
    const { journeys, lastDueAt } = await startJourneys(stack);
    // The outage covers the first timer to fall due, so a worker's step meets it too.
    const firstDue = Math.min(...journeys.flatMap((j) => (j.dueAt === undefined ? [] : [j.dueAt])));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstDue - 3_000 - Date.now())));

    await postgres!.stop();
    const restartAt = Date.now() + OUTAGE_MS;

    await vi.waitFor(async () => {
      const health = await answeredInTime('/healthz', () => stack.app.request('/healthz'));
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({
        status: 'unavailable',
        postgres: 'unavailable',
        temporal: 'ok',
        error: { message: expect.stringContaining('postgres') },
      });
    });
    const latePatient = patientPhone();
    const messageSid = fakeSid();
    const duringOutage = await answeredInTime('a JOIN', () => stack.sendSms(latePatient, 'JOIN', { messageSid }));
    const status = await answeredInTime('a status callback', () => stack.sendStatus({ MessageSid: fakeSid(), MessageStatus: 'delivered' }));
    expect([duringOutage.status, status.status]).toEqual([503, 503]);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, restartAt - Date.now())));
    postgres = await startEmbeddedPostgres({ dataDir, port });
    await vi.waitFor(async () => expect((await stack.app.request('/healthz')).status).toBe(200), { timeout: 30_000 });

    // The live board hears of changes again.
    let boardHeard = 0;
    const unsubscribe = stack.queueChanges.subscribe(stack.clinic.id, () => boardHeard++);
    // Twilio's retry of the text it could not deliver during the outage: one ticket, one reply.
    const retried = await stack.sendSms(latePatient, 'JOIN', { messageSid });
    expect(await patientReply(stack, latePatient, retried)).toMatch(/your ticket is [A-Z]\d+/);
    expect(await (await stack.sendSms(latePatient, 'JOIN', { messageSid })).text()).toMatch(/your ticket is [A-Z]\d+/);
    expect(await stack.sql`select 1 from tickets where clinic_id = ${stack.clinic.id} and phone = ${latePatient}`).toHaveLength(1);
    expect(await stack.sql`select 1 from messages where provider_sid = ${messageSid}`).toHaveLength(1);
    expect((await textsTo(stack, latePatient)).map((t) => t.key)).toEqual([`reply:${messageSid}`]);
    await expect.poll(() => boardHeard).toBeGreaterThan(0);
    unsubscribe();

    await expectJourneysSettled(journeys, lastDueAt);
    await expectEachSendOnce(stack, api.output());
  }, 600_000);
});
