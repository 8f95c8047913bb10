/**
 * The staff board under `/admin`: sign-in, the board page, its live event stream, and the form posts
 * of its move buttons and rooms-open control; the Appointments, Waitlist, Cancellations, Messages,
 * Settings and Numbers pages (staffAppointments.ts, staffWaitlist.ts, staffCancellations.ts,
 * staffMessages.ts, staffSettings.ts, staffNumbers.ts). Pages need a staff session; `?clinic=<slug>` picks a
 * clinic (default `main`).
 */
import { workflowRunUrl } from './temporalLinks.js';
import { Hono, type Context } from 'hono';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { getClinicBySlug, MAIN_CLINIC_SLUG } from '../clinics/clinics.js';
import { setRoomsOpen } from '../clinics/setRoomsOpen.js';
import { averageServiceTimeToday, findTicketByCode, listOpenTickets, listRecentlyClosedTickets, toTicketView, typicalServiceTime } from '../queue/readQueue.js';
import { transitionTicket } from '../queue/transitionTicket.js';
import { endTicket } from '../queue/endTicket.js';
import type { AppDeps } from './app.js';
import { ZRoomsForm } from './clinic.js';
import { ZEndTicketBody, ZTicketCode, ZTransitionBody } from './queue.js';
import { BOARD_PATH, createStaffSessions, requireStaffSession, sameOriginForms, sessionRoutes, wantsJson } from './session.js';
import { streamClinicChanges } from './liveFragments.js';
import { readForm } from './requestBody.js';
import { staffAppointmentRoutes } from './staffAppointments.js';
import { staffCancellationRoutes } from './staffCancellations.js';
import { staffMessageRoutes } from './staffMessages.js';
import { staffNumbersRoutes } from './staffNumbers.js';
import { staffSettingsRoutes } from './staffSettings.js';
import { staffWaitlistRoutes } from './staffWaitlist.js';
import { ticketJson } from './ticketJson.js';
import { ERROR_FOR_PARAM } from './views/cardError.js';
import { labelFieldMessage, type FieldLabels } from './views/fieldLabels.js';
import { ZClinicQuery, parseOrThrow } from './validation.js';
import { renderBoardFragment, renderBoardPage, type BoardView } from './views/boardView.js';

/** Longest flash message the board shows from its `?error=` parameter (characters). */
const MAX_FLASH_CHARS = 300;
/**
 * How far back the board lists closed tickets with the state each ended in (ms): long enough for a
 * board whose event stream dropped for a while to name how a ticket that left meanwhile ended.
 */
const RECENTLY_CLOSED_MS = 10 * 60_000;
/** The board's controls by the field names their posts send (the rooms open group's − / + buttons). */
const BOARD_LABELS: FieldLabels = { rooms_open: 'Rooms open' };

const ZBoardQuery = ZClinicQuery.extend({
  error: z.string().max(MAX_FLASH_CHARS).optional().catch(undefined),
  [ERROR_FOR_PARAM]: ZTicketCode.optional().catch(undefined),
});

/** The board's URL with `params`, carrying `?clinic=` only for a clinic other than `main`. */
function boardUrl(slug: string, path = '', params: Record<string, string> = {}): string {
  const query = new URLSearchParams(slug === MAIN_CLINIC_SLUG ? params : { clinic: slug, ...params }).toString();
  return `${BOARD_PATH}${path}${query === '' ? '' : `?${query}`}`;
}

async function loadBoard(deps: AppDeps, slug: string): Promise<BoardView> {
  // Read fresh each time: the clinic's name and rooms open may change while a board stays open.
  const clinic = await getClinicBySlug(deps.sql, slug);
  const now = new Date();
  const startOfDay = DateTime.fromJSDate(now).setZone(clinic.timezone).startOf('day').toJSDate();
  const [tickets, serviceTime, etaServiceTime, recentlyClosed] = await Promise.all([
    listOpenTickets(deps.sql, clinic.id),
    averageServiceTimeToday(deps.sql, clinic.id, startOfDay),
    typicalServiceTime(deps.sql, clinic.id),
    listRecentlyClosedTickets(deps.sql, clinic.id, new Date(now.getTime() - RECENTLY_CLOSED_MS)),
  ]);
  return {
    clinic,
    tickets: tickets.map((ticket) => ({
      ...toTicketView(ticket),
      roomAt: ticket.roomAt,
      workflowUrl: workflowRunUrl({ url: deps.temporalUiUrl, namespace: deps.temporalNamespace ?? 'default' }, ticket.workflowId),
    })),
    serviceTime,
    etaServiceTime,
    recentlyClosed,
    now,
    urls: {
      page: boardUrl(slug),
      events: boardUrl(slug, '/events'),
      rooms: boardUrl(slug, '/rooms'),
      transition: (code) => boardUrl(slug, `/tickets/${encodeURIComponent(code)}/state`),
      end: (code) => boardUrl(slug, `/tickets/${encodeURIComponent(code)}/end`),
    },
  };
}

/**
 * Answers a board form post that ran `act`: the script asks for JSON (`act`'s result or the error
 * shape, whose messages name the API's fields); a plain form post gets a 303 back to the board, with a
 * refusal's reason in `?error=` (a field named by the board's label, `BOARD_LABELS`) and,
 * for a ticket's button, the ticket it concerns in `?error_for=` (its card shows it).
 */
