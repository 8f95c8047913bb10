/**
 * The waiting-room kiosk under `/kiosk`: people without a phone take a ticket with one tap. Open
 * without sign-in (it stands in the waiting room); joins are CSRF-checked and rate-limited per IP.
 * While Temporal or Postgres cannot be reached it shows a page sending visitors to the front desk.
 * `?clinic=<slug>` picks a clinic (default `main`).
 */
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { getClinicBySlug, MAIN_CLINIC_SLUG } from '../clinics/clinics.js';
import { joinQueue } from '../queue/joinQueue.js';
import type { AppDeps } from './app.js';
import { handleError, isServiceUnavailable } from './errors.js';
import { limitPerClient, sameOriginForms } from './session.js';
import { ZClinicQuery, parseOrThrow } from './validation.js';
import { KIOSK_NOTE_MAX, renderKioskHome, renderKioskNotice, renderKioskTicket } from './views/kioskView.js';

/** Joins one kiosk may make per minute: generous for a busy waiting room, small for a script. */
const JOINS_PER_MINUTE = 30;


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
  return `/kiosk${path}${slug === MAIN_CLINIC_SLUG ? '' : `?${new URLSearchParams({ clinic: slug })}`}`;
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
    if (!isServiceUnavailable(error)) return answerError(error, c);
    deps.log.warn({ err: error }, 'kiosk unavailable: Temporal or Postgres not answering');
    const message = "We can't print tickets right now. Please ask at the front desk.";
    return c.html(renderKioskNotice({ title: "We're sorry", message, homeUrl: homeUrlOf(c) }), 503);
  });
  app.use('*', sameOriginForms(deps.publicBaseUrl));
  // Each page carries a fresh one-time key, so no cache may hand the same form to two visitors.
  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  app.get('/', async (c) => {
    const { clinic: slug } = parseOrThrow(ZClinicQuery, c.req.query());
    const clinic = await getClinicBySlug(deps.sql, slug);
    return c.html(renderKioskHome({ clinicName: clinic.name, joinUrl: kioskUrl(slug, '/join'), nonce: randomUUID() }));
  });

  app.post(
    '/join',
    limitPerClient({
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
      const form = await c.req.parseBody();
      const again = (status: 400 | 409, error: string) =>
        c.html(
          renderKioskHome({ clinicName: clinic.name, joinUrl: kioskUrl(slug, '/join'), nonce: randomUUID(), note: typeof form.note === 'string' ? form.note : '', error }),
          status,
        );

      let request: z.infer<typeof ZKioskJoin>;
      try {
        request = parseOrThrow(ZKioskJoin, form);
      } catch (error) {
        if (error instanceof AppError && error.field === 'note') return again(400, `Your note is too long: please keep it to ${KIOSK_NOTE_MAX} characters.`);
        throw error;
      }

      let outcome: Awaited<ReturnType<typeof joinQueue>>;
      try {
        outcome = await joinQueue(deps, { clinic, phone: null, channel: 'kiosk', note: request.note, joinKey: `kiosk:${request.nonce}` });
      } catch (error) {
        // The same form sent again after its ticket ended (a back button hours later).
        if (error instanceof AppError && error.code === 'conflict') return again(409, 'That ticket has already ended. Tap "Get a ticket" for a new one.');
        throw error;
      }

      return c.html(renderKioskTicket({ clinicName: clinic.name, homeUrl: kioskUrl(slug), ticket: outcome.ticket }));
    },
  );

  return app;
}
