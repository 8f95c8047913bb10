/**
 * The stack the benchmark measures, laid out as in production and started as `npm start` starts its
 * servers: an embedded PostgreSQL and a Temporal dev server (src/embedded), then `npm run worker`
 * (src/worker/main.ts) and `npm run api` (src/api/server.ts) as their own processes on real ports,
 * configured through the environment alone, and the floors' process (floorProcess.ts). Everything
 * lives in a temporary folder that `stop()` removes; src/shutdown.ts stops it all on Ctrl-C too. With
 * BENCH_TEMPORAL_ADDRESS a Temporal server the caller runs takes the dev server's place.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { Pool } from 'undici';
import { migrateDatabase } from '../src/db/migrate.js';
import { createSql, type Sql } from '../src/db/sql.js';
import { startEmbeddedPostgres } from '../src/embedded/postgres.js';
import { startTemporalDevServer } from '../src/embedded/temporal.js';
import { createShutdown, type Shutdown } from '../src/shutdown.js';
import { connectTemporalClient } from '../src/temporal/connect.js';
import { generatePayloadKey, parsePayloadKeys } from '../src/temporal/payloadCodec.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../src/workflows/definitions.js';
import { freePort } from '../test/support/freePort.js';
import { PUBLIC_BASE_URL } from '../test/support/twilioWebhooks.js';
import { FLOOR_TASK_QUEUE } from './floorWorkflow.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TASK_QUEUE = 'frontdesk';
const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 5_000;

/** The clinic's number patients text (a fictional 555 number). */
export const CLINIC_NUMBER = '+12025550100';

/** A running benchmark stack. */
export interface BenchStack {
  /** The API's origin, `http://127.0.0.1:<port>`. */
  apiOrigin: string;
  /** HTTP connections to the API, as many as the highest concurrency asks for. */
  api: Pool;
  /** HTTP connections to the floor's bare Hono route. */
  floorHttp: Pool;
  /** postgres.js on the stack's database (the benchmark's checks, and the `select 1` floor). */
  sql: Sql;
  /** Frontdesk's client (payload codec on), for counting and reading workflows. */
  temporal: Client;
  /** A plain client (no codec) for the floor workflows. */
  floorTemporal: Client;
  adminApiToken: string;
  twilioAuthToken: string;
  /** The process ids of the Temporal server, the worker, the API, PostgreSQL's postmaster and the floors' process. */
  pids: { temporal: number; worker: number; api: number; postgres: number; floor: number };
  /** Stops everything and exits the process with `code`. */
  stop(code: number): Promise<never>;
}

