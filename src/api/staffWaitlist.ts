/**
 * The staff board's "Waitlist" page under `/admin/waitlist`: the active entries ranked by priority
 * (`listActiveWaitlist`, the same ranking and score parts as `GET /api/waitlist`), a boost form and an
 * urgent toggle per entry, edit and remove, and a form that adds an entry. Forms are read into the
 * JSON API's own schemas (`ZNewEntry`, `ZEntryPatch`) and saved by its functions
 * (`addRequestedEntry`, `changeRequestedEntry`, `endWaitlistEntry`), so the rules and refusals are the
 * same: a refused add or edit answers 400 with the form as typed and the refusal beside the field it
 * names, nothing written; a refused boost or urgent change answers 303 back with the refusal
 * (`?error=`), shown in that entry's card; a saved one, with the outcome (`?notice=` and
 * `?notice_for=`) in that entry's card, the page opened at it (`#entry-<id>`). The leaderboard is live: its event stream re-renders it after every change to the
 * clinic's waitlist (Postgres NOTIFY from triggers, whichever process or path made the change).
 */
import { staffPageUrl } from './staffPageUrl.js';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { getClinicBySlug, type Clinic } from '../clinics/clinics.js';
import { maskPhoneWithCountry } from '../domain/phone.js';
import { AppError, STATUS_BY_CODE } from '../errors.js';
import { readClinicLocalTime } from './clinicLocalTime.js';
import { listProviders } from '../providers/providers.js';
import { endWaitlistEntry, getWaitlistEntry, listActiveWaitlist, type WaitlistEntry } from '../waitlist/waitlistEntries.js';
import type { AppDeps } from './app.js';
import { streamClinicChanges } from './liveFragments.js';
import { readForm, readFormAll } from './requestBody.js';
import { requireStaffSession, type StaffSessions } from './session.js';
import { ERROR_FOR_PARAM } from './views/cardError.js';
import { NOTICE_FOR_PARAM } from './views/cardNotice.js';
import { parseOrThrow, ZClinicQuery, ZClinicSlug } from './validation.js';
import { addRequestedEntry, changeRequestedEntry, ZEntryPatch, ZNewEntry } from './waitlist.js';
import { labelFieldMessage } from './views/fieldLabels.js';
import { ENTRY_FIELDS, ENTRY_LABELS, entryCardId, renderWaitlistBoard, renderWaitlistPage, type EntryForm, type WaitlistView } from './views/waitlistView.js';

/** Where the page lives, as the browser sees it (the board app is mounted at `/admin`). */
export const WAITLIST_PATH = '/admin/waitlist';
/** Longest flash message the page shows from `?notice=` or `?error=` (characters). */
const MAX_FLASH_CHARS = 300;

