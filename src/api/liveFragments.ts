/**
 * The event stream behind a live staff page (the board, Appointments, Waitlist, Cancellations): a server-rendered
 * fragment now and again after every change it subscribes to, as Server-Sent Events `event: <name>`.
 * Changes that arrive while a fragment renders are folded into one more render, not queued; a comment
 * every 25 s keeps proxies from dropping the idle stream; the stream closes once the staff session ends
 * (sign-out or expiry), and the browser's reconnect then gets a 401.
 */
import type { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Logger } from 'pino';
import { getClinicBySlug } from '../clinics/clinics.js';
import type { AppDeps } from './app.js';
import type { ClinicChangeHub } from './queueChangeHub.js';
import type { StaffSessions } from './session.js';
import { parseOrThrow } from './validation.js';

/** Proxies drop idle connections; a comment this often (ms) keeps the event stream open. */
const KEEP_ALIVE_MS = 25_000;
/** How often an open event stream checks that its staff session is still open (ms). */
const SESSION_CHECK_MS = 5_000;

/** What one live stream needs. */
export interface LiveFragments {
  sessions: StaffSessions;
  /** The id of the staff session that opened the stream. */
  session: string;
  log: Logger;
  /** How often to re-check the session (ms, default 5000). */
  sessionCheckMs?: number | undefined;
  /** The SSE event name, e.g. `board`. */
  event: string;
  /** Subscribes to the changes that call for a new fragment. @returns unsubscribe. */
  subscribe(onChange: () => void): () => void;
  /** Renders the fragment as it is now. */
  render(): Promise<string>;
}

/** Answers `c` with the live stream. */
export function streamLiveFragments(c: Context, live: LiveFragments): Response {
  return streamSSE(c, async (stream) => {
    let changed = true;
    const sessionEnded = new AbortController();
    let wake: () => void = () => undefined;
    const unsubscribe = live.subscribe(() => {
      changed = true;
      wake();
    });
    stream.onAbort(() => {
      unsubscribe();
      wake();
    });
    const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    const sessionCheck = setInterval(() => {
      live.sessions.isOpen(live.session).then(
        (open) => {
          if (open) return;
          sessionEnded.abort();
          wake();
        },
        (error: unknown) => live.log.warn({ err: error }, `${live.event} event stream: session check failed`),
      );
    }, live.sessionCheckMs ?? SESSION_CHECK_MS);
    try {
      while (!stream.aborted && !sessionEnded.signal.aborted) {
        if (!changed) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        changed = false;
        await stream.writeSSE({ event: live.event, data: await live.render() });
      }
    } catch (error) {
      // Ending the stream makes the browser reconnect and receive a fresh fragment.
      live.log.warn({ err: error }, `${live.event} event stream failed`);
    } finally {
      clearInterval(keepAlive);
      clearInterval(sessionCheck);
      unsubscribe();
    }
  });
}

/** What a staff page's `GET …/events` streams: its fragment, rendered for the query, on the clinic's changes. */
export interface ClinicLiveEvents<Q extends { clinic: string }> {
  /** The SSE event name, e.g. `waitlist`. */
  event: string;
  /** The query's schema (the clinic's slug and whatever the fragment needs, e.g. a date). */
  query: z.ZodType<Q>;
  /** The changes that call for a new fragment. */
  hub: (deps: AppDeps) => ClinicChangeHub;
  /** Renders the fragment for `query` as it is now. */
  render: (query: Q) => Promise<unknown>;
}

/**
 * The handler of a staff page's event stream (behind `requireStaffSession`): the fragment now and after
 * every change to the clinic of `?clinic=`, as `event: <live.event>`.
 * @throws AppError bad_request naming the query field; not_found for an unknown clinic.
 */
export async function streamClinicChanges<Q extends { clinic: string }>(
  c: Context,
  deps: AppDeps,
  sessions: StaffSessions,
  live: ClinicLiveEvents<Q>,
): Promise<Response> {
  const query = parseOrThrow(live.query, c.req.query());
  const clinic = await getClinicBySlug(deps.sql, query.clinic);
  return streamLiveFragments(c, {
    sessions,
    session: (await sessions.currentSession(c))!,
    log: deps.log.child({ clinic: query.clinic }),
    sessionCheckMs: deps.sessionCheckMs,
    event: live.event,
    subscribe: (onChange) => live.hub(deps).subscribe(clinic.id, onChange),
    render: async () => String(await live.render(query)),
  });
}
