/**
 * Paging of the staff JSON API's lists (`GET /api/appointments`, `/api/cancellations`, `/api/messages`,
 * `/api/waitlist`): `?limit=` (1–500) and `?cursor=`, answered with `next_cursor` (null on the last
 * page) and, when a next page exists, an RFC 8288 `Link: <…>; rel="next"` header holding its URL.
 *
 * A cursor is opaque to clients: base64url (RFC 4648 §5, unpadded) of a JSON array whose first item
 * names its list, whose second is the digest of the filters of the page that gave it (`filterDigest`:
 * every query parameter but `limit` and `cursor`, the clinic included), and whose rest is the sort key
 * of that page's last item (keyset paging, `src/db/keysetPage.ts`). It is not signed: it only says
 * where to continue, and the clinic stays a filter of the query, so a forged cursor reads nothing its
 * caller could not list anyway. It is still read strictly (canonical base64url, exactly its list's
 * tuple, real instants, ids as Postgres holds them), so nothing malformed reaches Postgres: anything
 * else is a 400 naming `cursor`. A cursor sent with other filters than its page's (another `status`,
 * `phone`, `date`, clinic, …) would continue another list from this one's place, silently: it is a 400
 * naming `cursor` too (`ZPagedQuery`). `limit` may change from page to page.
 */
import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { TimeKey } from '../db/keysetPage.js';

/** Most items one page holds (`?limit=`). */
export const MAX_PAGE_LIMIT = 500;
const LIMIT_MESSAGE = `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`;
const CURSOR_MESSAGE = 'must be the next_cursor of an earlier page of this list, unchanged';
const FILTERS_MESSAGE = 'was given by a page with other filters: send the filters of that page again (limit may change), or no cursor for the first page';
/** Longer than any cursor this API makes (the longest, a waitlist cursor with a score of 100 and an 18-digit id, has 147 characters). */
const MAX_CURSOR_LENGTH = 200;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Query parameters that choose a page of a list rather than the list: every other one is a filter. */
const PAGE_PARAMETERS = new Set(['limit', 'cursor']);
/** Bytes of SHA-256 a filter digest keeps: 96 bits, 16 base64url characters. */
const DIGEST_BYTES = 12;
const ZFilterDigest = z.string().regex(/^[A-Za-z0-9_-]{16}$/);

/** What `?cursor=` holds once read: the digest of its page's filters (`filterDigest`) and the sort key to go on after. */
export interface PageCursor<K> {
  filters: string;
  key: K;
}

/**
 * The digest of list `list`'s filters in `query` (a parsed query: every entry but `limit` and `cursor`,
 * absent ones left out, by name): base64url of the first 12 bytes of SHA-256 (FIPS 180-4) over their
 * JSON with the list's name. A check that a cursor comes back with its page's filters, not a secret.
 */
export function filterDigest(list: string, query: Record<string, unknown>): string {
  const filters = Object.entries(query)
    .filter(([name, value]) => !PAGE_PARAMETERS.has(name) && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([list, filters]))
    .digest()
    .subarray(0, DIGEST_BYTES)
    .toString('base64url');
}

/** `?limit=`: plain digits, 1–500; `defaultLimit` when absent. */
export function ZPageLimit(defaultLimit: number) {
  return z
    .string()
    .regex(/^\d{1,3}$/, LIMIT_MESSAGE)
    .transform(Number)
    .pipe(z.int().min(1, LIMIT_MESSAGE).max(MAX_PAGE_LIMIT, LIMIT_MESSAGE))
    .default(defaultLimit)
    .meta({ description: `At most this many on the page (1–${MAX_PAGE_LIMIT}; default ${defaultLimit}).`, example: 50 });
}

/** An instant as ISO 8601 UTC with exactly `digits` fractional digits, a real date and time Postgres reads (no year 0). */
export function ZKeyInstant(digits: 3 | 6) {
  const shape = new RegExp(`^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{${digits}}Z$`);
  return z
    .string()
    .regex(shape)
    .refine((text) => {
      const millis = `${text.slice(0, 23)}Z`;
      const at = new Date(millis);
      return !text.startsWith('0000') && !Number.isNaN(at.getTime()) && at.toISOString() === millis;
    });
}

/** A bigserial id as a string, as Postgres holds it (no sign, no leading zero, fits a bigint). */
export const ZKeyId = z.string().regex(/^[1-9]\d{0,17}$/);

