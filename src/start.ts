/**
 * `npm start`: the whole system in one process on embedded defaults: a real PostgreSQL and the
 * Temporal dev server (with its Web UI) under DATA_DIR unless DATABASE_URL / TEMPORAL_ADDRESS point
 * elsewhere, then migrations, the worker and the HTTP API. Ctrl-C / SIGTERM stops everything, servers
 * included.
 */
import { mkdirSync } from 'node:fs';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { pino } from 'pino';
import { loadConfig, type Config } from './config.js';
import { serveApi } from './api/serveApi.js';
import { ensureMainClinic, type Clinic } from './clinics/clinics.js';
import { createSql } from './db/sql.js';
import { migrateDatabase } from './db/migrate.js';
import { ensureAdminSecrets, type AdminSecrets } from './embedded/adminSecrets.js';
import { startEmbeddedPostgres } from './embedded/postgres.js';
import { startTemporalDevServer } from './embedded/temporal.js';
import { createMessenger } from './messaging/messenger.js';
import { createSender, statusCallbackUrl } from './messaging/createSender.js';
import { runMain } from './runMain.js';
import { connectTemporalClient } from './temporal/connect.js';
import { temporalLoggerFor } from './temporal/pinoLogger.js';
import { createWorker } from './worker/createWorker.js';
import { SEARCH_ATTRIBUTE_TYPES } from './workflows/definitions.js';

/** Shutdown steps, run last-first. */
const cleanups: (() => Promise<unknown>)[] = [];
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error('shutdown step failed:', error));
  }
  process.exit(code);
}

await runMain('start', async () => {
  const config = loadConfig();
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  try {
    await startAll(config);
  } catch (error) {
    console.error('start: failed:', error instanceof Error ? error.message : error);
    await shutdown(1);
  }
});

async function startAll(config: Config): Promise<void> {
  const log = pino({ name: 'frontdesk', level: config.logLevel, transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } } });
  // This process owns its signals; the SDK's own handlers would shut the worker down behind our back.
  // The SDK's INFO lines (bundler output, worker states) would drown the demo's console: warnings only.
  Runtime.install({ shutdownSignals: [], logger: temporalLoggerFor(log.child({ component: 'temporal-sdk' }, { level: 'warn' })) });
  mkdirSync(config.dataDir, { recursive: true });
  const secrets = ensureAdminSecrets(config.dataDir, config);

  let databaseUrl = config.databaseUrl;
  if (databaseUrl === undefined) {
    const postgres = await startEmbeddedPostgres({ dataDir: config.dataDir, log: (line) => log.debug({ service: 'postgres' }, line) });
    cleanups.push(() => postgres.stop());
    databaseUrl = postgres.url;
  }
  let temporalAddress = config.temporal.address;
  let temporalUi: string | undefined;
  if (temporalAddress === undefined) {
    const temporal = await startTemporalDevServer({
      dataDir: config.dataDir,
      namespace: config.temporal.namespace,
      searchAttributes: SEARCH_ATTRIBUTE_TYPES,
      log: (line) => log.debug({ service: 'temporal' }, line),
    });
    cleanups.push(() => temporal.stop());
    temporalAddress = temporal.address;
    temporalUi = temporal.uiUrl;
  }

  await migrateDatabase(databaseUrl);
  const sql = createSql(databaseUrl);
  cleanups.push(() => sql.end());
  const clinic = await ensureMainClinic(sql, config);
  const messenger = createMessenger({ sql, sender: createSender(config, log), statusCallbackUrl: statusCallbackUrl(config), log });

  const connection = await NativeConnection.connect({ address: temporalAddress });
  cleanups.push(() => connection.close());
  const worker = await createWorker({ connection, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, sql, messenger, log });
  const running = worker.run();
  cleanups.push(async () => {
    worker.shutdown();
    await running;
  });

  const temporal = await connectTemporalClient(temporalAddress, config.temporal.namespace);
  cleanups.push(() => temporal.connection.close());
  const api = await serveApi(config, { sql, temporal, messenger, log, adminPassword: secrets.adminPassword, adminApiToken: secrets.adminApiToken });
  cleanups.push(() => api.close());
  running.catch(async (error: unknown) => {
    log.error({ err: error }, 'worker stopped unexpectedly');
    await shutdown(1);
  });
  console.log(banner(config, clinic, secrets, temporalUi ?? `(external Temporal at ${temporalAddress})`));
}

function banner(config: Config, clinic: Clinic, secrets: AdminSecrets, temporalUi: string): string {
  const base = `http://localhost:${config.port}`;
  const shown = (name: AdminSecrets['generated'][number], value: string) =>
    secrets.generated.includes(name) ? `${value}   (generated; kept in ${config.dataDir}/admin-secrets.json)` : '(from configuration)';
  const signed = config.twilio.authToken !== undefined;
  const sending = config.twilio.provider === 'twilio';
  return [
    '',
    `Frontdesk is running for ${clinic.name}.`,
    `  API:           ${base}`,
    `  Board:         ${base}/admin/board`,
    `  Kiosk:         ${base}/kiosk`,
    `  Temporal UI:   ${temporalUi}`,
    `  Password:      ${shown('ADMIN_PASSWORD', secrets.adminPassword)}`,
    `  API token:     ${shown('ADMIN_API_TOKEN', secrets.adminApiToken)}`,
    `  Messaging:     ${sending ? 'twilio' : `console: outbound texts are printed and kept in the message log (clinic number ${clinic.smsNumber})`}`,
    `  Webhooks:      ${signed ? `X-Twilio-Signature checked against ${config.publicBaseUrl ?? 'the URL each request was sent to (no PUBLIC_BASE_URL)'}` : 'unsigned requests are accepted from this machine only (no TWILIO_AUTH_TOKEN)'}`,
    signed
      ? ''
      : `  Try:           curl -s ${base}/webhooks/twilio/sms -d From=%2B13125550123 -d To=${encodeURIComponent(clinic.smsNumber ?? '')} -d Body=JOIN -d MessageSid=SM$(openssl rand -hex 16)`,
    'Press Ctrl-C to stop.',
  ].join('\n');
}
