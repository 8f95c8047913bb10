/**
 * `npm run api`: the HTTP API against DATABASE_URL and TEMPORAL_ADDRESS (the only place besides the
 * embedded start that calls `serve()`). SIGINT/SIGTERM close it.
 */
import { serve } from '@hono/node-server';
import { ConfigError, loadConfig, requireServices } from '../config.js';
import { ensureMainClinic } from '../clinics/clinics.js';
import { createSql } from '../db/sql.js';
import { migrateDatabase } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import { createMessenger } from '../messaging/messenger.js';
import { createSender, statusCallbackUrl } from '../messaging/createSender.js';
import { answerStrandedMessages } from '../inbound/answerStrandedMessages.js';
import { runMain } from '../runMain.js';
import type { Connection } from '@temporalio/client';
import { connectTemporalClient } from '../temporal/connect.js';
import { ensureSearchAttributes } from '../temporal/searchAttributes.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../workflows/definitions.js';
import { createApp } from './app.js';
import { createQueueChangeHub } from './queueChangeHub.js';

await runMain('api', async () => {
  const config = loadConfig();
  const { databaseUrl, temporalAddress } = requireServices(config);
  if (config.adminPassword === undefined || config.adminApiToken === undefined) {
    throw new ConfigError('Invalid configuration:\n  ADMIN_PASSWORD, ADMIN_API_TOKEN: are required (npm start generates them instead)');
  }
  const log = createLogger('api', config.logLevel);
  await migrateDatabase(databaseUrl);
  const sql = createSql(databaseUrl);
  await ensureMainClinic(sql, config);
  const temporal = await connectTemporalClient(temporalAddress, config.temporal.namespace);
  // Every journey starts with these attributes: without them no JOIN could start, so stop here.
  await ensureSearchAttributes(temporal.connection as Connection, config.temporal.namespace, SEARCH_ATTRIBUTE_TYPES).catch((error: unknown) => {
    throw new Error(
      `could not register the search attributes FrontdeskClinic, FrontdeskJourney, FrontdeskTicketState (Keyword) in namespace ${config.temporal.namespace}; register them with \`temporal operator search-attribute create\` and start again`,
      { cause: error },
    );
  });
  const queueChanges = await createQueueChangeHub(sql);
  const messenger = createMessenger({ sql, sender: createSender(config, log), statusCallbackUrl: statusCallbackUrl(config), log });
  const app = createApp({
    sql,
    temporal,
    taskQueue: config.temporal.taskQueue,
    log,
    messenger,
    queueChanges,
    defaultCountry: config.clinic.defaultCountry,
    publicBaseUrl: config.publicBaseUrl,
    twilioAuthToken: config.twilio.authToken,
    adminPassword: config.adminPassword,
    adminApiToken: config.adminApiToken,
  });
  const server = serve({ fetch: app.fetch, port: config.port }, (info) => log.info({ port: info.port }, 'api listening'));
  void answerStrandedMessages({ sql, temporal, taskQueue: config.temporal.taskQueue, log, messenger }).then((n) => n > 0 && log.info({ count: n }, 'answered messages cut off by a restart'));
  const stop = () => {
    server.close(async () => {
      await queueChanges.close();
      await sql.end();
      await temporal.connection.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
