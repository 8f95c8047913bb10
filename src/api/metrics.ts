/**
 * Operational counts in the JSON API: `GET /api/metrics/inbound?from=&to=` — a clinic's inbound texts
 * over a window, those the guards left unanswered (SMS pumping from other countries, the per-number
 * limit, auto-responder loops), and what the retention schedule purged.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Sql } from '../db/sql.js';
import { getClinicBySlug } from '../clinics/clinics.js';
import { AppError } from '../errors.js';
import { countInboundTexts } from '../inbound/inboundMetrics.js';
import { countPurges } from '../retention/purgeExpiredRecords.js';
import { createApiRouter, staffErrors } from './openapi.js';
import { ZClinicSlug, ZInstant } from './validation.js';

/** The window a request without `from` covers, ending at `to` (ms): a day. */
const DEFAULT_WINDOW_MS = 86_400_000;

const ZMetricsQuery = z.object({
  from: ZInstant.optional().meta({ description: 'Start of the window, inclusive (default: a day before `to`).', example: '2026-11-22T00:00:00Z' }),
  to: ZInstant.optional().meta({ description: 'End of the window, exclusive (default: now).', example: '2026-11-23T00:00:00Z' }),
  clinic: ZClinicSlug,
});

const count = (description: string) => z.int().min(0).meta({ description, example: 0 });

/** The inbound metrics of a clinic over a window. */
export const ZInboundMetrics = z
  .object({
    clinic: z.string().meta({ example: 'main' }),
    from: z.string().meta({ description: 'ISO 8601 UTC.', example: '2026-11-22T00:00:00.000Z' }),
    to: z.string().meta({ description: 'ISO 8601 UTC.', example: '2026-11-23T00:00:00.000Z' }),
    received: count('Inbound texts logged in the window (each MessageSid once).'),
    answered: count('Of those, answered (as TwiML or by a later text).'),
    unanswered: z
      .object({
        country: count("From a number of a country the clinic does not answer (`inbound_countries`): SMS pumping's signature."),
        too_many: count('Over the per-number limit (`inbound_texts_per_minute`).'),
        loop: count('An unrecognised text repeated more than 3 times in 10 minutes (an auto-responder).'),
      })
      .meta({ description: 'Texts left unanswered on purpose, by reason (logged, with the number masked).' }),
    purged: z
      .object({
        runs: count('Retention purge runs at this clinic in the window (hourly while a worker runs).'),
        messages: count('Messages whose body and phone number were purged (older than `retention_days`).'),
        calls: count('Calls whose phone number was purged, with their spoken TwiML.'),
        tickets: count('Closed tickets whose phone number and note were purged.'),
        prompts: count('Closed questions (a phone and what was asked) deleted.'),
        reveals: count('"Show number" audit rows whose number was masked (who showed which entry, and when, stay).'),
      })
      .meta({ description: 'What the retention schedule purged in the window.' }),
  })
  .openapi('InboundMetrics');

const getInboundMetrics = createRoute({
  method: 'get',
  path: '/metrics/inbound',
  operationId: 'getInboundMetrics',
  summary: "Counts of the clinic's inbound texts over a window, and of those left unanswered on purpose",
  tags: ['Metrics'],
  request: { query: ZMetricsQuery },
  responses: {
    200: { description: 'The counts.', content: { 'application/json': { schema: ZInboundMetrics } } },
    ...staffErrors({
      400: '`bad_request` naming `from` or `to` (not a date and time with an offset, or `to` not after `from`), or `clinic`.',
      404: '`not_found`: no such clinic (`field: "clinic"`).',
    }),
  },
});

/** Routes under `/api/metrics` (`?clinic=`, default `main`). */
export function metricsRoutes(deps: { sql: Sql }) {
  const app = createApiRouter();
  app.openapi(getInboundMetrics, async (c) => {
    const q = c.req.valid('query');
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - DEFAULT_WINDOW_MS);
    if (from >= to) throw new AppError('bad_request', `to: must be after from (${from.toISOString()})`, 'to');
    const clinic = await getClinicBySlug(deps.sql, q.clinic);
    const counts = await countInboundTexts(deps.sql, clinic.id, from, to);
    const purged = await countPurges(deps.sql, clinic.id, from, to);
    return c.json({ clinic: clinic.slug, from: from.toISOString(), to: to.toISOString(), ...counts, purged }, 200);
  });
  return app;
}
