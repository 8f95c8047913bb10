/**
 * Temporal's remote codec endpoints, so the Temporal Web UI shows decrypted payloads to staff only:
 * `POST /codec/decode` and `POST /codec/encode`, JSON `{ "payloads": [ { "metadata": { key: base64 },
 * "data": base64 } ] }` in and out (docs.temporal.io/production-deployment/data-encryption, "codec
 * server"). The UI calls them from the browser, cross-origin: CORS allows the Temporal UI's origin with
 * credentials, and the caller must be signed in to the board (the staff session cookie, sent because
 * the UI asks for cross-origin credentials) or send the staff API token as a bearer token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { PayloadDecryptionError } from '../temporal/payloadCodec.js';
import type { StaffSessions } from './session.js';
import { parseOrThrow, requireJsonBody } from './validation.js';

/** Largest codec request body, in bytes: a page of history events with payloads near Temporal's 2 MB limit. */
export const MAX_CODEC_BYTES = 8 * 1024 * 1024;

/** What the codec routes need. */
export interface CodecDeps {
  codec: PayloadCodec;
  sessions: StaffSessions;
  adminApiToken: string;
  /** Origins allowed to call from a browser (the Temporal Web UI's, e.g. `http://localhost:8233`). */
  allowedOrigins: readonly string[];
}

const ZBase64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
// The Temporal CLI sends `{}` for an event with no payloads (and retries a refusal until it times out):
// no payloads is an empty list.
const ZCodecRequest = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), ZBase64).optional(), data: ZBase64.optional() }))
    .max(10_000)
    .default([]),
});
type TJsonPayload = z.infer<typeof ZCodecRequest>['payloads'][number];

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Lets through signed-in staff (session cookie) or the staff API token. @throws AppError unauthorized. */
function requireStaff(deps: CodecDeps): MiddlewareHandler {
  const expected = sha256(`Bearer ${deps.adminApiToken}`);
  return async (c, next) => {
    const authorization = c.req.header('authorization');
    if (authorization !== undefined && timingSafeEqual(sha256(authorization), expected)) return next();
    if ((await deps.sessions.currentSession(c)) !== undefined) return next();
    throw new AppError('unauthorized', 'sign in to the board (in this browser) to see decoded payloads');
  };
}

const fromJson = (payload: TJsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
  data: Buffer.from(payload.data ?? '', 'base64'),
});

const toJson = (payload: Payload) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});

/** `POST /decode` and `POST /encode` (and their CORS preflights), relative to `/codec`. */
export function codecRoutes(deps: CodecDeps): Hono {
  const app = new Hono();
  app.use(
    '*',
    // Before the staff check: a preflight carries no credentials, and a 401 must be readable by the UI.
    cors({
      origin: (origin) => (deps.allowedOrigins.includes(origin) ? origin : null),
      allowMethods: ['POST'],
      allowHeaders: ['Content-Type', 'X-Namespace', 'Authorization', 'Authorization-Extras'],
      credentials: true,
      maxAge: 600,
    }),
    bodyLimit({
      maxSize: MAX_CODEC_BYTES,
      onError: () => {
        throw new AppError('payload_too_large', `codec requests are limited to ${MAX_CODEC_BYTES} bytes`);
      },
    }),
    requireStaff(deps),
  );

  for (const direction of ['decode', 'encode'] as const) {
    app.post(`/${direction}`, requireJsonBody, async (c) => {
      const { payloads } = parseOrThrow(ZCodecRequest, await c.req.json());
      try {
        const result = await deps.codec[direction](payloads.map(fromJson));
        return c.json({ payloads: result.map(toJson) });
      } catch (error) {
        if (error instanceof PayloadDecryptionError) throw new AppError('bad_request', `payloads: ${error.message}`, 'payloads');
        throw error;
      }
    });
  }
  return app;
}
