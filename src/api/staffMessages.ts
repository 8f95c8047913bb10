/**
 * The staff board's "Messages and calls" page under `/admin/messages`: the clinic's log of texts and
 * reminder calls with filters and pages (`GET /`; "← Newer" / "Older →" links carry the filters and a
 * `cursor`, read by `pageCursor.ts` and held to those filters), numbers masked; `POST /reveal` shows one entry's
 * full number after logging who asked (`revealPhone`). The list is live: `GET /events` streams it again,
 * for the same filters and page, after every new or changed message or call of the clinic (Postgres
 * NOTIFY from triggers, whichever process wrote it), as the Appointments and Waitlist pages are. Sign-in
 * required; the caller applies the CSRF check. `?clinic=<slug>` picks a clinic (default `main`).
 */
import { staffPageUrl } from './staffPageUrl.js';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { getClinicBySlug, type Clinic } from '../clinics/clinics.js';
import { parseAddress } from '../domain/phone.js';
import { AppError, STATUS_BY_CODE } from '../errors.js';
import { LOG_CHANNELS, LOG_STATUSES, listLogPage, type LogFilters, type LogKey } from '../messaging/messageLog.js';
import { revealPhone } from '../messaging/revealPhone.js';
import type { AppDeps } from './app.js';
import { clientAddress } from './clientAddress.js';
import { encodeCursor, ZKeyId, ZKeyInstant, ZPageCursor, ZPagedQuery } from './pageCursor.js';
import { streamClinicChanges } from './liveFragments.js';
import { readForm } from './requestBody.js';
import { requireStaffSession, type StaffSessions } from './session.js';
import { parseOrThrow, ZCalendarDate, ZClinicSlug } from './validation.js';
import { labelFieldMessage } from './views/fieldLabels.js';
import { FILTER_LABELS, renderMessagesLog, renderMessagesPage, type MessageFilterForm, type MessagesView } from './views/messagesView.js';

/** Where the page lives, as the browser sees it. */
export const MESSAGES_PATH = '/admin/messages';
/** Entries per page. */
export const MESSAGES_PAGE_SIZE = 50;
/** The log page's name in its cursors (not the JSON API's `messages`: its order and entries differ). */
const MESSAGE_LOG_LIST = 'message-log';
/** What staff read when a page link's cursor is refused (altered, or its filters changed since). */
const CURSOR_REFUSED = 'Page link: is not one this page gave for these filters (it was changed, or the filters were); start again from the newest entries';

/** An empty form field is no filter. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** The filters as typed, and `cursor`: which way to go from which entry, held to those filters. */
const ZFilterQuery = ZPagedQuery(
  MESSAGE_LOG_LIST,
  z.object({
    clinic: ZClinicSlug,
    phone: optional(z.string().max(40, 'must be a phone number')),
    direction: optional(z.enum(['inbound', 'outbound'], { error: 'must be inbound or outbound' })),
    channel: optional(z.enum(LOG_CHANNELS, { error: 'must be sms, whatsapp or voice' })),
    status: optional(z.enum(LOG_STATUSES, { error: 'must be a message or call status' })),
    date: optional(ZCalendarDate),
    cursor: optional(
      ZPageCursor(
        MESSAGE_LOG_LIST,
        z
          .tuple([z.enum(['older', 'newer']), ZKeyInstant(6), z.enum(['message', 'call']), ZKeyId])
          .transform(([direction, at, kind, id]) => ({ direction, key: { at, kind, id } })),
      ),
    ),
  }),
);
/** The live list's query: the page's own, as typed (the filters and `cursor` are read as the page reads them). */
const ZEventsQuery = z.object({ clinic: ZClinicSlug }).catchall(z.string());
const ZRevealForm = z.object({
  entry: z.string({ error: 'must name a log entry' }).regex(/^(message|call):[1-9]\d{0,17}$/, 'must name a log entry (message:<id> or call:<id>)'),
});

/** The page's URL for clinic `slug` with `params` (empty ones left out). */
function pageUrl(slug: string, path = '', params: Partial<Record<string, string>> = {}): string {
  return staffPageUrl(MESSAGES_PATH, slug, path, params);
}

/** The filter fields as typed, for the form to show again. */
function typedFilters(query: Record<string, string>): MessageFilterForm {
  const text = (name: keyof MessageFilterForm) => (query[name] ?? '').slice(0, 40);
  return { phone: text('phone'), direction: text('direction'), channel: text('channel'), status: text('status'), date: text('date') };
}

/** The SQL filters for the parsed query: the phone read in the clinic's country, the day in its zone. @throws AppError naming `phone`. */
function logFilters(clinic: Clinic, q: z.infer<typeof ZFilterQuery>): LogFilters {
  let phone: string | undefined;
  if (q.phone !== undefined) {
    phone = parseAddress(q.phone, clinic.defaultCountry)?.phone;
    if (phone === undefined) throw new AppError('bad_request', `phone: must be a phone number, E.164 or local to ${clinic.defaultCountry}`, 'phone');
  }
  const day = q.date === undefined ? undefined : DateTime.fromISO(q.date, { zone: clinic.timezone }).startOf('day');
  return {
    phone,
    direction: q.direction,
    channel: q.channel,
    status: q.status,
    between: day === undefined ? undefined : { from: day.toJSDate(), to: day.plus({ days: 1 }).toJSDate() },
  };
}

