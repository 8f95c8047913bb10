/**
 * The staff board's "Cancellations" page under `/admin/cancellations`: open cancellations with their
 * offers and each pending hold's countdown, those ended in the last day, a form that logs a freed slot
 * and an abort per open one. The form is read into the JSON API's own schema (`ZNewCancellation`) and
 * logged by its function (`logCancellation`, which starts the offer workflow), abort goes through
 * `abortCancellation`, so the rules and refusals are the same: a refused form answers with the form as
 * typed and the refusal beside the field it names (400, nothing written); an abort answers 303 back
 * with the outcome, done or under way (`?notice=` with `?notice_for=`, in that cancellation's card, the page opened at it:
 * `#cancellation-<id>`; a logged slot's likewise) or the refusal (`?error=`). The lists are live: their event stream
 * re-renders them after every change to the clinic's cancellations and offers (a patient's YES, a hold
 * that ends, another member of staff: Postgres NOTIFY from triggers, whichever process made it).
 */
import { staffPageUrl } from './staffPageUrl.js';
import { workflowRunUrl } from './temporalLinks.js';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { getClinicBySlug, type Clinic } from '../clinics/clinics.js';
import { maskPhoneWithCountry } from '../domain/phone.js';
import { AppError, STATUS_BY_CODE } from '../errors.js';
import { readClinicLocalTime } from './clinicLocalTime.js';
import { listProviders } from '../providers/providers.js';
import { listCancellations, type CancellationWithOffers } from '../waitlist/cancellations.js';
import { abortCancellation, logCancellation } from '../waitlist/offerWorkflows.js';
import type { AppDeps } from './app.js';
import { ZNewCancellation } from './cancellations.js';
import { streamClinicChanges } from './liveFragments.js';
import { readForm } from './requestBody.js';
import { requireStaffSession, type StaffSessions } from './session.js';
import { ERROR_FOR_PARAM } from './views/cardError.js';
import { NOTICE_FOR_PARAM } from './views/cardNotice.js';
import { parseOrThrow, ZClinicQuery, ZClinicSlug } from './validation.js';
import { labelFieldMessage } from './views/fieldLabels.js';
import {
  CANCELLATION_FIELDS,
  CANCELLATION_LABELS,
  cancellationCardId,
  renderCancellationLists,
  renderCancellationsPage,
  type CancellationForm,
  type CancellationLine,
  type CancellationsView,
} from './views/cancellationsView.js';

/** Where the page lives, as the browser sees it (the board app is mounted at `/admin`). */
export const CANCELLATIONS_PATH = '/admin/cancellations';
/** Longest flash message the page shows from `?notice=` or `?error=` (characters). */
const MAX_FLASH_CHARS = 300;
/** How long an ended cancellation stays on the page (ms): a day. */
const ENDED_SHOWN_MS = 86_400_000;
/** Most ended cancellations the page shows. */
const MAX_ENDED_SHOWN = 10;

const flash = z.string().max(MAX_FLASH_CHARS).optional().catch(undefined);
const ZCancellationId = z.string().regex(/^[1-9]\d{0,17}$/, 'must be a cancellation id');
const ZPageQuery = z.object({
  clinic: ZClinicSlug,
  notice: flash,
  [NOTICE_FOR_PARAM]: ZCancellationId.optional().catch(undefined),
  error: flash,
  [ERROR_FOR_PARAM]: ZCancellationId.optional().catch(undefined),
});

/** The page's URL for clinic `slug` with `params`, carrying `?clinic=` only for a clinic other than `main`. */
function pageUrl(slug: string, path = '', params: Partial<Record<string, string>> = {}): string {
  return staffPageUrl(CANCELLATIONS_PATH, slug, path, params);
}

/** The page's URL for clinic `slug` with `notice` shown in cancellation `id`'s card, opened at that card (cardNotice.ts). */
function noticeUrl(slug: string, notice: string, id: string): string {
  return `${pageUrl(slug, '', { notice: notice.slice(0, MAX_FLASH_CHARS), [NOTICE_FOR_PARAM]: id })}#${cancellationCardId(id)}`;
}

/** Short words for a flash message about a slot: "the Dec 1, 2026, 10:30 AM slot". */
const describeSlot = (c: Pick<CancellationWithOffers, 'slotStartAt'>, clinic: Clinic) =>
  `the ${DateTime.fromJSDate(c.slotStartAt).setZone(clinic.timezone).setLocale('en-US').toLocaleString(DateTime.DATETIME_MED)} slot`;

/** The page's view of clinic `slug`'s cancellations; `extra` is the outcome of a form post. */
async function loadView(
  deps: AppDeps,
  slug: string,
  extra: Pick<CancellationsView, 'notice' | 'noticeFor' | 'error' | 'errorFor' | 'create'> = {},
): Promise<CancellationsView> {
  const clinic = await getClinicBySlug(deps.sql, slug);
  const now = new Date();
  const [cancellations, providers] = await Promise.all([listCancellations(deps.sql, clinic.id), listProviders(deps.sql, clinic.id)]);
  const names = new Map(providers.map((p) => [p.id, p.name]));
  const line = (c: CancellationWithOffers): CancellationLine => ({
    cancellation: c,
    providerName: names.get(c.providerId) ?? `Provider ${c.providerId}`,
    offers: c.offers.map(({ phone, ...offer }) => ({ ...offer, maskedPhone: maskPhoneWithCountry(phone) })),
    workflowUrl: workflowRunUrl({ url: deps.temporalUiUrl, namespace: deps.temporalNamespace ?? 'default' }, c.workflowId),
  });
  const ended = cancellations.filter((c) => c.status !== 'open' && c.endedAt !== null && now.getTime() - c.endedAt.getTime() < ENDED_SHOWN_MS);
  return {
    clinic,
    open: cancellations.filter((c) => c.status === 'open').map(line),
    ended: ended
      .sort((a, b) => b.endedAt!.getTime() - a.endedAt!.getTime())
      .slice(0, MAX_ENDED_SHOWN)
      .map(line),
    providers: providers.filter((p) => p.active),
    showPhone: deps.consoleTelephone !== undefined,
    now,
    urls: { create: pageUrl(slug), events: pageUrl(slug, '/events'), abort: (id) => pageUrl(slug, `/${id}/abort`) },
    ...extra,
  };
}

