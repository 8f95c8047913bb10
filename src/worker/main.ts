/**
 * `npm run worker`: a worker process against DATABASE_URL and Temporal (TEMPORAL_ADDRESS and the rest
 * of Temporal's environment configuration, see config.ts). Run as many as you
 * like; they share the task queue. Each makes sure the retention schedule exists (once: a second
 * worker finds it). SIGINT/SIGTERM drain it and exit.
 */
import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig, requireServices } from '../config.js';
import { createSql } from '../db/sql.js';
import { migrateDatabase } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import { createMessengerFor } from '../messaging/createSender.js';
import { runMain } from '../runMain.js';
import { temporalLoggerFor } from '../temporal/pinoLogger.js';
import { ensureRetentionSchedule } from '../retention/retentionSchedule.js';
import { connectTemporalClient, temporalConnectionOptions } from '../temporal/connect.js';
import { createWorker } from './createWorker.js';

await runMain('worker', async () => {
  const config = loadConfig();
  const { databaseUrl, temporal, payloadKeys } = requireServices(config);
  const log = createLogger('worker', config.logLevel);
  Runtime.install({ logger: temporalLoggerFor(log) });
  await migrateDatabase(databaseUrl);
  const sql = createSql(databaseUrl);
  const connection = await NativeConnection.connect(temporalConnectionOptions(temporal));
  // Console calls placed here ring through the API on this machine (PORT).
  const { messenger, consoleTelephone } = createMessengerFor(config, sql, log);
  const client = await connectTemporalClient(temporal, payloadKeys);
  const worker = await createWorker({
    connection,
    temporal: client,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    sql,
    messenger,
    log,
    payloadKeys,
    maxCachedWorkflows: config.workerMaxCachedWorkflows,
  });
  if (await ensureRetentionSchedule(client, config.temporal.taskQueue)) log.info('retention schedule created');
  log.info({ taskQueue: config.temporal.taskQueue, temporalAddress: temporal.address, namespace: temporal.namespace }, 'worker polling');
  await worker.run(); // returns after SIGINT/SIGTERM: the SDK shuts the worker down on those signals
  await consoleTelephone?.close();
  await client.connection.close();
  await connection.close();
  await sql.end();
});
