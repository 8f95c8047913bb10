/**
 * The front desk's numbers in the JSON API: `GET /api/metrics/front-desk?from=&to=` (see
 * src/metrics/frontDeskMetrics.ts for what each number counts), and the date range rule the Numbers
 * page shares.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { DateTime } from 'luxon';
import type { Sql } from '../db/sql.js';
import { getClinicBySlug, type Clinic } from '../clinics/clinics.js';
import { AppError } from '../errors.js';
import { DELIVERY_CHANNELS, readFrontDeskMetrics } from '../metrics/frontDeskMetrics.js';
import { createApiRouter, staffErrors } from './openapi.js';
import { ZCalendarDate, ZClinicSlug } from './validation.js';

/** Longest range one request covers, in days. */
export const MAX_RANGE_DAYS = 366;
/** Days a range covers when `from` is not given. */
export const DEFAULT_RANGE_DAYS = 30;

/** `?from=&to=`: clinic-local dates, both optional. */
export const ZDateRangeQuery = z.object({
  from: ZCalendarDate.optional().meta({
    description: `First day, the clinic's local date (inclusive); default \`to\` − ${DEFAULT_RANGE_DAYS - 1} days.`,
    example: '2026-11-01',
  }),
  to: ZCalendarDate.optional().meta({ description: "Last day, the clinic's local date (inclusive); default today.", example: '2026-11-30' }),
});

/**
 * The range `query` asks for at `clinic`, defaults filled in (`to` today in the clinic's zone, `from`
 * `DEFAULT_RANGE_DAYS` days up to `to`).
 * @throws AppError bad_request naming `from` when it is after `to`, `to` when the range is longer than `MAX_RANGE_DAYS`.
 */
export function resolveDateRange(query: z.infer<typeof ZDateRangeQuery>, clinic: Pick<Clinic, 'timezone'>): { from: string; to: string } {
  const to = query.to ?? DateTime.now().setZone(clinic.timezone).toISODate()!;
  const from =
    query.from ??
    DateTime.fromISO(to)
      .minus({ days: DEFAULT_RANGE_DAYS - 1 })
      .toISODate()!;
  if (from > to) throw new AppError('bad_request', `from: must be on or before to (${to})`, 'from');
  const days = DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days + 1;
  if (days > MAX_RANGE_DAYS) throw new AppError('bad_request', `to: must be at most ${MAX_RANGE_DAYS} days from from (${from})`, 'to');
  return { from, to };
}

const rate = (description: string) =>
  z
    .number()
    .nullable()
    .meta({ description: `${description}, 0 to 1; null when there is nothing to divide.`, example: 0.8 });

const dayFields = {
  appointments: z.int().meta({ description: 'Appointments starting then, whatever their status.', example: 12 }),
  confirmed: z.int().meta({ description: 'Of those, the ones the patient confirmed (YES, keypad 1, a WhatsApp button, a time picked).', example: 9 }),
  visited: z.int().meta({ example: 10 }),
  no_shows: z.int().meta({ example: 1 }),
  cancelled: z.int().meta({ example: 1 }),
  confirmation_rate: rate('`confirmed` / `appointments`'),
  no_show_rate: rate('`no_shows` / (`visited` + `no_shows`)'),
  walk_ins_served: z.int().meta({ description: 'Walk-in tickets done (their service day).', example: 25 }),
  patients_served: z.int().meta({ description: '`walk_ins_served` + `visited`.', example: 35 }),
};

/** The front desk's numbers for a range, as `GET /api/metrics/front-desk` answers. */
export const ZFrontDeskMetrics = z
  .object({
    clinic: z.string().meta({ example: 'main' }),
    from: z.string().meta({ example: '2026-11-01' }),
    to: z.string().meta({ example: '2026-11-30' }),
    timezone: z.string().meta({ description: 'The clinic time zone the dates are local to.', example: 'America/Chicago' }),
    totals: z.object(dayFields).meta({ description: 'The whole range.' }),
    days: z.array(z.object({ date: z.string().meta({ example: '2026-11-02' }), ...dayFields })).meta({ description: 'Every day of the range, in order.' }),
    delivery: z
      .array(
        z.object({
          channel: z.enum(DELIVERY_CHANNELS),
          sent: z.int().meta({ description: 'Texts logged (replies given as TwiML left out) or calls placed.', example: 120 }),
          delivered: z.int().meta({ description: 'A text `delivered` or `read`; a call `completed`.', example: 110 }),
          not_delivered: z
            .int()
            .meta({ description: 'A text `undelivered`, `failed`, `canceled`; a call `busy`, `no-answer`, `failed`, `canceled`.', example: 6 }),
          awaiting_receipt: z.int().meta({ example: 4 }),
          delivery_rate: rate('`delivered` / (`delivered` + `not_delivered`)'),
        }),
      )
      .meta({ description: 'By channel: sms, whatsapp, voice (reminder calls).' }),
  })
  .openapi('FrontDeskMetrics');

const getFrontDeskMetrics = createRoute({
  method: 'get',
  path: '/metrics/front-desk',
  operationId: 'getFrontDeskMetrics',
  summary: "The front desk's numbers for a range of days",
  description:
    "No-show rate, confirmation rate, delivery rate by channel and patients served (walk-ins done + appointments visited), per day and in total, for the clinic's local dates `from` to `to`, inclusive: appointments by the day they start, tickets by their service day, texts and calls by the day they were sent.",
  tags: ['Metrics'],
  request: { query: ZDateRangeQuery.extend({ clinic: ZClinicSlug }) },
  responses: {
    200: { description: 'The numbers.', content: { 'application/json': { schema: ZFrontDeskMetrics } } },
    ...staffErrors({
      400: `\`bad_request\` naming \`from\` or \`to\` (not a date, \`from\` after \`to\`, more than ${MAX_RANGE_DAYS} days) or \`clinic\`.`,
      404: '`not_found`: no such clinic (`field: "clinic"`).',
    }),
  },
});

/** Routes under `/api` for the front desk's numbers. `?clinic=<slug>` picks a clinic (default `main`). */
export function frontDeskMetricsRoutes(deps: { sql: Sql }) {
  const app = createApiRouter();

  app.openapi(getFrontDeskMetrics, async (c) => {
    const query = c.req.valid('query');
    const clinic = await getClinicBySlug(deps.sql, query.clinic);
    const metrics = await readFrontDeskMetrics(deps.sql, clinic, resolveDateRange(query, clinic));
    return c.json({ clinic: clinic.slug, ...metrics }, 200);
  });

  return app;
}
