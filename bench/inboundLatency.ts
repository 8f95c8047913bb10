/**
 * `npm run bench`: how long a patient waits for Frontdesk's answer, per kind of text, on the real
 * stack (embedded PostgreSQL, Temporal dev server, worker) in one process. Every figure is printed
 * against a baseline measured in the same run: HELP, which is the webhook's fixed cost (signature
 * check, message log, TwiML) with no Temporal round trip and no queue read.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { pino } from 'pino';
import twilio from 'twilio';
import { createApp } from '../src/api/app.js';
import { createQueueChangeHub } from '../src/api/queueChangeHub.js';
import { getClinicBySlug } from '../src/clinics/clinics.js';
import { createSql } from '../src/db/sql.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { startEmbeddedPostgres } from '../src/embedded/postgres.js';
import { startTemporalDevServer } from '../src/embedded/temporal.js';
import { createConsoleSender } from '../src/messaging/consoleSender.js';
import { createMessenger } from '../src/messaging/messenger.js';
import { connectTemporalClient } from '../src/temporal/connect.js';
import { generatePayloadKey, parsePayloadKeys } from '../src/temporal/payloadCodec.js';
import { createWorker } from '../src/worker/createWorker.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../src/workflows/definitions.js';
import { freePort } from '../test/support/freePort.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 150);
const PUBLIC_BASE_URL = 'https://desk.bench.test';
const log = pino({ level: 'silent' });
Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });

const dataDir = mkdtempSync(path.join(tmpdir(), 'frontdesk-bench-'));
chmodSync(dataDir, 0o755); // PostgreSQL runs as the `postgres` user, which must reach its data folder
const postgres = await startEmbeddedPostgres({ dataDir });
const temporalServer = await startTemporalDevServer({
  dataDir,
  port: await freePort(),
  uiPort: await freePort(),
  namespace: 'default',
  searchAttributes: SEARCH_ATTRIBUTE_TYPES,
});
await migrateDatabase(postgres.url);
const sql = createSql(postgres.url);
const clinicNumber = '+12025550100';
const [row] = await sql`insert into clinics (slug, name, timezone, closing_time) values ('bench', 'Bench Clinic', 'Etc/UTC', '23:59:59') returning id`;
await sql`insert into clinic_numbers (address, clinic_id, channel) values (${clinicNumber}, ${row!.id}, 'sms')`;
const clinic = await getClinicBySlug(sql, 'bench');

// Encrypted as in production: the codec's cost is part of what a patient waits for.
const payloadKeys = parsePayloadKeys(generatePayloadKey());
const messenger = createMessenger({ sql, sender: createConsoleSender(log), callbackBaseUrl: undefined, log });
const connection = await NativeConnection.connect({ address: temporalServer.address });
const worker = await createWorker({ connection, namespace: 'default', taskQueue: 'bench', sql, messenger, log, payloadKeys });
const running = worker.run();
const temporal = await connectTemporalClient({ address: temporalServer.address, namespace: 'default' }, payloadKeys);
const queueChanges = await createQueueChangeHub(sql);
const authToken = randomBytes(16).toString('hex');
const adminApiToken = randomBytes(16).toString('hex');
const app = createApp({
  sql,
  temporal,
  taskQueue: 'bench',
  log,
  messenger,
  queueChanges,
  defaultCountry: 'US',
  publicBaseUrl: PUBLIC_BASE_URL,
  twilioAuthToken: authToken,
  adminPassword: 'bench-password',
  adminApiToken,
  payloadKeys,
});

let line = 0;
const newPhone = () => `+1312${String(2_000_000 + line++).padStart(7, '0')}`;
async function text(from: string, body: string): Promise<string> {
  const params = { MessageSid: `SM${randomBytes(16).toString('hex')}`, From: from, To: clinicNumber, Body: body };
  const response = await app.request('/webhooks/twilio/sms', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': twilio.getExpectedTwilioSignature(authToken, `${PUBLIC_BASE_URL}/webhooks/twilio/sms`, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  return response.text();
}

/** Median and 95th percentile of `rounds` sequential runs of `once`, in ms (after 10 warm-up runs). */
async function measure(rounds: number, once: (i: number) => Promise<unknown>): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < 10; i++) await once(-1 - i);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await once(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, p95: times[Math.floor(times.length * 0.95)]! };
}

const results: [string, { median: number; p95: number }][] = [];
const baselinePhone = newPhone();
results.push(['HELP (baseline)', await measure(ROUNDS, () => text(baselinePhone, 'HELP'))]);

const joinPhones: string[] = [];
results.push([
  'JOIN (update-with-start, new ticket)',
  await measure(ROUNDS, async () => {
    const phone = newPhone();
    joinPhones.push(phone);
    await text(phone, 'JOIN');
  }),
]);
const open = await sql`select count(*)::int as n from tickets where clinic_id = ${clinic.id} and state = 'waiting'`;
const someone = joinPhones.at(-1)!;
results.push([`STATUS with ${open[0]!.n} in line`, await measure(ROUNDS, () => text(someone, 'STATUS'))]);
const codes = (await sql`select code from tickets where clinic_id = ${clinic.id} and state = 'waiting' order by joined_at`).map((r) => r.code as string);
results.push([
  'staff "Call next" (update, JSON API)',
  await measure(Math.min(ROUNDS, codes.length - 10), async (i) => {
    const code = codes[i < 0 ? -1 - i : i + 10]!;
    await app.request(`/api/tickets/${code}/state?clinic=bench`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminApiToken}`, 'Content-Type': 'application/json' },
      body: '{"state":"next"}',
    });
  }),
]);

const base = results[0]![1].median;
console.log(`\nFrontdesk inbound latency, ${ROUNDS} sequential requests each, in-process (node ${process.version})\n`);
console.log(`${'scenario'.padEnd(40)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(8)} ${'× baseline'.padStart(11)}`);
for (const [name, r] of results) {
  console.log(`${name.padEnd(40)} ${r.median.toFixed(1).padStart(10)} ${r.p95.toFixed(1).padStart(8)} ${(r.median / base).toFixed(2).padStart(11)}`);
}
console.log(`\nRSS after the run: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);

worker.shutdown();
await running;
await queueChanges.close();
await temporal.connection.close();
await connection.close();
await sql.end();
await temporalServer.stop();
await postgres.stop();
rmSync(dataDir, { recursive: true, force: true });
