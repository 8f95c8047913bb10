/**
 * A rate limit per client address shared by every API process: requests are counted in Postgres
 * (`client_rate_counts`) per scope and client address group (`clientAddress` behind `trustProxy` proxies, an
 * IPv6 /64 as one) and fixed window of `windowMs`, with one upsert per request. Windows older than an
 * hour are dropped whenever a client opens a new one.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { addressGroup, clientAddress } from './clientAddress.js';

/**
 * Middleware allowing `limit` requests per client per `windowMs` (ms) within the request's `scope`
 * (such as `kiosk-join:<clinic>`: each clinic's kiosk counts apart). Over the limit,
 * `refuse` answers (a page for people), else the 429 error shape; a `Retry-After` (seconds to the next
 * window) goes with either.
 * @throws postgres.js errors when the count cannot be written (the request fails as Postgres down does).
 */
export function limitPerClient(options: {
  sql: Sql;
  scope: (c: Context) => string;
  trustProxy: number;
  limit: number;
  windowMs: number;
  refuse?: (c: Context) => Response | Promise<Response>;
}): MiddlewareHandler {
  const { sql, scope, limit, windowMs, refuse } = options;
  return async (c, next) => {
    const key = `${scope(c)}:${addressGroup(clientAddress(c, options.trustProxy))}`;
    const [row] = await sql<{ hits: number; retry_after: number }[]>`
      insert into client_rate_counts as counts (key, window_start, hits)
      values (${key}, to_timestamp(floor(extract(epoch from now()) * 1000 / ${windowMs}) * ${windowMs} / 1000), 1)
      on conflict (key, window_start) do update set hits = counts.hits + 1
      returning hits, ceil(extract(epoch from window_start + ${windowMs} * interval '1 millisecond' - now()))::int as retry_after`;
    const { hits, retry_after: retryAfter } = row!;
    if (hits === 1) await sql`delete from client_rate_counts where window_start < now() - interval '1 hour'`;
    if (hits <= limit) return next();
    c.header('Retry-After', String(Math.max(1, retryAfter)));
    if (refuse !== undefined) return refuse(c);
    throw new AppError('rate_limited', 'too many requests; wait a minute and try again');
  };
}
