/**
 * Twilio webhook guard. With an auth token, a request must carry a valid `X-Twilio-Signature` over
 * `PUBLIC_BASE_URL` + path (+ query) and the POST parameters, checked by twilio's own
 * `validateRequest` (Twilio, "Webhooks security"). Without one (the embedded demo), only loopback
 * callers are let in, and not those that came through a proxy: a request carrying `X-Forwarded-For`
 * or `Forwarded` (RFC 7239) was relayed by a reverse proxy on this host for someone elsewhere.
 * Either way a refused request gets 403 before anything is written. A request no webhook route takes
 * (another method than a route's POST, an unknown path) is no webhook: it goes on unread to the app's
 * 405 (with `Allow`) or 404.
 */
import type { MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { matchedRoutes } from 'hono/route';
import twilio from 'twilio';
import { AppError } from '../errors.js';

/** Variables the guard sets: the form parameters Twilio posted. */
export interface TwilioVariables {
  twilioParams: Record<string, string>;
}

/** Whether `address` is on this machine (127.0.0.0/8 or ::1, also IPv4-mapped). */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}

/**
 * Middleware for Twilio webhooks.
 * @throws AppError unsupported_media_type (not form-encoded), forbidden (bad or missing signature, or
 * an unsigned caller that is not on loopback or came through a proxy).
 */
export function verifyTwilioRequest(options: {
  authToken: string | undefined;
  publicBaseUrl: string | undefined;
}): MiddlewareHandler<{ Variables: TwilioVariables }> {
  return async (c, next) => {
    // Only middleware matched (method ALL; webhook apps have no `all` routes): no route will answer, so read and write nothing.
    if (!matchedRoutes(c).some((route) => route.method !== 'ALL')) return next();
    if (!(c.req.header('Content-Type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      throw new AppError('unsupported_media_type', 'Twilio webhooks are form-encoded (application/x-www-form-urlencoded)');
    }
    const params = Object.fromEntries(new URLSearchParams(await c.req.text()));
    if (options.authToken !== undefined) {
      const signature = c.req.header('X-Twilio-Signature');
      if (signature === undefined) throw new AppError('forbidden', 'missing X-Twilio-Signature', 'X-Twilio-Signature');
      const requestUrl = new URL(c.req.url);
      const url = `${options.publicBaseUrl ?? requestUrl.origin}${requestUrl.pathname}${requestUrl.search}`;
      if (!twilio.validateRequest(options.authToken, signature, url, params)) {
        throw new AppError('forbidden', 'X-Twilio-Signature does not match this request', 'X-Twilio-Signature');
      }
    } else {
      let remote: string | undefined;
      try {
        remote = getConnInfo(c).remote.address;
      } catch {
        remote = undefined; // not served by node-server: no socket to vouch for the caller
      }
      if (c.req.header('X-Forwarded-For') !== undefined || c.req.header('Forwarded') !== undefined) {
        throw new AppError('forbidden', 'unsigned webhooks relayed by a proxy are refused: set TWILIO_AUTH_TOKEN so their signatures can be checked');
      }
      if (!isLoopback(remote)) throw new AppError('forbidden', 'unsigned webhooks are accepted from this machine only (set TWILIO_AUTH_TOKEN)');
    }
    c.set('twilioParams', params);
    await next();
  };
}
