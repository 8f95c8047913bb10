/**
 * `npm run api`: the HTTP API against DATABASE_URL and Temporal (TEMPORAL_ADDRESS and the rest of
 * Temporal's environment configuration, see config.ts). SIGINT/SIGTERM close it.
 */
import { ConfigError, loadConfig, requireServices } from '../config.js';
import { ensureMainClinic } from '../clinics/clinics.js';
import { createSql } from '../db/sql.js';
import { migrateDatabase } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import { createMessengerFor } from '../messaging/createSender.js';
import { runMain } from '../runMain.js';
import { connectTemporalClient } from '../temporal/connect.js';
import { serveApi } from './serveApi.js';

await runMain('api', async () => {
  const config = loadConfig();
  const { databaseUrl, temporal: temporalTarget, payloadKeys } = requireServices(config);
  const { adminPassword, adminApiToken } = config;
  if (adminPassword === undefined || adminApiToken === undefined) {
    throw new ConfigError('Invalid configuration:\n  ADMIN_PASSWORD, ADMIN_API_TOKEN: are required (npm start generates them instead)');
  }
  const log = createLogger('api', config.logLevel);
  await migrateDatabase(databaseUrl);
  const sql = createSql(databaseUrl);
  await ensureMainClinic(sql, config);
  const temporal = await connectTemporalClient(temporalTarget, payloadKeys);
  const { messenger, consoleTelephone } = createMessengerFor(config, sql, log);
  const api = await serveApi(config, { sql, temporal, messenger, log, adminPassword, adminApiToken, payloadKeys, consoleTelephone });
  const stop = async () => {
    await api.close(); // open requests are cut after a second
    await consoleTelephone?.close();
    await sql.end({ timeout: 2 });
    await temporal.connection.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
});
