/**
 * The message log in the JSON API: `GET /api/messages[?phone=…&limit=…]`, newest first.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { CountryCode } from 'libphonenumber-js';
import type { Sql } from '../db/sql.js';
import { parseAddress } from '../domain/phone.js';
import { getClinicBySlug } from '../clinics/clinics.js';
import { ZClinicSlug, parseOrThrow } from './validation.js';

/** Routes under `/api` for a clinic's message log (`?clinic=`, default `main`). `phone` may be local (read in `defaultCountry`) or E.164. */
export function messageRoutes(deps: { sql: Sql; defaultCountry: CountryCode }) {
  const ZQuery = z.object({
    phone: z
      .string()
      .transform((raw, ctx) => {
        const parsed = parseAddress(raw, deps.defaultCountry);
        if (parsed === undefined) ctx.addIssue({ code: 'custom', message: 'must be a phone number' });
        return parsed?.phone ?? '';
      })
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    clinic: ZClinicSlug,
  });
  const app = new Hono();
  app.get('/messages', async (c) => {
    const q = parseOrThrow(ZQuery, c.req.query());
    const clinic = await getClinicBySlug(deps.sql, q.clinic);
    const rows = await deps.sql`
      select id, direction, channel, from_address, to_address, body, status, error_code, created_at from messages
      where clinic_id = ${clinic.id} ${q.phone === undefined ? deps.sql`` : deps.sql`and phone = ${q.phone}`}
      order by created_at desc, id desc limit ${q.limit}`;
    return c.json({
      messages: rows.map((m) => ({
        id: Number(m.id),
        direction: m.direction,
        channel: m.channel,
        from: m.from_address,
        to: m.to_address,
        body: m.body,
        status: m.status,
        error_code: m.error_code,
        created_at: (m.created_at as Date).toISOString(),
      })),
    });
  });
  return app;
}
