/**
 * The one Postgres connection pool (postgres.js). Queries are tagged templates: `sql\`select …\``.
 */
import postgres from 'postgres';

/** A postgres.js client; `sql.end()` closes it. */
export type Sql = postgres.Sql;

/** Opens a pool to `url` (`postgres://…`). Bigints (ids) come back as strings; notices are muted. */
export function createSql(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, { max: options.max ?? 10, onnotice: () => undefined, connect_timeout: 10 });
}

/** postgres.js and Node error codes that mean the database cannot be reached (not a bad query). */
const DATABASE_UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01',
  '57P03',
]);

/** Whether `error` means Postgres cannot be reached right now (down, restarting, the network), not a bad query. */
export function isDatabaseUnreachable(error: unknown): boolean {
  return DATABASE_UNREACHABLE.has((error as { code?: string } | null)?.code ?? '');
}
