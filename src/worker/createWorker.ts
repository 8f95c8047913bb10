/**
 * The Temporal worker: runs the ticket workflows, appointment chains, waitlist offer workflows and
 * retention purges and their activities on the task queue.
 */
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.js';
import type { Messenger } from '../messaging/messenger.js';
import { createTicketActivities } from '../activities/tickets.js';
import { createMessagingActivities } from '../activities/messaging.js';
import { createAppointmentActivities } from '../activities/appointments.js';
import { createPromptActivities } from '../activities/prompts.js';
import { createOfferActivities } from '../activities/offers.js';
import { createRetentionActivities } from '../activities/retention.js';
import { createDataConverter } from '../temporal/dataConverter.js';
import type { PayloadKey } from '../temporal/payloadCodec.js';

/** Path of the workflows' entry module, for the worker's bundler. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** What a worker needs. `workflowBundle` (tests) skips bundling the workflow code again. */
export interface WorkerDeps {
  connection: NativeConnection;
  /** A client on the same namespace, with the same payload keys: activities that start workflows use it. */
  temporal: Client;
  namespace: string;
  taskQueue: string;
  sql: Sql;
  messenger: Messenger;
  log: Logger;
  /** Keys of the payload codec (first = current): the same as the clients'. */
  payloadKeys: readonly PayloadKey[];
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Temporal's `maxCachedWorkflows` (WORKER_MAX_CACHED_WORKFLOWS); undefined: the SDK's default. */
  maxCachedWorkflows?: number | undefined;
}

/**
 * How long a workflow task waits for the worker that has the workflow cached before any worker may
 * take it. Temporal's default is 10 s: after a worker dies, a patient's keypad answer (whose update has
 * VOICE_UPDATE_DEADLINE_MS, 8 s, within Twilio's 15 s) would wait that long; 3 s lets another worker
 * replay the workflow and answer in time. A busy live worker seldom needs more than 3 s to pick a task up.
 */
export const STICKY_QUEUE_SCHEDULE_TO_START = '3 seconds';
/** Milliseconds tasks in flight may go on after `worker.shutdown()` before they are cancelled. */
export const WORKER_SHUTDOWN_GRACE_MS = 1_000;
/** Milliseconds after `worker.shutdown()` at which `run()` gives up waiting for tasks and rejects. */
export const WORKER_SHUTDOWN_FORCE_MS = 3_000;

/**
 * Creates (does not run) a worker; `worker.run()` polls until `worker.shutdown()`, then settles within
 * WORKER_SHUTDOWN_FORCE_MS even if an activity ignores cancellation (it rejects with
 * GracefulShutdownPeriodExpiredError then).
 */
export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    shutdownGraceTime: WORKER_SHUTDOWN_GRACE_MS,
    stickyQueueScheduleToStartTimeout: STICKY_QUEUE_SCHEDULE_TO_START,
    shutdownForceTime: WORKER_SHUTDOWN_FORCE_MS,
    dataConverter: createDataConverter(deps.payloadKeys),
    ...(deps.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: deps.maxCachedWorkflows }),
    ...(deps.workflowBundle === undefined ? { workflowsPath: WORKFLOWS_PATH } : { workflowBundle: deps.workflowBundle }),
    activities: {
      ...createTicketActivities({ sql: deps.sql }),
      ...createMessagingActivities({ sql: deps.sql, messenger: deps.messenger }),
      ...createAppointmentActivities({ sql: deps.sql, messenger: deps.messenger }),
      ...createPromptActivities({ sql: deps.sql }),
      ...createOfferActivities({ sql: deps.sql, messenger: deps.messenger, temporal: deps.temporal, taskQueue: deps.taskQueue }),
      ...createRetentionActivities({ sql: deps.sql }),
    },
  });
}
