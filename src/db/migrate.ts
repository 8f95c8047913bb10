/**
 * Applies the migrations in `db/migrations` with node-pg-migrate (up to the newest).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../db/migrations', import.meta.url));
/** How long a migrator that found another one running waits before it tries again. */
const LOCK_RETRY_MS = 250;
/** node-pg-migrate's error (9.x, `advisoryLockMode: 'fail'`) when another migrator holds its advisory lock. */
const LOCK_HELD = 'Another migration is already running';

/**
 * Migrates the database at `databaseUrl` up. Concurrent callers (an API and a worker starting
 * together) take turns on node-pg-migrate's advisory lock, so both succeed: one that finds it held
 * tries again every 250 ms, and when its turn comes the migrations are already applied. It does not
 * wait inside `pg_advisory_lock`: that statement holds a snapshot, which a `create index concurrently`
 * run by the holder waits for to end, a deadlock Postgres would break by failing the waiter.
 * @returns the names of the migrations applied by this call (empty when already current).
 * @throws what node-pg-migrate throws for a failing migration or an unreachable database.
 */
export async function migrateDatabase(databaseUrl: string, log: (line: string) => void = () => undefined): Promise<string[]> {
  for (;;) {
    try {
      const applied = await runner({
        databaseUrl,
        dir: MIGRATIONS_DIR,
        direction: 'up',
        migrationsTable: 'pgmigrations',
        advisoryLockMode: 'fail',
        log,
      });
      return applied.map((m) => m.name);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith(LOCK_HELD)) throw error;
      await sleep(LOCK_RETRY_MS);
    }
  }
}
