/**
 * The message log in the JSON API: `GET /api/messages[?phone=…&limit=…]`, newest first.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { CountryCode } from 'libphonenumber-js';
import type { Sql } from '../db/sql.js';
import { parseAddress } from '../domain/phone.js';
import { getClinicBySlug } from '../clinics/clinics.js';
import { createApiRouter, staffErrors } from './openapi.js';
import { ZClinicSlug } from './validation.js';

/** A row of `messages` as the log reads it (bigint `id` arrives as a string). */
interface MessageRow {
  id: string;
  direction: 'inbound' | 'outbound';
  channel: 'sms' | 'whatsapp';
  from_address: string;
  to_address: string;
  body: string;
  status: string;
  error_code: number | null;
  created_at: Date;
}

/** Most messages one request lists (`?limit=`), and how many it lists by default. */
const MAX_LIMIT = 500;
const DEFAULT_LIMIT = 100;
const LIMIT_MESSAGE = `must be a whole number from 1 to ${MAX_LIMIT}`;

/** One text in the log, either way. */
export const ZMessage = z
  .object({
    id: z.int(),
    direction: z.enum(['inbound', 'outbound']),
    channel: z.enum(['sms', 'whatsapp']),
    from: z.string().meta({ description: 'E.164, or `whatsapp:+E164`.', example: '+13125550123' }),
    to: z.string().meta({ example: '+13125550100' }),
    body: z.string(),
    status: z.string().meta({
      description: "Twilio's message status (`received`, `queued`, `sent`, `delivered`, `undelivered`, `failed`, …); a reply given as TwiML is `accepted`.",
      example: 'delivered',
    }),
    error_code: z.int().nullable().meta({ description: "Twilio's error code when sending failed, e.g. 21610 (opted out).", example: null }),
    created_at: z.string().meta({ description: 'ISO 8601 UTC.', example: '2026-01-05T14:03:00.000Z' }),
  })
  .openapi('Message');

/** A text in the log on the wire. */
export type TMessage = z.infer<typeof ZMessage>;

/** The log as `GET /api/messages` answers it, newest first. */
export const ZMessageLog = z.object({ messages: z.array(ZMessage) }).openapi('MessageLog');

/** `?phone=&limit=&clinic=`; `phone` is local (read in `defaultCountry`) or E.164, and comes out E.164. */
function messageLogQuery(defaultCountry: CountryCode) {
  return z.object({
    phone: z
      .string()
      .transform((raw, ctx) => {
        const parsed = parseAddress(raw, defaultCountry);
        if (parsed === undefined) ctx.addIssue({ code: 'custom', message: 'must be a phone number' });
        return parsed?.phone ?? '';
      })
      .optional()
      .meta({ description: `Only this patient's texts: E.164 or a local number (read in \`DEFAULT_COUNTRY\`).`, example: '+13125550123' }),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, LIMIT_MESSAGE)
      .transform(Number)
      .pipe(z.int().min(1, LIMIT_MESSAGE).max(MAX_LIMIT, LIMIT_MESSAGE))
      .default(DEFAULT_LIMIT)
      .meta({ description: `At most this many, newest first (1–${MAX_LIMIT}).`, example: 20 }),
    clinic: ZClinicSlug,
  });
}

/** Routes under `/api` for a clinic's message log (`?clinic=`, default `main`). */
export function messageRoutes(deps: { sql: Sql; defaultCountry: CountryCode }) {
  const listMessages = createRoute({
    method: 'get',
    path: '/messages',
    operationId: 'listMessages',
    summary: "The clinic's message log, both ways, newest first",
    description: 'A reply given as TwiML is listed as an outbound message with status `accepted` (Twilio sends it under a MessageSid we are not told).',
    tags: ['Messages'],
    request: { query: messageLogQuery(deps.defaultCountry) },
    responses: {
      200: { description: 'The texts, newest first.', content: { 'application/json': { schema: ZMessageLog } } },
      ...staffErrors({ 400: '`bad_request` naming `phone`, `limit` or `clinic`.', 404: '`not_found`: no such clinic (`field: "clinic"`).' }),
    },
  });

  const app = createApiRouter();
  app.openapi(listMessages, async (c) => {
    const q = c.req.valid('query');
    const clinic = await getClinicBySlug(deps.sql, q.clinic);
    const rows = await deps.sql<MessageRow[]>`
      select id, direction, channel, from_address, to_address, body, status, error_code, created_at from messages
      where clinic_id = ${clinic.id} ${q.phone === undefined ? deps.sql`` : deps.sql`and phone = ${q.phone}`}
      order by created_at desc, id desc limit ${q.limit}`;
    const messages = rows.map((m): TMessage => ({
      id: Number(m.id),
      direction: m.direction,
      channel: m.channel,
      from: m.from_address,
      to: m.to_address,
      body: m.body,
      status: m.status,
      error_code: m.error_code,
      created_at: m.created_at.toISOString(),
    }));
    return c.json({ messages }, 200);
  });
  return app;
}
