/**
 * PostgreSQL stops for 10 s while patients' journeys are in flight (a timer falling due during the
 * outage) and starts again on its cluster: meanwhile `/healthz` answers 503 naming Postgres and every
 * webhook Twilio sends answers well within its 15 s; afterwards Twilio's retry of a text that came
 * during the outage is handled once, every journey ends as it would have, every row is there once.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrateDatabase } from '../../src/db/migrate.js';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../src/embedded/postgres.js';
import { createMessenger } from '../../src/messaging/messenger.js';
import type { Sender } from '../../src/messaging/sender.js';
import { bookTestAppointment } from '../support/appointments.js';
import { fakeSid, patientPhone, patientReply, startStack, type Stack } from '../support/stack.js';
import { CALL_SECOND_MS, expectEachSendOnce, expectJourneysSettled, keptLog, startJourneys, textsTo } from './journeysInFlight.js';

/** Twilio waits 15 s for a webhook's answer, then drops it. */
const TWILIO_WAITS_MS = 15_000;
const OUTAGE_MS = 10_000;

const dataDir = path.resolve(`.data/postgres-outage-${process.pid}`);
const api = keptLog();
let postgres: EmbeddedPostgresServer | undefined;
let port: number;
let stack: Stack;
/** A restart under way in the background, awaited before the servers stop. */
let restarting: Promise<void> = Promise.resolve();

beforeAll(async () => {
  postgres = await startEmbeddedPostgres({ dataDir });
  port = Number(postgres.address.split(':')[1]);
  await migrateDatabase(postgres.url);
  stack = await startStack({ databaseUrl: postgres.url, consoleTelephone: true, consoleSecondMs: CALL_SECOND_MS, log: api.log });
});
afterAll(async () => {
  await restarting.catch(() => undefined);
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

    // The live board hears of changes again: the listener makes sure of its LISTEN every 2 s.
    let boardHeard = 0;
    const unsubscribe = stack.queueChanges.subscribe(stack.clinic.id, () => boardHeard++);
    // Twilio's retry of the text it could not deliver during the outage: one ticket, one reply.
    const retried = await stack.sendSms(latePatient, 'JOIN', { messageSid });
    expect(await patientReply(stack, latePatient, retried)).toMatch(/your ticket is [A-Z]\d+/);
    expect(await (await stack.sendSms(latePatient, 'JOIN', { messageSid })).text()).toMatch(/your ticket is [A-Z]\d+/);
    expect(await stack.sql`select 1 from tickets where clinic_id = ${stack.clinic.id} and phone = ${latePatient}`).toHaveLength(1);
    expect(await stack.sql`select 1 from messages where provider_sid = ${messageSid}`).toHaveLength(1);
    expect((await textsTo(stack, latePatient)).map((t) => t.key)).toEqual([`reply:${messageSid}`]);
    await expect.poll(() => boardHeard, { timeout: 10_000 }).toBeGreaterThan(0);
    unsubscribe();

    await expectJourneysSettled(journeys, lastDueAt);
    await expectEachSendOnce(stack, api.output());
  }, 600_000);

  it('records the MessageSid and CallSid Twilio gave just as Postgres went away, and sends nothing twice', async () => {
    const phone = patientPhone();
    const goAway = async () => {
      await postgres!.stop();
      restarting = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        postgres = await startEmbeddedPostgres({ dataDir, port });
      })();
    };
    const sent: string[] = [];
    // Twilio takes the text or call, and Postgres stops before its answer is recorded.
    const sender: Sender = {
      provider: 'twilio',
      send: async () => {
        sent.push('message');
        await goAway();
        return { messageSid: fakeSid(), status: 'queued' };
      },
      call: async () => {
        sent.push('call');
        await goAway();
        return { callSid: fakeSid('CA'), status: 'queued' };
      },
    };
    const messenger = createMessenger({ sql: stack.sql, sender, callbackBaseUrl: 'https://desk.clinic.test', log: pino({ level: 'silent' }) });
    const message = { clinicId: stack.clinic.id, phone, channel: 'sms' as const, body: 'Test Clinic: hello', idempotencyKey: `test:${fakeSid()}` };
    const text = await messenger.send(message);
    await restarting;
    expect(text.outcome).toBe('sent');
    // The activity's retry finds it sent.
    expect(await messenger.send(message)).toEqual({ outcome: 'already_sent', messageSid: (text as { messageSid: string }).messageSid });

    const appointment = await bookTestAppointment(stack.sql, stack.clinic, { startsAt: Date.now() + 3 * 86_400_000, channel: 'voice' });
    const call = {
      clinicId: stack.clinic.id,
      phone,
      language: 'en',
      idempotencyKey: `test:${fakeSid()}`,
      appointmentId: appointment.appointmentId,
      deliveryKey: 'test',
    };
    const placed = await messenger.call(call);
    await restarting;
    expect(placed.outcome).toBe('placed');
    expect(await messenger.call(call)).toEqual({ outcome: 'already_placed', callSid: (placed as { callSid: string }).callSid });
    expect(sent).toEqual(['message', 'call']);
  }, 120_000);
});
