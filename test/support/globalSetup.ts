/**
 * Once per test run: a real embedded PostgreSQL (migrated) and a real Temporal dev server, both on
 * free loopback ports under `.data/test-<pid>`, removed afterwards. Test files share them and keep
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
  }
}

export default async function setup(project: TestProject) {
  const dataDir = path.resolve(`.data/test-${process.pid}`);
  mkdirSync(dataDir, { recursive: true });
  const postgres = await startEmbeddedPostgres({ dataDir });
  await migrateDatabase(postgres.url);
  const temporal = await startTemporalDevServer({
    dataDir,
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    searchAttributes: SEARCH_ATTRIBUTE_TYPES,
  });
  project.provide('databaseUrl', postgres.url);
  project.provide('temporalAddress', temporal.address);
  return async () => {
    await temporal.stop();
    await postgres.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
