/**
 * Serves the HTTP app on `PORT` for a process that already has its connections (`npm run api`, and
 * `npm start`): registers the search attributes every journey starts with, listens for line changes,
 * answers any message a previous process was cut off from answering, marks `failed` the texts and
 * calls that no try is left to send, and sends again staff's aborts their offer workflows have not taken.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import type { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Sql } from '../db/sql.js';
import { SWEEP_INTERVAL_MS, answerStrandedMessages } from '../inbound/answerStrandedMessages.js';
import type { ConsoleTelephone } from '../messaging/consoleTelephone.js';
import type { Messenger } from '../messaging/messenger.js';
import { settleUnsent } from '../messaging/unsentDeliveries.js';
import { deliverRequestedAborts } from '../waitlist/abortRequests.js';
import type { PayloadKey } from '../temporal/payloadCodec.js';
import { ensureSearchAttributes } from '../temporal/searchAttributes.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../workflows/definitions.js';
import { createApp } from './app.js';
import { createAppointmentChangeHub, createMessageLogChangeHub, createQueueChangeHub, createWaitlistChangeHub } from './queueChangeHub.js';

/** Milliseconds open requests get to finish when the API closes. */
const CLOSE_GRACE_MS = 1_000;

/** The connections and secrets the API runs with. */
export interface ApiDeps {
  sql: Sql;
  temporal: Client;
  messenger: Messenger;
  log: Logger;
  adminPassword: string;
  adminApiToken: string;
  payloadKeys: readonly PayloadKey[];
  /** The embedded Temporal Web UI's URL, used when TEMPORAL_UI_URL is unset: links to workflows, and the origin that may call `/codec`. */
  temporalUiUrl?: string | undefined;
  /** The console provider's telephone, for key presses on its calls (undefined with Twilio). */
  consoleTelephone?: ConsoleTelephone | undefined;
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
  const appointmentChanges = await createAppointmentChangeHub(sql);
  const waitlistChanges = await createWaitlistChangeHub(sql);
  const messageLogChanges = await createMessageLogChangeHub(sql);
  const taskQueue = config.temporal.taskQueue;
  const app = createApp({
    sql,
    temporal,
    taskQueue,
    log,
    messenger,
    queueChanges,
    appointmentChanges,
    waitlistChanges,
    messageLogChanges,
    defaultCountry: config.clinic.defaultCountry,
    publicBaseUrl: config.publicBaseUrl,
    trustProxy: config.trustProxy,
    twilioAuthToken: config.twilio.authToken,
    adminPassword: deps.adminPassword,
    adminApiToken: deps.adminApiToken,
    payloadKeys: deps.payloadKeys,
    // TEMPORAL_UI_URL, when set, is how staff's browsers reach the UI (a proxy, another host): it wins.
    temporalUiUrl: config.temporal.uiUrl ?? deps.temporalUiUrl,
    temporalNamespace: config.temporal.namespace,
    consoleTelephone: deps.consoleTelephone,
  });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, port: config.port }, () => resolve(listening));
    listening.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`PORT ${config.port} is already in use (is Frontdesk already running?); set PORT to a free port, e.g. PORT=3001`)
          : error,
      ),
    );
  });
  log.info({ port: config.port }, 'api listening');
  // At start and then every SWEEP_INTERVAL_MS: texts owed to patients that a restart, an outage or a
  // provider error kept from them, then texts and calls that no try is left to send, marked so for staff, then
  // staff's aborts that their offer workflows have not taken yet, sent again. A failed sweep (Postgres
  // away) is logged and tried again next time.
  const sweep = () =>
    answerStrandedMessages({ sql, temporal, taskQueue, log, messenger })
      .then(
        (count) => count > 0 && log.info({ count }, 'answered or resent replies that had not reached patients'),
        (error: unknown) => log.error({ err: error }, 'reply sweep failed; trying again later'),
      )
      .then(async () => ({ texts: await settleUnsent(sql, 'messages'), calls: await settleUnsent(sql, 'calls') }))
      .then(
        ({ texts, calls }) => texts + calls > 0 && log.warn({ texts, calls }, 'texts and calls the provider never took, with no try left, marked failed'),
        (error: unknown) => log.error({ err: error }, 'unsent-delivery sweep failed; trying again later'),
      )
      .then(() => deliverRequestedAborts({ sql, temporal, log }))
      .then(
        (count) => count > 0 && log.info({ count }, 'recorded aborts taken by their offer workflows'),
        (error: unknown) => log.error({ err: error }, 'abort sweep failed; trying again later'),
      );
  void sweep();
  const sweeping = setInterval(() => void sweep(), SWEEP_INTERVAL_MS);
  sweeping.unref();
  return {
    close: async () => {
      clearInterval(sweeping);
      // Open requests (a staff move waiting on a stuck workflow, the board's event streams) would keep
      // close() waiting: idle connections go at once, the rest after a second.
      const closed = new Promise((resolve) => server.close(resolve));
      const http = server as Server;
      http.closeIdleConnections();
      const cut = setTimeout(() => http.closeAllConnections(), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(cut);
      await queueChanges.close();
      await appointmentChanges.close();
      await waitlistChanges.close();
      await messageLogChanges.close();
    },
  };
}
