/**
 * Keyset ("seek") paging of a list read from Postgres: a page is the `limit` rows that follow the sort
 * key of the previous page's last row, in an order that is total (it ends in the row's `id`), so a page
 * boundary never skips or repeats a row, even among rows that share a time, and rows written between
 * two pages do not shift the ones after them as an offset would. The JSON API turns keys into opaque
 * cursors (`src/api/pageCursor.ts`).
 */

/** Which page to read: at most `limit` rows after the row whose sort key is `after` (none: the first page). */
export interface PageRequest<K> {
  limit: number;
  after?: K | undefined;
}

/** One page: its rows in order, and the sort key of its last row when more follow (null on the last page). */
export interface Page<T, K> {
  items: T[];
  next: K | null;
}

/**
 * The sort key of a row ordered by a time, then by `id`: the time exactly as Postgres keeps it
 * (`KEY_TIME_FORMAT`, to the microsecond, which a JS `Date` would round to the millisecond and so break
 * ties wrongly) and the bigserial `id` as a string. Queries compare with `${at}::text::timestamptz`:
 * postgres.js sends a parameter typed `timestamptz` through a JS `Date`, which would drop the microseconds.
 */
export interface TimeKey {
  /** ISO 8601 UTC with six fractional digits, e.g. `2026-12-01T16:30:00.123456Z`. */
  at: string;
  id: string;
}

/** `to_char` format of a `timestamptz` taken `at time zone 'UTC'`: a `TimeKey`'s `at`. */
export const KEY_TIME_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"';

/**
 * The page of `rows`, read with `limit + 1` (one more than the page holds, to learn whether more
 * follow without counting): the first `limit`, and the key of the last of them when a row was left over.
 */
export function takePage<T, K>(rows: readonly T[], limit: number, keyOf: (row: T) => K): Page<T, K> {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? keyOf(items.at(-1)!) : null };
}

/** `page` with each item mapped by `map` (the key is left as it is). */
export function mapPage<T, U, K>(page: Page<T, K>, map: (item: T) => U): Page<U, K> {
  return { items: page.items.map(map), next: page.next };
}
