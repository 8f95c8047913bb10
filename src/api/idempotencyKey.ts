/**
 * Idempotency keys for staff changes that a repeat would do twice (remind now, move): the JSON API's
 * `Idempotency-Key` request header (IETF draft-ietf-httpapi-idempotency-key-header) and the staff
 * pages' hidden `idempotency_key` form field. The key becomes the Temporal update ID, so the same
 * change sent again (after a 503 whose outcome was unknown, or a network retry) reaches the update
 * Temporal already holds and answers its outcome instead of running a second time (Temporal
 * deduplicates updates by ID within a workflow run: docs.temporal.io, "Update ID").
 */
import { randomUUID } from 'node:crypto';
import { z } from '@hono/zod-openapi';

const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;
const KEY_MESSAGE = 'must be 1 to 100 letters, digits or . _ : -';

/** A key as a client sends it (a UUID is a good one). */
export const ZIdempotencyKey = z.string().regex(KEY_PATTERN, { message: KEY_MESSAGE });

/** Request headers of a staff change in the JSON API (Hono hands them over lower-cased). */
export const ZIdempotencyHeaders = z.object({
  'idempotency-key': ZIdempotencyKey.optional().meta({
    description:
      "Sent again with the same key, the change is done once: the repeat answers the first one's outcome. Use a new key (a UUID) for each change you mean; reuse it only to retry.",
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