/**
 * The cursor of list `list` read with the filters in `query` (its parsed query; `limit` and `cursor`
 * do not count) whose sort key is `key` (its items in the order the list's cursor schema reads them).
 */
export function encodeCursor(list: string, query: Record<string, unknown>, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([list, filterDigest(list, query), ...key]), 'utf8').toString('base64url');
}

/** The filter digest and sort key `text` holds when it is a cursor of `list`, its key read by `key` (a tuple schema); else undefined. */
function decodeCursor<K>(list: string, key: z.ZodType<K>, text: string): PageCursor<K> | undefined {
  if (text.length > MAX_CURSOR_LENGTH || !BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  // One spelling per cursor: base64url that decodes the same with other trailing bits is not one we made.
  if (bytes.toString('base64url') !== text) return undefined;
  let items: unknown;
  try {
    items = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(items) || items[0] !== list) return undefined;
  const filters = ZFilterDigest.safeParse(items[1]);
  const parsed = key.safeParse(items.slice(2));
  return filters.success && parsed.success ? { filters: filters.data, key: parsed.data } : undefined;
}

/**
 * `?cursor=` of list `list`: the `next_cursor` a page of it gave, read into its filter digest and its
 * sort key (`PageCursor`; the key read by `key`, a tuple schema transformed into the key). A cursor that
 * is malformed, altered or another list's fails with `must be the next_cursor of an earlier page of
 * this list, unchanged` (a 400 naming `cursor`). Its filters are checked by `ZPagedQuery`.
 */
export function ZPageCursor<K>(list: string, key: z.ZodType<K>) {
  return z
    .string()
    .transform((text, ctx) => {
      const decoded = decodeCursor(list, key, text);
      if (decoded === undefined) {
        ctx.addIssue({ code: 'custom', message: CURSOR_MESSAGE });
        return z.NEVER;
      }
      return decoded;
    })
    .optional()
    .meta({
      description:
        'Where to go on: the `next_cursor` of the previous page, unchanged, sent with the same filters as that page (every query parameter but `limit`, which may change; `clinic` included). It holds a digest of those filters: with others, or on another list, it is a 400 naming `cursor`. Absent: the first page.',
    });
}

/**
 * A list's query `schema` (its filters, `limit`, and `cursor` read by `ZPageCursor(list, …)`) that also
 * holds a cursor to the filters of the page that gave it: with other filters (their `filterDigest`
 * differs) it fails with a 400 naming `cursor`, so a changed filter never continues another list from
 * this one's place. `limit` may change between pages.
 */
export function ZPagedQuery<S extends z.ZodObject>(list: string, schema: S): S {
  return schema.superRefine((query, ctx) => {
    const cursor = (query as { cursor?: PageCursor<unknown> }).cursor;
    if (cursor !== undefined && cursor.filters !== filterDigest(list, query)) {
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: FILTERS_MESSAGE });
    }
  });
}

/** `?cursor=` of a list ordered by a time and `id` (`TimeKey`). */
export function ZTimeKeyCursor(list: string) {
  return ZPageCursor(
    list,
    z.tuple([ZKeyInstant(6), ZKeyId]).transform(([at, id]): TimeKey => ({ at, id })),
  );
}

/** The `next_cursor` of a page of list `list`, read with the filters in `query`, ordered by a time and `id`: null on the last page. */
export function timeKeyCursor(list: string, query: Record<string, unknown>, next: TimeKey | null): string | null {
  return next === null ? null : encodeCursor(list, query, [next.at, next.id]);
}

/** A list answer's `next_cursor`. */
export const ZNextCursor = z.string().nullable().meta({ description: 'Pass it as `cursor` to read the next page; null on the last page.', example: null });

/** The `Link` header of a page's answer, for the OpenAPI document. */
export const NEXT_PAGE_HEADERS = {
  Link: {
    description: 'When a next page exists: `<its URL>; rel="next"` (RFC 8288), this request\'s URL with `cursor` set to `next_cursor`.',
    schema: { type: 'string' as const },
  },
};

/** Sets `Link: <…>; rel="next"` (RFC 8288) on `c`'s answer: the request's own path and query with `cursor` set to `nextCursor`. */
export function linkNextPage(c: Context, nextCursor: string | null): void {
  if (nextCursor === null) return;
  const url = new URL(c.req.url);
  url.searchParams.set('cursor', nextCursor);
  c.header('Link', `<${url.pathname}${url.search}>; rel="next"`);
}
