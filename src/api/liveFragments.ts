/**
 * The event stream behind a live staff page (the board, the Appointments page): a server-rendered
 * fragment now and again after every change it subscribes to, as Server-Sent Events `event: <name>`.
 * Changes that arrive while a fragment renders are folded into one more render, not queued; a comment
 * every 25 s keeps proxies from dropping the idle stream; the stream closes once the staff session ends
 * (sign-out or expiry), and the browser's reconnect then gets a 401.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Logger } from 'pino';
import type { StaffSessions } from './session.js';

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
