/**
 * Serves the HTTP app on `PORT` for a process that already has its connections (`npm run api`, and
 * `npm start`): registers the search attributes every journey starts with, listens for line changes,
 * and answers any message a previous process was cut off from answering.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Sql } from '../db/sql.js';
import { answerStrandedMessages } from '../inbound/answerStrandedMessages.js';
import type { Messenger } from '../messaging/messenger.js';
import { ensureSearchAttributes } from '../temporal/searchAttributes.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../workflows/definitions.js';
import { createApp } from './app.js';
import { createQueueChangeHub } from './queueChangeHub.js';

/** The connections and secrets the API runs with. */
export interface ApiDeps {
  sql: Sql;
  temporal: Client;
  messenger: Messenger;
  log: Logger;
  adminPassword: string;
  adminApiToken: string;
}

/**
 * Starts serving. @returns `close()`, which stops listening and releases what this call opened (not
 * `deps`' connections).
 * @throws Error when the search attributes cannot be registered or the port is taken.
 */
export async function serveApi(config: Config, deps: ApiDeps): Promise<{ close(): Promise<void> }> {
  const { sql, temporal, messenger, log } = deps;
  const namespace = config.temporal.namespace;
  // Every journey starts with these attributes: without them no JOIN could start, so stop here.
  await ensureSearchAttributes(temporal.connection as Connection, namespace, SEARCH_ATTRIBUTE_TYPES).catch((error: unknown) => {
    throw new Error(
      `could not register the search attributes FrontdeskClinic, FrontdeskJourney, FrontdeskTicketState (Keyword) in namespace ${namespace}; register them with \`temporal operator search-attribute create\` and start again`,
      { cause: error },
    );
  });
  const queueChanges = await createQueueChangeHub(sql);
  const taskQueue = config.temporal.taskQueue;
  const app = createApp({
    sql,
    temporal,
    taskQueue,
    log,
    messenger,
    queueChanges,
    defaultCountry: config.clinic.defaultCountry,
    publicBaseUrl: config.publicBaseUrl,
    twilioAuthToken: config.twilio.authToken,
    adminPassword: deps.adminPassword,
    adminApiToken: deps.adminApiToken,
  });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, port: config.port }, () => resolve(listening));
    listening.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`PORT ${config.port} is already in use (is Frontdesk already running?)`) : error),
    );
  });
  log.info({ port: config.port }, 'api listening');
  void answerStrandedMessages({ sql, temporal, taskQueue, log, messenger }).then(
    (count) => count > 0 && log.info({ count }, 'answered messages cut off by a restart'),
  );
  return {
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await queueChanges.close();
    },
  };
}
