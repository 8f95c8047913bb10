/**
 * Applies the SQL migrations in `db/migrations` with node-pg-migrate (up to the newest).
 */
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../db/migrations', import.meta.url));

/**
 * Migrates the database at `databaseUrl` up. Concurrent callers wait on node-pg-migrate's advisory
 * lock, so an API and a worker starting together both succeed.
 * @returns the names of the migrations applied by this call (empty when already current).
 */
export async function migrateDatabase(databaseUrl: string, log: (line: string) => void = () => undefined): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    advisoryLockMode: 'wait',
    log,
  });
  return applied.map((m) => m.name);
}
