/**
 * The staff board's "Numbers" page under `/admin/numbers?from=&to=`: the front desk's numbers for a
 * range of the clinic's local dates, read by the same module and range rule as
 * `GET /api/metrics/front-desk` (src/metrics/frontDeskMetrics.ts, `resolveDateRange`), and the
 * waitlist's by the module of `GET /api/metrics/waitlist` (src/metrics/waitlistDays.ts). A range it
 * refuses is named beside its field, with the default range shown meanwhile.
 */
import { staffPageUrl } from './staffPageUrl.js';
import { Hono } from 'hono';
import { DateTime } from 'luxon';
import { getClinicBySlug } from '../clinics/clinics.js';
import { AppError, STATUS_BY_CODE } from '../errors.js';
import { readFrontDeskMetrics } from '../metrics/frontDeskMetrics.js';
import { readWaitlistDays } from '../metrics/waitlistDays.js';
import type { AppDeps } from './app.js';
import { resolveDateRange, ZDateRangeQuery } from './frontDeskMetrics.js';
import { requireStaffSession, type StaffSessions } from './session.js';
import { ZClinicQuery, parseOrThrow } from './validation.js';
import { labelFieldMessage } from './views/fieldLabels.js';
import { RANGE_LABELS, renderNumbersPage, type RangeForm } from './views/numbersView.js';

/** Where the page lives, as the browser sees it (the board app is mounted at `/admin`). */
export const NUMBERS_PATH = '/admin/numbers';

/** The page's URL for clinic `slug` and a range, carrying `?clinic=` only for a clinic other than `main`. */
function pageUrl(slug: string, range: { from: string; to: string }): string {
  return staffPageUrl(NUMBERS_PATH, slug, '', range);
}

/** Routes relative to `/admin/numbers`: `GET /`. */
export function staffNumbersRoutes(deps: AppDeps, sessions: StaffSessions): Hono {
  const app = new Hono();
  app.use('*', requireStaffSession(sessions, { redirect: true }));

  app.get('/', async (c) => {
    const { clinic: slug } = parseOrThrow(ZClinicQuery, { clinic: c.req.query('clinic') });
    const clinic = await getClinicBySlug(deps.sql, slug);
    const typed = { from: c.req.query('from') ?? '', to: c.req.query('to') ?? '' };
    let range: { from: string; to: string };
    let form: RangeForm;
    try {
      const query = parseOrThrow(ZDateRangeQuery, { from: typed.from || undefined, to: typed.to || undefined });
      range = resolveDateRange(query, clinic);
      form = range;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      range = resolveDateRange({}, clinic);
      form = { ...typed, error: { message: labelFieldMessage(error.message, error.field, RANGE_LABELS), field: error.field } };
    }
    const metrics = await readFrontDeskMetrics(deps.sql, clinic, range);
    const waitlist = await readWaitlistDays(deps.sql, clinic, range);
    c.header('Cache-Control', 'no-store');
    const page = renderNumbersPage({
      clinic,
      showPhone: deps.consoleTelephone !== undefined,
      metrics,
      waitlist,
      form,
      today: DateTime.now().setZone(clinic.timezone).toISODate()!,
      urls: { page: NUMBERS_PATH, range: (from, to) => pageUrl(slug, { from, to }) },
    });
    return c.html(page, form.error === undefined ? 200 : STATUS_BY_CODE.bad_request);
  });

  return app;
}