/**
 * `local` (a `datetime-local` value) in the clinic's zone as ISO 8601 with its offset (`readClinicLocalTime`).
 * @throws AppError bad_request naming `field`, also when the clocks skip that time that day.
 */
const clinicInstant = (local: string, clinic: Clinic, field: string): string => readClinicLocalTime(local, clinic.timezone, field).toISO()!;

/**
 * Routes relative to `/admin/cancellations`: `GET /` (the page), `GET /events` (its live lists),
 * `POST /` (log a freed slot) and `POST /:id/abort`. The caller applies the CSRF check.
 */
export function staffCancellationRoutes(deps: AppDeps, sessions: StaffSessions): Hono {
  const app = new Hono();
  const page = requireStaffSession(sessions, { redirect: true });

  const render = async (
    c: Context,
    slug: string,
    extra: Pick<CancellationsView, 'notice' | 'noticeFor' | 'error' | 'errorFor' | 'create'>,
    status: ContentfulStatusCode = 200,
  ) => {
    c.header('Cache-Control', 'no-store');
    return c.html(renderCancellationsPage(await loadView(deps, slug, extra)), status);
  };

  // The lists now and after every change to the clinic's cancellations and offers, as `event: cancellations`.
  app.get('/events', requireStaffSession(sessions, { redirect: false }), (c) =>
    streamClinicChanges(c, deps, sessions, {
      event: 'cancellations',
      query: ZClinicQuery,
      hub: (d) => d.waitlistChanges,
      render: async ({ clinic }) => renderCancellationLists(await loadView(deps, clinic)),
    }),
  );

  app.get('/', page, async (c) => {
    const query = parseOrThrow(ZPageQuery, c.req.query());
    return render(c, query.clinic, { notice: query.notice, noticeFor: query[NOTICE_FOR_PARAM], error: query.error, errorFor: query[ERROR_FOR_PARAM] });
  });

  // Log a freed slot: a bad field re-shows the form as typed with the error beside it; nothing is written.
  app.post('/', page, async (c) => {
    const { clinic: slug } = parseOrThrow(ZClinicQuery, c.req.query());
    const clinic = await getClinicBySlug(deps.sql, slug);
    const form = await readForm(c);
    const values = Object.fromEntries(
      CANCELLATION_FIELDS.map((field) => [field, typeof form[field] === 'string' ? form[field] : '']),
    ) as CancellationForm['values'];
    try {
      const body = parseOrThrow(ZNewCancellation, {
        // A field that is not a whole number stays text, so the schema names it instead of reading 0.
        provider_id: /^\d{1,10}$/.test(values.provider_id) ? Number(values.provider_id) : values.provider_id,
        location: values.location,
        slot_start_at: clinicInstant(values.slot_start_at, clinic, 'slot_start_at'),
        slot_end_at: clinicInstant(values.slot_end_at, clinic, 'slot_end_at'),
        ...(values.reason.trim() === '' ? {} : { reason: values.reason }),
      });
      const cancellation = await logCancellation(deps, clinic, {
        providerId: body.provider_id,
        location: body.location,
        slotStartAt: body.slot_start_at,
        slotEndAt: body.slot_end_at,
        reason: body.reason ?? null,
      });
      return c.redirect(noticeUrl(slug, `Offering ${describeSlot(cancellation, clinic)} to the waitlist.`, cancellation.id), 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const message = labelFieldMessage(error.message, error.field, CANCELLATION_LABELS);
      return render(c, slug, { create: { values, error: { message, field: error.field } } }, STATUS_BY_CODE[error.code]);
    }
  });

  // Abort: 303 back with what happened, or why it was refused, shown in that cancellation's card (the
  // page opened at it for what happened).
  app.post('/:id/abort', page, async (c) => {
    const { clinic: slug } = parseOrThrow(ZClinicQuery, c.req.query());
    let id: string | undefined;
    try {
      const clinic = await getClinicBySlug(deps.sql, slug);
      id = parseOrThrow(ZCancellationId, c.req.param('id'));
      const { outcome, cancellation } = await abortCancellation(deps, clinic, id, 'staff');
      const slot = describeSlot(cancellation, clinic);
      const notice =
        outcome === 'aborted'
          ? `Stopped offering ${slot}; patients holding an offer are told.`
          : `Stopping the offers of ${slot}: the abort is recorded, but the offer workflow has not taken it yet (busy with a round of offers, or not answering). It withdraws them as soon as it does; a YES that reached it first still wins. This card shows when it has.`;
      return c.redirect(noticeUrl(slug, notice, cancellation.id), 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return c.redirect(pageUrl(slug, '', { error: error.message.slice(0, MAX_FLASH_CHARS), [ERROR_FOR_PARAM]: id }), 303);
    }
  });

  return app;
}
