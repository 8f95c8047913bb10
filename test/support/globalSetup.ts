/**
 * Once per test run: a real embedded PostgreSQL (migrated) and a real Temporal dev server, both on
 * free loopback ports under `.data/test-<pid>` (the cluster under /var/lib/frontdesk when the
 * checkout is out of the postgres user's reach), removed afterwards. Test files share them and keep
 * apart by clinic (each stack makes its own) and task queue.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/embedded/postgres.js';
import { startTemporalDevServer } from '../../src/embedded/temporal.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/workflows/definitions.js';
import { freePort } from './freePort.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    /** Where test processes claim blocks of fictional phone numbers (see test/support/clinic.ts). */
    phoneBlocksDir: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = path.resolve(`.data/test-${process.pid}`);
  mkdirSync(dataDir, { recursive: true });
  const postgres = await startEmbeddedPostgres({ dataDir });
  let temporal: Awaited<ReturnType<typeof startTemporalDevServer>>;
  try {
    await migrateDatabase(postgres.url);
    temporal = await startTemporalDevServer({
      dataDir,
      port: await freePort(),
      uiPort: await freePort(),
      namespace: 'default',
      searchAttributes: SEARCH_ATTRIBUTE_TYPES,
    });
  } catch (error) {
    // No teardown runs when setup fails: leave no PostgreSQL behind.
    await postgres.stop();
    throw error;
  }
  project.provide('databaseUrl', postgres.url);
  project.provide('temporalAddress', temporal.address);
  const phoneBlocksDir = path.join(dataDir, 'phone-blocks');
  mkdirSync(phoneBlocksDir);
  project.provide('phoneBlocksDir', phoneBlocksDir);
  return async () => {
    await temporal.stop();
    await postgres.stop();
    rmSync(dataDir, { recursive: true, force: true });
    // Run as root from a clone the postgres user cannot enter, the cluster lives under /var/lib/frontdesk.
    if (!postgres.clusterDir.startsWith(dataDir + path.sep)) rmSync(path.dirname(postgres.clusterDir), { recursive: true, force: true });
  };
}