async function answerFormPost(c: Context, slug: string, act: () => Promise<object>, ticket?: string): Promise<Response> {
  try {
    const result = await act();
    return wantsJson(c) ? c.json(result) : c.redirect(boardUrl(slug), 303);
  } catch (error) {
    if (wantsJson(c) || !(error instanceof AppError)) throw error;
    const params: Record<string, string> = { error: labelFieldMessage(error.message, error.field, BOARD_LABELS).slice(0, MAX_FLASH_CHARS) };
    if (ticket !== undefined && ZTicketCode.safeParse(ticket).success) params[ERROR_FOR_PARAM] = ticket;
    return c.redirect(boardUrl(slug, '', params), 303);
  }
}

/**
 * Routes under `/admin`: `/login`, `/logout`, `/board`, `/board/events`, `/board/tickets/:code/state`,
 * `/board/tickets/:code/end`, `/board/rooms`, `/appointments…` (staffAppointments.ts), `/waitlist…`
 * (staffWaitlist.ts), `/cancellations…` (staffCancellations.ts), `/messages…`
 * (staffMessages.ts), `/settings…` (staffSettings.ts) and `/numbers` (staffNumbers.ts).
 */
export function boardRoutes(deps: AppDeps): Hono {
  const sessions = createStaffSessions(deps);
  const app = new Hono();
  app.use('*', sameOriginForms(deps.publicBaseUrl));
  app.route('/', sessionRoutes(sessions, deps));
  app.route('/appointments', staffAppointmentRoutes(deps, sessions));
  app.route('/waitlist', staffWaitlistRoutes(deps, sessions));
  app.route('/cancellations', staffCancellationRoutes(deps, sessions));
  app.route('/messages', staffMessageRoutes(deps, sessions));
  app.route('/settings', staffSettingsRoutes(deps, sessions));
  app.route('/numbers', staffNumbersRoutes(deps, sessions));

  app.get('/board', requireStaffSession(sessions, { redirect: true }), async (c) => {
    const query = parseOrThrow(ZBoardQuery, c.req.query());
    const view = await loadBoard(deps, query.clinic);
    c.header('Cache-Control', 'no-store');
    return c.html(renderBoardPage({ ...view, error: query.error, errorFor: query[ERROR_FOR_PARAM], showPhone: deps.consoleTelephone !== undefined }));
  });

  // The board fragment now and after every change to the line, as `event: board` messages.
  app.get('/board/events', requireStaffSession(sessions, { redirect: false }), (c) =>
    streamClinicChanges(c, deps, sessions, {
      event: 'board',
      query: ZClinicQuery,
      hub: (d) => d.queueChanges,
      render: async ({ clinic }) => renderBoardFragment(await loadBoard(deps, clinic)),
    }),
  );

  // A move button; the script gets `{ ticket }`.
  app.post('/board/tickets/:code/state', requireStaffSession(sessions, { redirect: true }), async (c) => {
    const { clinic: slug } = parseOrThrow(ZClinicQuery, c.req.query());
    return answerFormPost(
      c,
      slug,
      async () => {
        const clinic = await getClinicBySlug(deps.sql, slug);
        const code = parseOrThrow(ZTicketCode, c.req.param('code'));
        const body = parseOrThrow(ZTransitionBody, await readForm(c));
        const ticket = await findTicketByCode(deps.sql, clinic.id, code);
        if (ticket === undefined) throw new AppError('not_found', `no ticket ${code}`, 'code');
        return { ticket: ticketJson(await transitionTicket(deps, ticket, body.state, 'staff')) };
      },
      c.req.param('code'),
    );
  });

  // "End ticket": staff's repair for a stuck ticket (see endTicket); the script asks to confirm first.
  app.post('/board/tickets/:code/end', requireStaffSession(sessions, { redirect: true }), async (c) => {
    const { clinic: slug } = parseOrThrow(ZClinicQuery, c.req.query());
    return answerFormPost(
      c,
      slug,
      async () => {
        const clinic = await getClinicBySlug(deps.sql, slug);
        const code = parseOrThrow(ZTicketCode, c.req.param('code'));
        const body = parseOrThrow(ZEndTicketBody, await c.req.parseBody());
        const ticket = await findTicketByCode(deps.sql, clinic.id, code);
        if (ticket === undefined) throw new AppError('not_found', `no ticket ${code}`, 'code');
        return { ticket: ticketJson(await endTicket(deps, clinic.id, ticket, { by: 'board', reason: body.reason ?? null })) };
      },
      c.req.param('code'),
    );
  });

  // The rooms-open − / + buttons: each posts the number it sets, so a repeated post sets the same
  // number again instead of counting twice. The script gets `{ clinic, rooms_open }`.
  app.post('/board/rooms', requireStaffSession(sessions, { redirect: true }), async (c) => {
    const { clinic: slug } = parseOrThrow(ZClinicQuery, c.req.query());
    return answerFormPost(c, slug, async () => {
      const clinic = await getClinicBySlug(deps.sql, slug);
      const body = parseOrThrow(ZRoomsForm, await readForm(c));
      await setRoomsOpen(deps.sql, clinic.id, body.rooms_open);
      return { clinic: clinic.slug, rooms_open: body.rooms_open };
    });
  });

  return app;
}
