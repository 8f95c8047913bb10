/**
 * The waiting-room kiosk under `/kiosk`: people without a phone take a ticket with one tap. Open
 * without sign-in (it stands in the waiting room); joins are CSRF-checked and rate-limited per IP,
 * need a nonce the server issued with the page within the hour (kioskNonces.ts), and stop at the
 * clinic's `kiosk_tickets_per_hour`.
 * While Temporal or Postgres cannot be reached it shows a page sending visitors to the front desk.
 * `?clinic=<slug>` picks a clinic (default `main`).
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { getClinicBySlug, MAIN_CLINIC_SLUG } from '../clinics/clinics.js';
import { joinQueue } from '../queue/joinQueue.js';
import { claimKioskNonce, issueKioskNonce } from '../queue/kioskNonces.js';
import type { AppDeps } from './app.js';
import { handleError, isServiceUnavailable } from './errors.js';
import { limitBodySize, readForm } from './requestBody.js';
import { limitPerClient } from './clientRateLimit.js';
import { sameOriginForms } from './session.js';
import { ZClinicQuery, parseOrThrow } from './validation.js';
import { KIOSK_NOTE_MAX, renderKioskHome, renderKioskNotice, renderKioskTicket } from './views/kioskView.js';

/** Joins one kiosk may make per minute: generous for a busy waiting room, small for a script. */
const JOINS_PER_MINUTE = 30;

/** What a visitor reads when their form's nonce is not one the kiosk issued in the last hour. */
const STALE_FORM = 'This page was open too long. Please tap "Get a ticket" again.';

const ZKioskJoin = z.object({
  nonce: z.uuid('must be the key from the kiosk form'),
  note: z
    .string()
    .trim()
    .max(KIOSK_NOTE_MAX, `must be at most ${KIOSK_NOTE_MAX} characters`)
    .optional()
    .transform((note) => (note === undefined || note === '' ? null : note)),
});

function kioskUrl(slug: string, path = ''): string {
  return `/kiosk${path}${slug === MAIN_CLINIC_SLUG ? '' : `?${new URLSearchParams({ clinic: slug }).toString()}`}`;
}

/** The start page of the clinic the request names, for a notice's way back (main if the query is bad). */
function homeUrlOf(c: Context): string {
  const query = ZClinicQuery.safeParse(c.req.query());
  return kioskUrl(query.success ? query.data.clinic : MAIN_CLINIC_SLUG);
}

/** Routes under `/kiosk`: `GET /` (the start page) and `POST /join`. */
export function kioskRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  // A page, not the JSON error, when Temporal or Postgres is down: it returns to the start page
  // every 30 s, so the kiosk comes back by itself once they answer again.
  const answerError = handleError(deps.log);
  app.onError((error, c) => {
    if (!isServiceUnavailable(error) && !(error instanceof AppError && error.code === 'unavailable')) return answerError(error, c);
    deps.log.warn({ err: error }, 'kiosk unavailable: Temporal or Postgres not answering');
    const message = "We can't print tickets right now. Please ask at the front desk.";
    return c.html(renderKioskNotice({ title: "We're sorry", message, homeUrl: homeUrlOf(c) }), 503);
  });
  app.use('*', sameOriginForms(deps.publicBaseUrl));
  app.use(
    '*',
    limitBodySize((c) => {
      const message = "That was more than a ticket needs. Please tap 'Get a ticket' again, or ask at the front desk.";
      return c.html(renderKioskNotice({ title: 'Please try again', message, homeUrl: homeUrlOf(c) }), 413);
    }),
  );
  // Each page carries a fresh one-time key, so no cache may hand the same form to two visitors.
  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  app.get('/', async (c) => {
    const { clinic: slug } = parseOrThrow(ZClinicQuery, c.req.query());
    const clinic = await getClinicBySlug(deps.sql, slug);
    return c.html(renderKioskHome({ clinicName: clinic.name, joinUrl: kioskUrl(slug, '/join'), nonce: await issueKioskNonce(deps.sql, clinic.id) }));
  });

  app.post(
    '/join',
    limitPerClient({
      sql: deps.sql,
      scope: (c) => {
        const query = ZClinicQuery.safeParse(c.req.query());
        return `kiosk-join:${query.success ? query.data.clinic : '(bad clinic)'}`;
      },
      trustProxy: deps.trustProxy ?? 0,
      limit: JOINS_PER_MINUTE,
      windowMs: 60_000,
      refuse: (c) => {
        const message = 'Many tickets were taken just now. Please try again in a minute, or ask at the front desk.';
        return c.html(renderKioskNotice({ title: 'One moment, please', message, homeUrl: homeUrlOf(c) }), 429);
      },
    }),
    async (c) => {
      const { clinic: slug } = parseOrThrow(ZClinicQuery, c.req.query());
      const clinic = await getClinicBySlug(deps.sql, slug);
      let form: Record<string, string | File> = {};
      const again = async (status: 400 | 409, error: string) => {
        const nonce = await issueKioskNonce(deps.sql, clinic.id);
        const note = typeof form.note === 'string' ? form.note : '';
        return c.html(renderKioskHome({ clinicName: clinic.name, joinUrl: kioskUrl(slug, '/join'), nonce, note, error }), status);
      };
      try {
        form = await readForm(c);
      } catch {
        return again(400, 'Something went wrong with that tap. Please try again.');
      }

      let request: z.infer<typeof ZKioskJoin>;
      try {
        request = parseOrThrow(ZKioskJoin, form);
      } catch (error) {
        if (error instanceof AppError && error.field === 'note') return again(400, `Your note is too long: please keep it to ${KIOSK_NOTE_MAX} characters.`);
        if (error instanceof AppError && error.field === 'nonce') return again(400, STALE_FORM);
        throw error;
      }

      const claim = await claimKioskNonce(deps.sql, clinic.id, request.nonce);
      // A made-up key, or a page left open past the hour: a fresh form, never a ticket.
      if (claim === 'unknown') return again(400, STALE_FORM);
      if (claim === 'capped') {
        const message = 'The kiosk has given all its tickets for this hour. Please ask at the front desk, and we will add you to the line.';
        return c.html(renderKioskNotice({ title: 'Please see the front desk', message, homeUrl: kioskUrl(slug) }), 429);
      }

      let outcome: Awaited<ReturnType<typeof joinQueue>>;
      try {
        outcome = await joinQueue(deps, { clinic, phone: null, channel: 'kiosk', note: request.note, joinKey: `kiosk:${request.nonce}` });
      } catch (error) {
        // The same form sent again after its ticket ended (a back button hours later).
        if (error instanceof AppError && error.code === 'conflict') return again(409, 'That ticket has already ended. Tap "Get a ticket" for a new one.');
        throw error;
      }

      return c.html(
        renderKioskTicket({
          clinicName: clinic.name,
          homeUrl: kioskUrl(slug),
          ticket: outcome.ticket,
          nextDay: outcome.nextDay,
          serviceDay: outcome.serviceDay,
        }),
      );
    },
  );

  return app;
}