/** The Node flags `npm run worker` runs the worker with (package.json: its heap limit), so the benchmark's worker is production's. */
const WORKER_NODE_FLAGS =
  (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.worker!.match(/--[\w-]+=\S+/g) ?? [];
/** The clinic's time zone for this run: one where it is about noon now, so no day boundary falls in the run. */
function middayZone(now = new Date()): string {
  const offset = ((12 - now.getUTCHours() + 36) % 24) - 12;
  return offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/**
 * Starts the stack. `logDir` receives each process's output (`api.log`, `worker.log`, `floor.log`);
 * `maxCachedWorkflows` goes to the worker as WORKER_MAX_CACHED_WORKFLOWS; `connections` sizes the pools;
 * `temporalArgs` are more flags for the dev server; `cpuProfile` has the worker and the API write V8 CPU
 * profiles there when they stop.
 */
export async function startBenchStack(opts: {
  logDir: string;
  maxCachedWorkflows: number | undefined;
  connections: number;
  temporalArgs: readonly string[];
  /** A running Temporal server to measure on instead of the embedded dev server (see BENCH_TEMPORAL_ADDRESS). */
  externalTemporal?: { address: string; pid: number } | undefined;
  cpuProfile: boolean;
}): Promise<BenchStack> {
  const shutdown = createShutdown({ deadlineMs: 20_000, log: (line) => console.error(line) });
  shutdown.handleSignals();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'frontdesk-bench-'));
  chmodSync(dataDir, 0o755); // PostgreSQL runs as the `postgres` user, which must reach its data folder
  shutdown.add({ name: 'remove the data folder', limitMs: 5_000, run: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })) });
  mkdirSync(opts.logDir, { recursive: true });

  const postgres = await startEmbeddedPostgres({ dataDir });
  shutdown.add({ name: 'stop PostgreSQL', limitMs: 6_000, run: () => postgres.stop() }, () => postgres.kill());
  // An external server is the caller's to start and stop; the API registers the search attributes on it.
  const temporalServer = opts.externalTemporal ?? (await startDevServer(dataDir, opts.temporalArgs, shutdown));
  await migrateDatabase(postgres.url);

  const payloadKey = generatePayloadKey();
  const adminApiToken = randomBytes(24).toString('hex');
  const twilioAuthToken = randomBytes(16).toString('hex');
  const apiPort = await freePort();
  const floorPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: temporalServer.address,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    PAYLOAD_ENCRYPTION_KEY: payloadKey,
    ADMIN_PASSWORD: randomBytes(12).toString('hex'),
    ADMIN_API_TOKEN: adminApiToken,
    // A signing token without an account SID: signed webhooks, texts on the console provider.
    TWILIO_AUTH_TOKEN: twilioAuthToken,
    TWILIO_PHONE_NUMBER: CLINIC_NUMBER,
    PUBLIC_BASE_URL,
    PORT: String(apiPort),
    CLINIC_TIMEZONE: middayZone(),
    CONTACT_HOURS_START: '00:00',
    CONTACT_HOURS_END: '23:59',
    LOG_LEVEL: 'warn',
    FLOOR_PORT: String(floorPort),
    ...(opts.maxCachedWorkflows === undefined ? {} : { WORKER_MAX_CACHED_WORKFLOWS: String(opts.maxCachedWorkflows) }),
  };
  const launch = (name: string, script: string, profiled = false, nodeFlags: readonly string[] = []): ChildProcess => {
    // One folder per process: its main thread, tsx's loader thread and the worker's workflow threads each write a profile.
    const profile = profiled && opts.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(opts.logDir, `${name}-cpu-profiles`)}`] : [];
    const child = spawn(process.execPath, [...nodeFlags, ...profile, '--import', 'tsx', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = createWriteStream(path.join(opts.logDir, `${name}.log`));
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const gone = () => child.exitCode !== null || child.signalCode !== null;
    shutdown.add(
      {
        name: `stop the ${name} process`,
        limitMs: STOP_GRACE_MS + 1_000,
        run: async () => {
          if (gone()) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          await exited;
          clearTimeout(timer);
        },
      },
      async () => {
        if (!gone()) child.kill('SIGKILL');
        await exited;
      },
    );
    return child;
  };
  // The migrations ran above, so the worker's and the API's own runs find nothing to do.
  const worker = launch('worker', 'src/worker/main.ts', true, WORKER_NODE_FLAGS);
  const apiProcess = launch('api', 'src/api/server.ts', true);
  const floorProcess = launch('floor', 'bench/floorProcess.ts');

  const sql = createSql(postgres.url);
  shutdown.add({ name: 'close the database pool', limitMs: 1_500, run: () => sql.end({ timeout: 1 }) });
  const temporal = await connectTemporalClient({ address: temporalServer.address, namespace: 'default' }, parsePayloadKeys(payloadKey));
  const floorTemporal = new Client({ connection: await Connection.connect({ address: temporalServer.address }) });
  shutdown.add({ name: 'close the Temporal clients', limitMs: 1_000, run: () => Promise.all([temporal.connection.close(), floorTemporal.connection.close()]) });
  const apiOrigin = `http://127.0.0.1:${apiPort}`;
  const api = new Pool(apiOrigin, { connections: opts.connections });
  const floorHttp = new Pool(`http://127.0.0.1:${floorPort}`, { connections: opts.connections });
  shutdown.add({ name: 'close the HTTP pools', limitMs: 1_000, run: () => Promise.all([api.close(), floorHttp.close()]) });

  await waitUntil(
    'the API answers /healthz',
    async () => (await api.request({ method: 'GET', path: '/healthz' }).then((r) => r.body.dump().then(() => r.statusCode))) === 200,
    [worker, apiProcess],
  );
  await waitUntil('the worker polls', () => hasPoller(temporal, TASK_QUEUE), [worker]);
  await waitUntil('the floor worker polls', () => hasPoller(temporal, FLOOR_TASK_QUEUE), []);

  return {
    apiOrigin,
    api,
    floorHttp,
    sql,
    temporal,
    floorTemporal,
    adminApiToken,
    twilioAuthToken,
    pids: { temporal: temporalServer.pid, worker: worker.pid!, api: apiProcess.pid!, postgres: postgres.pid, floor: floorProcess.pid! },
    stop: (code) => shutdown.stop(code),
  };
}

/** The embedded dev server (as `npm start` runs it) on free ports, stopped with the stack. */
async function startDevServer(dataDir: string, extraArgs: readonly string[], shutdown: Shutdown): Promise<{ address: string; pid: number }> {
  const server = await startTemporalDevServer({
    dataDir,
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    searchAttributes: SEARCH_ATTRIBUTE_TYPES,
    extraArgs,
  });
  shutdown.add({ name: 'stop the Temporal server', limitMs: 4_000, run: () => server.stop() }, () => server.kill());
  return server;
}

async function hasPoller(client: Client, taskQueue: string): Promise<boolean> {
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: taskQueue },
    taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return pollers.length > 0;
}

async function waitUntil(what: string, check: () => Promise<boolean>, children: ChildProcess[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
    if (dead !== undefined) throw new Error(`waiting until ${what}: a process exited (${dead.exitCode ?? dead.signalCode}); see its log`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${READY_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
