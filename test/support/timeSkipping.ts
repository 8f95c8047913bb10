/**
 * Workflows in Temporal's time-skipping test server: the clock moves only when a test says so
 * (`env.sleep('5 minutes')`). The server skips on its own only while the testing package's own client
 * (`env.client`, a TimeSkippingWorkflowClient) awaits a workflow result; `temporal` below is a plain
 * client (it carries the payload codec), so its `handle.result()` waits in real time for whatever
 * timer the workflow still has (e.g. a sent text's 30-minute wait for its delivery receipt): move the
 * clock past it first, or end the wait (signal the receipt).
 * A worker runs the real workflow bundle and the real activities on the shared test Postgres, on its
 * own task queue, for a fresh clinic. The standalone server binary comes from
 * `resolveTemporalTestServer` (TEMPORAL_TEST_SERVER_PATH, PATH, or `.tools/temporal/bin`).
 *
 * Time skipping is global to one server: each test file gets its own (one per `startTimeSkipping`).
 */
import { fileURLToPath } from 'node:url';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { pino, type Logger } from 'pino';
import { inject } from 'vitest';
import type { Clinic } from '../../src/clinics/clinics.js';
import { createSql, type Sql } from '../../src/db/sql.js';
import { resolveTemporalTestServer } from '../../src/embedded/binaries.js';
import { createConsoleSender } from '../../src/messaging/consoleSender.js';
import { createMessenger, type Messenger } from '../../src/messaging/messenger.js';
import type { Sender } from '../../src/messaging/sender.js';
import { createDataConverter } from '../../src/temporal/dataConverter.js';
import { TEST_PAYLOAD_KEYS } from './payloadKeys.js';
import { createWorker, WORKFLOWS_PATH } from '../../src/worker/createWorker.js';
import { createTestClinic } from './clinic.js';
import { silentSdkLogger } from './silentSdkLogger.js';

/**
 * The standalone time-skipping server cannot register custom search attributes (it has no
 * OperatorService), so journeys start unindexed there; the dev-server tests (stack.ts) cover indexing.
 * This client interceptor drops them (typed; the untyped option is deprecated and unused) from every
 * start, update-with-start and signal-with-start.
 */
export const stripSearchAttributes: WorkflowClientInterceptor = {
  startWithDetails: (input, next) => next({ ...input, options: { ...input.options, typedSearchAttributes: undefined } }),
  signalWithStart: (input, next) => next({ ...input, options: { ...input.options, typedSearchAttributes: undefined } }),
  startUpdateWithStart: (input, next) => next({ ...input, workflowStartOptions: { ...input.workflowStartOptions, typedSearchAttributes: undefined } }),
};

/** Options of a time-skipping environment. */
export interface TimeSkippingOptions {
  /** The outbound provider; default the console sender (texts land in the message log only). */
  sender?: Sender;
  /** Our public address, for StatusCallback and call URLs handed to the provider; default none (no receipts, no calls). */
  callbackBaseUrl?: string;
  /** Passed to createTestClinic. */
  roomsOpen?: number;
  closingTime?: string;
}

/** A running time-skipping environment with its worker; `stop()` in afterAll. */
export interface TimeSkipping {
  env: TestWorkflowEnvironment;
  /** A client on the test server with `stripSearchAttributes` installed: use it to start workflows. */
  temporal: Client;
  sql: Sql;
  clinic: Clinic;
  clinicNumber: string;
  taskQueue: string;
  messenger: Messenger;
  log: Logger;
  stop(): Promise<void>;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Starts a time-skipping server, a fresh clinic and a worker on the real activities. */
export async function startTimeSkipping(options: TimeSkippingOptions = {}): Promise<TimeSkipping> {
  const path = resolveTemporalTestServer();
  const env = await TestWorkflowEnvironment.createTimeSkipping(path === undefined ? {} : { server: { executable: { type: 'existing-path', path } } });
  const sql = createSql(inject('databaseUrl'));
  const { clinic, clinicNumber } = await createTestClinic(sql, {
    ...(options.roomsOpen === undefined ? {} : { roomsOpen: options.roomsOpen }),
    ...(options.closingTime === undefined ? {} : { closingTime: options.closingTime }),
  });
  const taskQueue = `time-skipping-${clinic.slug}`;
  const namespace = env.namespace ?? 'default';
  const log = pino({ level: 'silent' });
  const messenger = createMessenger({ sql, sender: options.sender ?? createConsoleSender(log), callbackBaseUrl: options.callbackBaseUrl, log });
  bundle ??= bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: [fileURLToPath(new URL('./stripChildSearchAttributes.ts', import.meta.url))],
    logger: silentSdkLogger,
  });
  const temporal = new Client({
    connection: env.connection,
    namespace,
    dataConverter: createDataConverter(TEST_PAYLOAD_KEYS),
    interceptors: { workflow: [stripSearchAttributes] },
  });
  const worker: Worker = await createWorker({
    connection: env.nativeConnection,
    temporal,
    namespace,
    taskQueue,
    sql,
    messenger,
    log,
    payloadKeys: TEST_PAYLOAD_KEYS,
    workflowBundle: await bundle,
  });
  const running = worker.run();
  return {
    env,
    temporal,
    sql,
    clinic,
    clinicNumber,
    taskQueue,
    messenger,
    log,
    stop: async () => {
      worker.shutdown();
      await running;
      await env.teardown();
      await sql.end();
    },
  };
}
