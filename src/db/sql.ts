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
