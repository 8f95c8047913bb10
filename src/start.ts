/**
 * `npm start`: the whole system in one process on embedded defaults: a real PostgreSQL and the
 * Temporal dev server (with its Web UI) under DATA_DIR unless DATABASE_URL / TEMPORAL_ADDRESS point
 * elsewhere, then migrations, the worker, the retention schedule and the HTTP API. Ctrl-C / SIGTERM stops everything, servers
 * included, within 10 s even with a task stuck (src/shutdown.ts); a second signal stops at once.
 */
import { mkdirSync } from 'node:fs';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { pino } from 'pino';
import { patientSafeLogOptions } from './logger.js';
import { loadConfig, temporalTarget, type Config } from './config.js';
import { serveApi } from './api/serveApi.js';
import { ensureMainClinic, type Clinic } from './clinics/clinics.js';
import { createSql } from './db/sql.js';
import { migrateDatabase } from './db/migrate.js';
import { ensureAdminSecrets, type AdminSecrets } from './embedded/adminSecrets.js';
import { ensurePayloadKeys } from './embedded/payloadKey.js';
import { startEmbeddedPostgres } from './embedded/postgres.js';
import { startTemporalDevServer } from './embedded/temporal.js';
import { createMessengerFor } from './messaging/createSender.js';
import { runMain } from './runMain.js';
import { createShutdown } from './shutdown.js';
import { connectTemporalClient, temporalConnectionOptions, type TemporalTarget } from './temporal/connect.js';
import { temporalLoggerFor } from './temporal/pinoLogger.js';
import { ensureRetentionSchedule } from './retention/retentionSchedule.js';
import { createWorker, WORKER_SHUTDOWN_FORCE_MS } from './worker/createWorker.js';
import { SEARCH_ATTRIBUTE_TYPES } from './workflows/definitions.js';

// Everything stops within 10 s of a signal: each step below is bounded, and past SHUTDOWN_DEADLINE_MS
// whatever is left is abandoned, the servers are killed and the process exits 1.
const SHUTDOWN_DEADLINE_MS = 9_000;
const shutdown = createShutdown({ deadlineMs: SHUTDOWN_DEADLINE_MS, log: (line) => console.error(line) });

await runMain('start', async () => {
  const config = loadConfig();
  shutdown.handleSignals();
  const startup = startAll(config);
  shutdown.track(startup);
  try {
    await startup;
  } catch (error) {
    if (!shutdown.stopping) console.error('start: failed:', error instanceof Error ? error.message : error);
    await shutdown.stop(1);
  }
});

