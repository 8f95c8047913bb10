/**
 * The browser pages' protection: staff sign-in with the admin password (a server-side session for 12
 * hours whose id rides in a signed, HttpOnly, SameSite=Strict cookie), CSRF checks on form posts, and
 * per-client rate limits.
 */
import { createHash, createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { z } from 'zod';
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { addressGroup, clientAddress } from './clientAddress.js';
import { limitBodySize, readForm } from './requestBody.js';
import { ACCOUNT_FAILURE_LIMIT, ACCOUNT_SLOWDOWN_MS, ADDRESS_FAILURE_LIMIT, addressKey, countSignInFailures, recordSignInFailure } from './signInFailures.js';
import { renderLoginPage } from './views/loginView.js';

/** Where the sign-in page lives, as the browser sees it (the board app is mounted at `/admin`). */
export const LOGIN_PATH = '/admin/login';
/** Where staff land after signing in when no other page was asked for. */
export const BOARD_PATH = '/admin/board';
/** How long a session lasts, in seconds (one long clinic day). */
export const SESSION_SECONDS = 12 * 60 * 60;

const COOKIE_NAME = 'frontdesk_staff';
// The board and the Temporal UI's codec endpoint (/codec) need the cookie: the narrowest path for both is '/'.
const COOKIE_PATH = '/';

/** What the session helpers need from the app's dependencies. */
export interface SessionDeps {
  sql: Sql;
  adminPassword: string;
  adminApiToken: string;
  publicBaseUrl: string | undefined;
  /** Reverse proxies to trust for the client address (see clientAddress.ts); default 0. */
  trustProxy?: number;
  /** Session lifetime (seconds); default `SESSION_SECONDS`. Tests shorten it. */
  sessionSeconds?: number;
}

/**
 * Staff sessions: a `staff_sessions` row per sign-in, its id in a cookie signed with a secret derived
 * from the admin password and API token.
 */
export interface StaffSessions {
  /** Whether `candidate` is the admin password (constant time). */
  passwordMatches(candidate: string): boolean;
  /** Records a new session and sets its cookie on the response. */
  start(c: Context): Promise<void>;
  /** Marks the request's session ended (server side) and clears the cookie. */
  end(c: Context): Promise<void>;
  /** The id of the request's session if its cookie is valid and the session neither ended nor expired. */
  currentSession(c: Context): Promise<string | undefined>;
  /** Whether session `id` is still open (not ended, not expired). */
  isOpen(id: string): Promise<boolean>;
  /**
   * The key this deployment's admin account counts failed sign-ins under (`account:` and 16 hex
   * digits derived from the session secret), so a new password starts a fresh count.
   */
  accountKey: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Sessions for `deps`; changing the password or API token invalidates every cookie already issued. */
export function createStaffSessions(deps: SessionDeps): StaffSessions {
  const secret = hkdfSync('sha256', deps.adminPassword, deps.adminApiToken, 'frontdesk staff session cookie', 32);
  const expected = sha256(deps.adminPassword);
  const lifetimeSeconds = deps.sessionSeconds ?? SESSION_SECONDS;
  const publicIsHttps = deps.publicBaseUrl?.startsWith('https:') ?? false;
  const cookieOptions = (c: Context) =>
    ({ path: COOKIE_PATH, httpOnly: true, sameSite: 'Strict', secure: publicIsHttps || new URL(c.req.url).protocol === 'https:' }) as const;
  const cookieSession = async (c: Context) => {
    const value = await getSignedCookie(c, secret, COOKIE_NAME);
    return typeof value === 'string' && UUID.test(value) ? value : undefined;
  };
  // Max-Age only asks the browser to forget; the server enforces the lifetime and sign-out itself.
  const isOpen = async (id: string) => (await deps.sql`select 1 from staff_sessions where id = ${id} and ended_at is null and expires_at > now()`).length > 0;

  return {
    // Hashing first gives equal-length buffers, so the comparison leaks neither content nor length.
    passwordMatches: (candidate) => timingSafeEqual(sha256(candidate), expected),
    async start(c) {
      const id = randomUUID();
      await deps.sql`insert into staff_sessions (id, expires_at) values (${id}, now() + ${lifetimeSeconds} * interval '1 second')`;
      await setSignedCookie(c, COOKIE_NAME, id, secret, { ...cookieOptions(c), maxAge: lifetimeSeconds });
    },
    async end(c) {
      const id = await cookieSession(c);
      if (id !== undefined) await deps.sql`update staff_sessions set ended_at = now() where id = ${id} and ended_at is null`;
      deleteCookie(c, COOKIE_NAME, cookieOptions(c));
    },
    async currentSession(c) {
      const id = await cookieSession(c);
      return id !== undefined && (await isOpen(id)) ? id : undefined;
    },
    isOpen,
    accountKey: `account:${createHmac('sha256', Buffer.from(secret)).update('sign-in failures').digest('hex').slice(0, 16)}`,
  };
}

/**
 * Lets signed-in staff through. Without a session: with `redirect`, a browser asking for a page gets a
 * 303 to the sign-in page (coming back afterwards); a request for JSON or an event stream gets a 401.
 * @throws AppError unauthorized.
 */
export function requireStaffSession(sessions: StaffSessions, options: { redirect: boolean }): MiddlewareHandler {
  return async (c, next) => {
    if ((await sessions.currentSession(c)) !== undefined) return next();
    if (options.redirect && !wantsJson(c)) {
      const url = new URL(c.req.url);
      // A form post cannot be replayed after sign-in, so it comes back to the board instead.
      const back = c.req.method === 'GET' ? `${url.pathname}${url.search}` : BOARD_PATH;
      return c.redirect(`${LOGIN_PATH}?${new URLSearchParams({ next: back }).toString()}`, 303);
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

const ZNext = z
  .string()
  // Only pages of the board itself, so the sign-in page cannot be used to send staff elsewhere; in
  // the path and query, any character RFC 3986 allows there unencoded (a phone filter typed as
  // `(312) 555-0162` comes as `%28312%29+555-0162`, or with bare parentheses from a script's link).
  .regex(/^\/admin\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/?]*$/)
  .refine((next) => !next.startsWith(LOGIN_PATH))
  .catch(BOARD_PATH);

const ZLoginForm = z.object({ password: z.string().max(1000).catch(''), next: ZNext });

/**
 * `GET/POST /login` and `POST /logout`, relative to `/admin`. Failed sign-ins are counted in Postgres
 * per client address and for the account (signInFailures.ts).
 */
export function sessionRoutes(sessions: StaffSessions, deps: SessionDeps): Hono {
  const app = new Hono();

  app.get('/login', async (c) => {
    if ((await sessions.currentSession(c)) !== undefined) return c.redirect(ZNext.parse(c.req.query('next')), 303);
    return c.html(renderLoginPage({ next: ZNext.parse(c.req.query('next')) }));
  });

  app.post(
    '/login',
    limitBodySize((c) => c.html(renderLoginPage({ next: BOARD_PATH, error: 'That form was too long. Please try again.' }), 413)),
    async (c) => {
      const address = addressKey(addressGroup(clientAddress(c, deps.trustProxy ?? 0)));
      if ((await countSignInFailures(deps.sql, address)) >= ADDRESS_FAILURE_LIMIT) {
        return c.html(renderLoginPage({ next: BOARD_PATH, error: 'Too many attempts. Wait a few minutes, then try again.' }), 429);
      }
      if ((await countSignInFailures(deps.sql, sessions.accountKey)) >= ACCOUNT_FAILURE_LIMIT) await sleep(ACCOUNT_SLOWDOWN_MS);
      let form: z.infer<typeof ZLoginForm>;
      try {
        form = ZLoginForm.parse(await readForm(c));
      } catch {
        return c.html(renderLoginPage({ next: BOARD_PATH, error: 'That form could not be read. Please type the password again.' }), 400);
      }
      if (!sessions.passwordMatches(form.password)) {
        await recordSignInFailure(deps.sql, [address, sessions.accountKey]);
        return c.html(renderLoginPage({ next: form.next, error: 'That password is not right.' }), 401);
      }
      await sessions.start(c);
      return c.redirect(form.next, 303);
    },
  );

  app.post('/logout', async (c) => {
    await sessions.end(c);
    return c.redirect(LOGIN_PATH, 303);
  });

  return app;
}
