/**
 * Idempotency keys for staff changes that a repeat would do twice (remind now, move): the JSON API's
 * `Idempotency-Key` request header (IETF draft-ietf-httpapi-idempotency-key-header) and the staff
 * pages' hidden `idempotency_key` form field. The key becomes the Temporal update ID, so the same
 * change sent again (after a 503 whose outcome was unknown, or a network retry) reaches the update
 * Temporal already holds and answers its outcome instead of running a second time (Temporal
 * deduplicates updates by ID within a workflow run: docs.temporal.io, "Update ID"). Because Temporal
 * answers by ID alone, the first use of a key also stores its request's fingerprint
 * (`idempotency_keys`), and the key sent again with another request is refused with 422, as the draft
 * asks (§2.7, "Error Scenarios"), instead of silently answering the first request's outcome. A
 * cancellation's abort takes a key too, though every abort of one cancellation is already one Temporal
 * update (src/waitlist/abortRequests.ts): its key makes a retry after the abort is done answer that
 * outcome rather than a 409.
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';

const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;
const KEY_MESSAGE = 'must be 1 to 100 letters, digits or . _ : -';

/** A key as a client sends it (a UUID is a good one). */
export const ZIdempotencyKey = z.string().regex(KEY_PATTERN, { error: KEY_MESSAGE });

/** Request headers of a staff change in the JSON API (Hono hands them over lower-cased). */
export const ZIdempotencyHeaders = z.object({
  'idempotency-key': ZIdempotencyKey.optional().meta({
    description:
      "Sent again with the same key and the same request, the change is done once: the repeat answers the first one's outcome. Use a new key (a UUID) for each change you mean; reuse it only to retry. The key sent again for the same change with another request (another appointment or cancellation, other body values) is refused with 422 `unprocessable_content` naming `idempotency-key`, and nothing is done. Keys are remembered as long as the clinic's `retention_days`.",
    example: '3f1c2a9e-6f7b-4a43-9d0e-2b8f5c1d7e64',
  }),
});

/** The staff pages' hidden form field: a fresh key for each rendered form, or none when it was tampered with. */
export const ZIdempotencyField = z.object({ idempotency_key: ZIdempotencyKey.optional().catch(undefined) });

/** A new key for a rendered staff form. */
export const newIdempotencyKey = (): string => randomUUID();

/**
 * The Temporal update ID of `change` ("remind", "move", …) sent with `key`: the change is part of it,
 * so a key reused for another change does not answer that one's outcome. Undefined without a key (the
 * SDK picks a random ID: every request is a new change).
 */
export function staffUpdateId(change: string, key: string | undefined): string | undefined {
  return key === undefined ? undefined : `staff-${change}-${key}`;
}

/** What a keyed change asks: the resource it acts on within the clinic (`appointments/42`) and its arguments (absent ones undefined). */
export interface KeyedRequest {
  target: string;
  arguments: Record<string, string | undefined>;
}

/**
 * Hex SHA-256 of `request` in one canonical form (JSON of the target and the arguments given, sorted
 * by name), so the same request has the same fingerprint whatever order its fields came in.
 */
export function requestFingerprint(request: KeyedRequest): string {
  const given = Object.entries(request.arguments)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([request.target, given]))
    .digest('hex');
}

/**
 * Checks `key` sent for `change` at clinic `clinicId` with `request`: its first use stores the
 * request's fingerprint; a later use must carry the same request. Without a key there is nothing to check.
 * @returns whether the key was used before for this request (a retry); false without a key and on its first use.
 * @throws AppError unprocessable_content (422) naming `idempotency-key` when the key was used for
 *   `change` with another request (another appointment or cancellation, other arguments).
 */
export async function checkIdempotencyKey(sql: Sql, clinicId: number, change: string, key: string | undefined, request: KeyedRequest): Promise<boolean> {
  if (key === undefined) return false;
  const fingerprint = requestFingerprint(request);
  const [stored] = await sql<{ fingerprint: string }[]>`
    insert into idempotency_keys (clinic_id, change, key, fingerprint) values (${clinicId}, ${change}, ${key}, ${fingerprint})
    on conflict do nothing
    returning fingerprint`;
  if (stored !== undefined) return false;
  // Read in a statement of its own: a concurrent first use has committed by the time the insert gave way.
  const [first] = await sql<{ fingerprint: string }[]>`
    select fingerprint from idempotency_keys where clinic_id = ${clinicId} and change = ${change} and key = ${key}`;
  if (first !== undefined && first.fingerprint !== fingerprint) {
    throw new AppError(
      'unprocessable_content',
      `idempotency-key: was already used for another ${change} request (another appointment or cancellation, or other values); send a new key for a new change`,
      'idempotency-key',
    );
  }
  return first !== undefined;
}