async function startAll(config: Config): Promise<void> {
  const log = pino({
    name: 'frontdesk',
    level: config.logLevel,
    ...patientSafeLogOptions(),
    transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname' } },
  });
  // This process owns its signals; the SDK's own handlers would shut the worker down behind our back.
  // The SDK's INFO lines (bundler output, worker states) would drown the demo's console: warnings only.
  Runtime.install({ shutdownSignals: [], logger: temporalLoggerFor(log.child({ component: 'temporal-sdk' }, { level: 'warn' })) });
  mkdirSync(config.dataDir, { recursive: true });
  const secrets = ensureAdminSecrets(config.dataDir, config);
  const { keys: payloadKeys } = ensurePayloadKeys(config.dataDir, config.payloadKeys);

  let databaseUrl = config.databaseUrl;
  let database = '(external, DATABASE_URL)';
  if (databaseUrl === undefined) {
    const postgres = await startEmbeddedPostgres({ dataDir: config.dataDir, log: (line) => log.debug({ service: 'postgres' }, line) });
    shutdown.add({ name: 'stop PostgreSQL', limitMs: 6_000, run: () => postgres.stop() }, () => postgres.kill());
    shutdown.signal.throwIfAborted();
    databaseUrl = postgres.url;
    database = `PostgreSQL on ${postgres.address}, database frontdesk; cluster in ${postgres.clusterDir} (password in ${postgres.passwordFile})`;
  }
  let temporalAddress = config.temporal.address;
  let temporalUi: string | undefined;
  let temporalShown = config.temporal.uiUrl ?? `(external Temporal at ${temporalAddress})`;
  if (temporalAddress === undefined) {
    const temporal = await startTemporalDevServer({
      dataDir: config.dataDir,
      namespace: config.temporal.namespace,
      searchAttributes: SEARCH_ATTRIBUTE_TYPES,
      codecEndpoint: `http://localhost:${config.port}/codec`,
      log: (line) => log.debug({ service: 'temporal' }, line),
      signal: shutdown.signal,
    });
    shutdown.add({ name: 'stop the Temporal server', limitMs: 4_000, run: () => temporal.stop() }, () => temporal.kill());
    temporalAddress = temporal.address;
    temporalUi = temporal.uiUrl;
    // Another Frontdesk (or Temporal) on this machine holds the usual ports: the banner says where this
    // one went (the URL itself stays a URL: the API builds links and the codec's CORS origin from it).
    const moved = temporal.movedPorts.map((m) => `${m.what} port ${m.preferred} was taken, using ${m.actual}`);
    temporalShown = moved.length > 0 ? `${temporalUi} (${moved.join('; ')}; gRPC at ${temporal.address})` : temporalUi;
  }

  shutdown.signal.throwIfAborted();
  await migrateDatabase(databaseUrl);
  const sql = createSql(databaseUrl);
  shutdown.add({ name: 'close the database pool', limitMs: 1_500, run: () => sql.end({ timeout: 1 }) });
  const clinic = await ensureMainClinic(sql, config);
  const { messenger, consoleTelephone } = createMessengerFor(config, sql, log);
  if (consoleTelephone !== undefined) shutdown.add({ name: 'hang up the console calls', limitMs: 1_000, run: () => consoleTelephone.close() });

  // An external server takes the configured API key, TLS and metadata; the embedded dev server none.
  const target: TemporalTarget =
    config.temporal.address === undefined ? { address: temporalAddress, namespace: config.temporal.namespace } : temporalTarget(config, temporalAddress);
  const temporal = await connectTemporalClient(target, payloadKeys);
  shutdown.add({ name: "close the Temporal client's connection", limitMs: 500, run: () => temporal.connection.close() });
  shutdown.signal.throwIfAborted();
  const connection = await NativeConnection.connect(temporalConnectionOptions(target));
  shutdown.add({ name: "close the worker's Temporal connection", limitMs: 500, run: () => connection.close() });
  shutdown.signal.throwIfAborted();
  const worker = await createWorker({
    connection,
    temporal,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    sql,
    messenger,
    log,
    payloadKeys,
    maxCachedWorkflows: config.workerMaxCachedWorkflows,
  });
  const running = worker.run();
  // The worker's own limits (createWorker: shutdownGraceTime, shutdownForceTime) end a stuck task;
  // this one only makes sure the rest of shutdown never waits on it longer.
  shutdown.add({
    name: 'stop the worker',
    limitMs: WORKER_SHUTDOWN_FORCE_MS + 500,
    run: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  });

  await ensureRetentionSchedule(temporal, config.temporal.taskQueue);
  const api = await serveApi(config, {
    sql,
    temporal,
    messenger,
    log,
    adminPassword: secrets.adminPassword,
    adminApiToken: secrets.adminApiToken,
    payloadKeys,
    temporalUiUrl: temporalUi,
    consoleTelephone,
  });
  shutdown.add({ name: 'close the API', limitMs: 1_500, run: () => api.close() });
  running.catch(async (error: unknown) => {
    if (shutdown.stopping) return; // the 'stop the worker' step reports it
    log.error({ err: error }, 'worker stopped unexpectedly');
    await shutdown.stop(1);
  });
  console.log(banner(config, clinic, secrets, temporalShown, database));
}

function banner(config: Config, clinic: Clinic, secrets: AdminSecrets, temporalUi: string, database: string): string {
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
    `  Database:      ${database}`,
    `  Password:      ${shown('ADMIN_PASSWORD', secrets.adminPassword)}`,
    `  API token:     ${shown('ADMIN_API_TOKEN', secrets.adminApiToken)}`,
    `  Messaging:     ${sending ? 'twilio' : `console: outbound texts go to the message log, shown on ${base}/admin/phone (clinic number ${clinic.smsNumber})`}`,
    `  Webhooks:      ${signed ? `X-Twilio-Signature checked against ${config.publicBaseUrl ?? 'the URL each request was sent to (no PUBLIC_BASE_URL)'}` : 'unsigned requests are accepted from this machine only (no TWILIO_AUTH_TOKEN)'}`,
    signed
      ? ''
      : `  Try:           curl -s ${base}/webhooks/twilio/sms -d From=%2B13125550123 -d To=${encodeURIComponent(clinic.smsNumber ?? '')} -d Body=JOIN -d MessageSid=SM$(openssl rand -hex 16)`,
    'Press Ctrl-C to stop.',
  ].join('\n');
}
