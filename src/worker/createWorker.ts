/**
 * The Temporal worker: runs the ticket workflows and their activities on the task queue.
 */
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.js';
import type { Messenger } from '../messaging/messenger.js';
import { createTicketActivities } from '../activities/tickets.js';
import { createMessagingActivities } from '../activities/messaging.js';

/** Path of the workflows' entry module, for the worker's bundler. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** What a worker needs. `workflowBundle` (tests) skips bundling the workflow code again. */
export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  sql: Sql;
  messenger: Messenger;
  log: Logger;
  workflowBundle?: WorkflowBundleWithSourceMap;
}

/** Creates (does not run) a worker; `worker.run()` polls until `worker.shutdown()`. */
export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    ...(deps.workflowBundle === undefined ? { workflowsPath: WORKFLOWS_PATH } : { workflowBundle: deps.workflowBundle }),
    activities: {
      ...createTicketActivities({ sql: deps.sql }),
      ...createMessagingActivities({ sql: deps.sql, messenger: deps.messenger }),
    },
  });
}