/**
 * The log page for query `raw` (as typed): its view, and 400 for filters or a cursor it refuses (the
 * view then names the field); `revealed` is an entry whose number was just shown (and logged).
 */
async function loadLog(
  deps: AppDeps,
  raw: Record<string, string>,
  revealed?: MessagesView['revealed'],
): Promise<{ view: MessagesView; status: ContentfulStatusCode }> {
  const slug = parseOrThrow(ZClinicSlug, raw.clinic);
  const clinic = await getClinicBySlug(deps.sql, slug);
  const filters = typedFilters(raw);
  const base: Omit<MessagesView, 'entries' | 'urls'> = { clinic, showPhone: deps.consoleTelephone !== undefined, filters, revealed };
  // The first page of this filtered list: "Newest" while on another.
  const newest = pageUrl(slug, '', { ...filters });
  let status: ContentfulStatusCode = 200;
  let view: MessagesView;
  try {
    const q = parseOrThrow(ZFilterQuery, raw);
    const page = await listLogPage(deps.sql, clinic.id, logFilters(clinic, q), { limit: MESSAGES_PAGE_SIZE, from: q.cursor?.key });
    /** The page going `direction` from the entry at `key`, with these filters. */
    const going = (direction: 'older' | 'newer', key: LogKey | null) =>
      key === null ? undefined : pageUrl(slug, '', { ...filters, cursor: encodeCursor(MESSAGE_LOG_LIST, q, [direction, key.at, key.kind, key.id]) });
    view = {
      ...base,
      entries: page.entries,
      urls: {
        filter: MESSAGES_PATH,
        clear: pageUrl(slug),
        // After "Show number", this same page again.
        reveal: pageUrl(slug, '/reveal', { ...filters, cursor: q.cursor === undefined ? undefined : raw.cursor }),
        newest: page.newer === null ? undefined : newest,
        newer: going('newer', page.newer),
        older: going('older', page.older),
        // A number shown in full stays so: that page is not swapped for one with it masked again.
        events: revealed === undefined ? pageUrl(slug, '/events', { ...filters, cursor: q.cursor === undefined ? undefined : raw.cursor }) : undefined,
      },
    };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'bad_request') throw error;
    status = STATUS_BY_CODE[error.code];
    view = {
      ...base,
      error: { message: error.field === 'cursor' ? CURSOR_REFUSED : labelFieldMessage(error.message, error.field, FILTER_LABELS), field: error.field },
      entries: [],
      urls: {
        filter: MESSAGES_PATH,
        clear: pageUrl(slug),
        reveal: pageUrl(slug, '/reveal'),
        newest: error.field === 'cursor' ? newest : undefined,
      },
    };
  }
  return { view, status };
}

/** Routes relative to `/admin/messages`: `GET /`, `GET /events` and `POST /reveal`. */
export function staffMessageRoutes(deps: AppDeps, sessions: StaffSessions): Hono {
  const app = new Hono();
  const page = requireStaffSession(sessions, { redirect: true });

  /** Answers the log page for the request's query; `revealed` is an entry whose number was just shown (and logged). */
  const renderLog = async (c: Context, revealed?: MessagesView['revealed']) => {
    const { view, status } = await loadLog(deps, c.req.query(), revealed);
    c.header('Cache-Control', 'no-store');
    return c.html(renderMessagesPage(view), status);
  };

  app.get('/', page, (c) => renderLog(c));

  // The list now and after every new or changed message or call of the clinic, as `event: messages`.
  app.get('/events', requireStaffSession(sessions, { redirect: false }), (c) =>
    streamClinicChanges(c, deps, sessions, {
      event: 'messages',
      query: ZEventsQuery,
      hub: (d) => d.messageLogChanges,
      render: async (query) => renderMessagesLog((await loadLog(deps, query)).view),
    }),
  );

  // The address the browser shows after "Show number", reopened later: the list as it was filtered,
  // every number masked (a number is shown only in answer to the post, which logs it).
  app.get('/reveal', page, (c) => c.redirect(`${MESSAGES_PATH}${new URL(c.req.url).search}`, 303));

  // "Show number": logged first, then the same page with that one entry's number in full.
  app.post('/reveal', page, async (c) => {
    const clinic = await getClinicBySlug(deps.sql, parseOrThrow(ZClinicSlug, c.req.query('clinic')));
    const [kind, id] = parseOrThrow(ZRevealForm, await readForm(c)).entry.split(':') as ['message' | 'call', string];
    const phone = await revealPhone(deps.sql, {
      clinicId: clinic.id,
      staffSessionId: (await sessions.currentSession(c))!,
      clientAddress: clientAddress(c, deps.trustProxy ?? 0),
      entry: { kind, id },
    });
    deps.log.info({ clinic: clinic.slug, entry: `${kind}:${id}` }, 'a full phone number was shown to staff on the message log');
    return renderLog(c, { kind, id, phone });
  });

  return app;
}
