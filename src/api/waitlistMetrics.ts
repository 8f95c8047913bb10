/**
 * `GET /api/metrics/waitlist?from=&to=`: how well the waitlist refills freed slots over a range of
 * clinic-local dates (src/waitlist/waitlistMetrics.ts), computed from the rows at each request; the
 * range is read as the front-desk figures read theirs (`resolveDateRange`: both optional).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { getClinicBySlug } from '../clinics/clinics.js';
import type { Sql } from '../db/sql.js';
import { waitlistMetrics } from '../waitlist/waitlistMetrics.js';
import { createApiRouter, staffErrors } from './openapi.js';
import { resolveDateRange, ZDateRangeQuery } from './frontDeskMetrics.js';
import { ZClinicSlug } from './validation.js';

const rate = (description: string) =>
  z
    .number()
    .nullable()
    .meta({ description: `${description} 0–1; null when there is nothing to divide.`, example: 0.85 });

const ZWaitlistMetrics = z
  .object({
    from: z.string().meta({ example: '2026-11-01' }),
    to: z.string().meta({ example: '2026-11-30' }),
    cancellations: z.int().meta({ description: 'Logged in the range.', example: 20 }),
    filled: z.int().meta({ example: 17 }),
    expired: z.int().meta({ example: 2 }),
    aborted: z.int().meta({ example: 1 }),
    open: z.int().meta({ example: 0 }),
    fill_rate: rate('filled ÷ (filled + expired): staff aborts are left out.'),
    time_to_fill_minutes: z
      .object({
        median: z.number().nullable().meta({ example: 12.5 }),
        p90: z.number().nullable().meta({ example: 48 }),
      })
      .meta({ description: 'Minutes from logging to filling, over the filled cancellations; null when none filled.' }),
    offers_sent: z.int().meta({ example: 54 }),
    reply_rate: rate('Offers answered YES or NO ÷ offers whose text did not fail.'),
    delivery_rate: rate('Offer texts delivered or read ÷ offer texts with a final delivery status.'),
    abort_rate: rate('Aborted ÷ cancellations: how often staff stepped in.'),
  })
  .openapi('WaitlistMetrics');

/** Routes under `/api` for the waitlist's figures. */
export function waitlistMetricsRoutes(deps: { sql: Sql }) {
  const app = createApiRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/metrics/waitlist',
      operationId: 'getWaitlistMetrics',
      summary: 'Fill rate, time to fill and offer figures',
      description:
        'Over the cancellations logged from `from` through `to` (clinic-local dates; default the 30 days up to today, as the front-desk figures), from the rows as they stand.',
      tags: ['Waitlist'],
      request: { query: ZDateRangeQuery.extend({ clinic: ZClinicSlug }) },
      responses: {
        200: { description: 'The figures.', content: { 'application/json': { schema: ZWaitlistMetrics } } },
        ...staffErrors({ 400: '`bad_request` naming `clinic`, `from` or `to`.', 404: '`not_found`: no such clinic.' }),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const clinic = await getClinicBySlug(deps.sql, query.clinic);
      const { from, to } = resolveDateRange(query, clinic);
      const m = await waitlistMetrics(deps.sql, clinic.id, clinic.timezone, from, to);
      return c.json(
        {
          from: m.from,
          to: m.to,
          cancellations: m.cancellations,
          filled: m.filled,
          expired: m.expired,
          aborted: m.aborted,
          open: m.open,
          fill_rate: m.fillRate,
          time_to_fill_minutes: m.timeToFillMinutes,
          offers_sent: m.offersSent,
          reply_rate: m.replyRate,
          delivery_rate: m.deliveryRate,
          abort_rate: m.abortRate,
        },
        200,
      );
    },
  );
  return app;
}