const flash = z.string().max(MAX_FLASH_CHARS).optional().catch(undefined);
const ZEntryId = z.string().regex(/^[1-9]\d{0,17}$/, 'must be a waitlist entry id');
const ZPageQuery = z.object({
  clinic: ZClinicSlug,
  notice: flash,
  [NOTICE_FOR_PARAM]: ZEntryId.optional().catch(undefined),
  error: flash,
  [ERROR_FOR_PARAM]: ZEntryId.optional().catch(undefined),
});
const ZUrgentForm = z.object({ urgent: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true') });

/** The page's URL for clinic `slug` with `params`, carrying `?clinic=` only for a clinic other than `main`. */
function pageUrl(slug: string, path = '', params: Partial<Record<string, string>> = {}): string {
  return staffPageUrl(WAITLIST_PATH, slug, path, params);
}

/** The page's URL for clinic `slug` with `notice` shown in entry `id`'s card, opened at that card (cardNotice.ts). */
function noticeUrl(slug: string, notice: string, id: string): string {
  return `${pageUrl(slug, '', { notice: notice.slice(0, MAX_FLASH_CHARS), [NOTICE_FOR_PARAM]: id })}#${entryCardId(id)}`;
}

/** The first word of the patient's name, or null. */
const firstName = (e: Pick<WaitlistEntry, 'displayName'>) => e.displayName?.trim().split(/\s+/)[0] ?? null;
/** Short words for a flash message about `e`: "Meera (+1 ••• ••• 0142)". */
const describe = (e: WaitlistEntry) => `${firstName(e) ?? 'The patient'} (${maskPhoneWithCountry(e.phone)})`;

/** The page's view of clinic `slug`'s waitlist; `extra` is the outcome of a form post. */
async function loadView(
  deps: AppDeps,
  slug: string,
  extra: Pick<WaitlistView, 'notice' | 'noticeFor' | 'error' | 'errorFor' | 'add' | 'edit'> = {},
): Promise<WaitlistView> {
  const clinic = await getClinicBySlug(deps.sql, slug);
  const [ranked, providers] = await Promise.all([listActiveWaitlist(deps.sql, clinic.id, new Date()), listProviders(deps.sql, clinic.id)]);
  return {
    clinic,
    lines: ranked.map((entry, index) => ({ entry, rank: index + 1, firstName: firstName(entry), maskedPhone: maskPhoneWithCountry(entry.phone) })),
    providers,
    showPhone: deps.consoleTelephone !== undefined,
    urls: {
      add: pageUrl(slug),
      events: pageUrl(slug, '/events'),
      action: (id, action) => pageUrl(slug, `/${id}/${action}`),
    },
    ...extra,
  };
}

/** The posted entry form: its text fields, the urgent checkbox and the preferred providers' ids. */
async function typedEntryForm(c: Context): Promise<EntryForm> {
  const form = await readFormAll(c);
  const text = (name: string) => {
    const value = form[name];
    return typeof value === 'string' ? value : '';
  };
  const ids = form.provider_ids;
  return {
    values: Object.fromEntries(ENTRY_FIELDS.map((field) => [field, text(field)])) as EntryForm['values'],
    urgent: text('urgent') === 'true',
    providerIds: (Array.isArray(ids) ? ids : [ids]).filter((id): id is string => typeof id === 'string'),
  };
}

/**
 * `form` as the JSON API's body. An empty optional field is left out when adding and clears it when
 * editing (`null`), except phone and name, which an edit keeps when empty; numbers that are not whole
 * numbers stay text, so the schema names the field instead of reading 0.
 * @throws AppError bad_request naming `current_appt_at` when it is no date and time in the clinic's zone, or
 *   one the clocks skip that day (`readClinicLocalTime`).
 */
function entryBody(form: EntryForm, clinic: Clinic, editing: boolean): Record<string, unknown> {
  const v = form.values;
  const cleared = editing ? null : undefined;
  let currentApptAt: string | null | undefined = cleared;
  if (v.current_appt_at !== '') {
    currentApptAt = readClinicLocalTime(v.current_appt_at, clinic.timezone, 'current_appt_at').toISO();
  }
  const body = {
    phone: v.phone === '' && editing ? undefined : v.phone,
    display_name: v.display_name === '' ? undefined : v.display_name,
    channel: v.channel,
    provider_type: v.provider_type,
    provider_ids: form.providerIds.map((id) => (/^\d{1,10}$/.test(id) ? Number(id) : id)),
    current_appt_at: currentApptAt,
    urgent: form.urgent,
    manual_boost: /^\d{1,3}$/.test(v.manual_boost) ? Number(v.manual_boost) : v.manual_boost,
    notes: v.notes.trim() === '' ? cleared : v.notes,
  };
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

/**
 * Routes relative to `/admin/waitlist`: `GET /` (the page), `GET /events` (its live leaderboard),
 * `POST /` (add), and `POST /:id/{boost,urgent,edit,remove}`. The caller applies the CSRF check.
 */
export function staffWaitlistRoutes(deps: AppDeps, sessions: StaffSessions): Hono {
  const app = new Hono();
  const page = requireStaffSession(sessions, { redirect: true });

  const render = async (
    c: Context,
    slug: string,
    extra: Pick<WaitlistView, 'notice' | 'noticeFor' | 'error' | 'errorFor' | 'add' | 'edit'>,
    status: ContentfulStatusCode = 200,
  ) => {
    c.header('Cache-Control', 'no-store');
    return c.html(renderWaitlistPage(await loadView(deps, slug, extra)), status);
  };

  // The leaderboard now and after every change to the clinic's waitlist, as `event: waitlist`.
  app.get('/events', requireStaffSession(sessions, { redirect: false }), (c) =>
    streamClinicChanges(c, deps, sessions, {
      event: 'waitlist',
      query: ZClinicQuery,
      hub: (d) => d.waitlistChanges,
      render: async ({ clinic }) => renderWaitlistBoard(await loadView(deps, clinic)),
    }),
  );

  app.get('/', page, async (c) => {
    const query = parseOrThrow(ZPageQuery, c.req.query());
    return render(c, query.clinic, { notice: query.notice, noticeFor: query[NOTICE_FOR_PARAM], error: query.error, errorFor: query[ERROR_FOR_PARAM] });
  });

  // Add: a bad field re-shows the form as typed with the error beside that field; nothing is written.
  app.post('/', page, async (c) => {
    const { clinic: slug } = parseOrThrow(ZClinicQuery, c.req.query());
    const clinic = await getClinicBySlug(deps.sql, slug);
    const form = await typedEntryForm(c);
    try {
      const entry = await addRequestedEntry(deps.sql, clinic, parseOrThrow(ZNewEntry, entryBody(form, clinic, false)));
      return c.redirect(noticeUrl(slug, `Added ${describe(entry)} to the waitlist.`, entry.id), 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const message = labelFieldMessage(error.message, error.field, ENTRY_LABELS);
      return render(c, slug, { add: { ...form, error: { message, field: error.field } } }, STATUS_BY_CODE[error.code]);
    }
  });

  // Edit: as adding, with that entry's form open again after a refusal.
  app.post('/:id/edit', page, async (c) => {
    const { clinic: slug } = parseOrThrow(ZClinicQuery, c.req.query());
    const clinic = await getClinicBySlug(deps.sql, slug);
    const id = parseOrThrow(ZEntryId, c.req.param('id'));
    const form = await typedEntryForm(c);
    try {
      const entry = await changeRequestedEntry(deps.sql, clinic, id, parseOrThrow(ZEntryPatch, entryBody(form, clinic, true)));
      return c.redirect(noticeUrl(slug, `Saved ${describe(entry)}.`, entry.id), 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'not_found') return c.redirect(pageUrl(slug, '', { error: error.message.slice(0, MAX_FLASH_CHARS) }), 303);
      const message = labelFieldMessage(error.message, error.field, ENTRY_LABELS);
      return render(c, slug, { edit: { id, form: { ...form, error: { message, field: error.field } } } }, STATUS_BY_CODE[error.code]);
    }
  });

  // One-submit changes: 303 back with what happened, or why it was refused (nothing written then),
  // shown in that entry's card, the page opened at it; a removed entry has no card: its notice is above the list.
  app.post('/:id/:action', page, async (c) => {
    const { clinic: slug } = parseOrThrow(ZClinicQuery, c.req.query());
    const back = (flash: { notice: string } | { error: string; [ERROR_FOR_PARAM]?: string }) => c.redirect(pageUrl(slug, '', flash), 303);
    const backTo = (entry: WaitlistEntry, notice: string) => c.redirect(noticeUrl(slug, notice, entry.id), 303);
    let id: string | undefined;
    try {
      const clinic = await getClinicBySlug(deps.sql, slug);
      id = parseOrThrow(ZEntryId, c.req.param('id'));
      const action = parseOrThrow(z.enum(['boost', 'urgent', 'remove'], { error: 'must be boost, urgent, edit or remove' }), c.req.param('action'));
      const form = await readForm(c);
      if (action === 'remove') {
        const entry = await getWaitlistEntry(deps.sql, clinic.id, id);
        await endWaitlistEntry(deps.sql, clinic.id, id);
        return back({ notice: `Took ${describe(entry)} off the waitlist.` });
      }
      if (action === 'boost') {
        const boost = typeof form.manual_boost === 'string' && /^\d{1,3}$/.test(form.manual_boost) ? Number(form.manual_boost) : form.manual_boost;
        const patch = parseOrThrow(ZEntryPatch.pick({ manual_boost: true }).required(), { manual_boost: boost });
        const entry = await changeRequestedEntry(deps.sql, clinic, id, patch);
        return backTo(entry, `Boost of ${describe(entry)} set to ${entry.manualBoost}.`);
      }
      const { urgent } = parseOrThrow(ZUrgentForm, form);
      const entry = await changeRequestedEntry(deps.sql, clinic, id, { urgent });
      return backTo(entry, `${describe(entry)} is ${urgent ? 'urgent' : 'no longer urgent'}.`);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return back({ error: labelFieldMessage(error.message, error.field, ENTRY_LABELS).slice(0, MAX_FLASH_CHARS), [ERROR_FOR_PARAM]: id });
    }
  });

  return app;
}
