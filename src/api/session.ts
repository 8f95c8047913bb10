/**
 * The browser pages' protection: staff sign-in with the admin password (a signed, HttpOnly,
 * SameSite=Strict session cookie for 12 hours), CSRF checks on form posts, and per-client rate limits.
 */
import { createHash, hkdfSync, timingSafeEqual } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { rateLimiter } from 'hono-rate-limiter';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { renderLoginPage } from './views/loginView.js';

/** Where the sign-in page lives, as the browser sees it (the board app is mounted at `/admin`). */
export const LOGIN_PATH = '/admin/login';
/** Where staff land after signing in when no other page was asked for. */
export const BOARD_PATH = '/admin/board';
/** How long a session lasts, in seconds (one long clinic day). */
export const SESSION_SECONDS = 12 * 60 * 60;

const COOKIE_NAME = 'frontdesk_staff';
// Only the board needs the cookie; the kiosk and the webhooks never see it.
const COOKIE_PATH = '/admin';
const LOGIN_ATTEMPTS = { limit: 10, windowMs: 15 * 60 * 1000 };

/** What the session helpers need from the app's dependencies. */
export interface SessionDeps {
  adminPassword: string;
  adminApiToken: string;
  publicBaseUrl: string | undefined;
}

/** Staff sessions signed with a secret derived from the admin password and API token. */
export interface StaffSessions {
  /** Whether `candidate` is the admin password (constant time). */
  passwordMatches(candidate: string): boolean;
  /** Sets the session cookie on the response. */
  start(c: Context): Promise<void>;
  /** Clears the session cookie. */
  end(c: Context): void;
  /** Whether the request carries a valid, unexpired session cookie. */
  isSignedIn(c: Context): Promise<boolean>;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Sessions for `deps`; changing the password or API token invalidates every cookie already issued. */
export function createStaffSessions(deps: SessionDeps): StaffSessions {
  const secret = hkdfSync('sha256', deps.adminPassword, deps.adminApiToken, 'frontdesk staff session cookie', 32);
  const expected = sha256(deps.adminPassword);
  const publicIsHttps = deps.publicBaseUrl?.startsWith('https:') ?? false;
  const cookieOptions = (c: Context) =>
    ({ path: COOKIE_PATH, httpOnly: true, sameSite: 'Strict', secure: publicIsHttps || new URL(c.req.url).protocol === 'https:' }) as const;

  return {
    // Hashing first gives equal-length buffers, so the comparison leaks neither content nor length.
    passwordMatches: (candidate) => timingSafeEqual(sha256(candidate), expected),
    start: (c) => setSignedCookie(c, COOKIE_NAME, String(Date.now()), secret, { ...cookieOptions(c), maxAge: SESSION_SECONDS }),
    end: (c) => void deleteCookie(c, COOKIE_NAME, cookieOptions(c)),
    async isSignedIn(c) {
      const value = await getSignedCookie(c, secret, COOKIE_NAME);
      if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return false;
      // Max-Age only asks the browser to forget; the server enforces the lifetime itself.
      const age = Date.now() - Number(value);
      return age >= -60_000 && age <= SESSION_SECONDS * 1000;
    },
  };
}

/**
 * Lets signed-in staff through. Without a session: with `redirect`, a browser asking for a page gets a
 * 303 to the sign-in page (coming back afterwards); a request for JSON or an event stream gets a 401.
 * @throws AppError unauthorized.
 */
export function requireStaffSession(sessions: StaffSessions, options: { redirect: boolean }): MiddlewareHandler {
  return async (c, next) => {
    if (await sessions.isSignedIn(c)) return next();
    if (options.redirect && !wantsJson(c)) {
      const url = new URL(c.req.url);
      // A form post cannot be replayed after sign-in, so it comes back to the board instead.
      const back = c.req.method === 'GET' ? `${url.pathname}${url.search}` : BOARD_PATH;
      return c.redirect(`${LOGIN_PATH}?${new URLSearchParams({ next: back })}`, 303);
    }
    throw new AppError('unauthorized', 'sign in to the board first');
  };
}

/** Whether the client asked for a JSON answer (the board's script does) rather than a page. */
export function wantsJson(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('application/json');
}

/**
 * Refuses (403) form posts from other sites: the Origin (or Sec-Fetch-Site) must be the request's
 * own origin or that of `publicBaseUrl`, which is what browsers send from behind a proxy.
 */
export function sameOriginForms(publicBaseUrl: string | undefined): MiddlewareHandler {
  const publicOrigin = publicBaseUrl === undefined ? undefined : new URL(publicBaseUrl).origin;
  return csrf({ origin: (origin, c) => origin === new URL(c.req.url).origin || origin === publicOrigin });
}

/** The client's IP address from the socket; `unknown` when there is none (`app.request()` in tests). */
export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * An in-memory per-IP rate limit of `limit` requests per `windowMs` (ms), counting only failed (4xx/5xx)
 * answers with `onlyFailures`. Over the limit, `refuse` answers (a page for people), else the 429 error shape.
 */
export function limitPerClient(options: {
  limit: number;
  windowMs: number;
  onlyFailures?: boolean;
  refuse?: (c: Context) => Response | Promise<Response>;
}): MiddlewareHandler {
  const { refuse } = options;
  return rateLimiter({
    limit: options.limit,
    windowMs: options.windowMs,
    keyGenerator: clientAddress,
    skipSuccessfulRequests: options.onlyFailures ?? false,
    standardHeaders: 'draft-7',
    handler: async (c) => {
      if (refuse !== undefined) return refuse(c);
      throw new AppError('rate_limited', 'too many requests; wait a few minutes and try again');
    },
  });
}

const ZNext = z
  .string()
  // Only pages of the board itself, so the sign-in page cannot be used to send staff elsewhere.
  .regex(/^\/admin\/[A-Za-z0-9/_?=&%.-]*$/)
  .refine((next) => !next.startsWith(LOGIN_PATH))
  .catch(BOARD_PATH);

const ZLoginForm = z.object({ password: z.string().max(1000).catch(''), next: ZNext });

/** `GET/POST /login` and `POST /logout`, relative to `/admin`. Failed sign-ins are limited per IP. */
export function sessionRoutes(sessions: StaffSessions): Hono {
  const app = new Hono();

  app.get('/login', async (c) => {
    if (await sessions.isSignedIn(c)) return c.redirect(ZNext.parse(c.req.query('next')), 303);
    return c.html(renderLoginPage({ next: ZNext.parse(c.req.query('next')) }));
  });

  app.post(
    '/login',
    limitPerClient({
      ...LOGIN_ATTEMPTS,
      onlyFailures: true,
      refuse: (c) => c.html(renderLoginPage({ next: BOARD_PATH, error: 'Too many attempts. Wait a few minutes, then try again.' }), 429),
    }),
    async (c) => {
      const form = ZLoginForm.parse(await c.req.parseBody());
      if (!sessions.passwordMatches(form.password)) {
        return c.html(renderLoginPage({ next: form.next, error: 'That password is not right.' }), 401);
      }
      await sessions.start(c);
      return c.redirect(form.next, 303);
    },
  );

  app.post('/logout', (c) => {
    sessions.end(c);
    return c.redirect(LOGIN_PATH, 303);
  });

  return app;
}
