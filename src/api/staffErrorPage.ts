/**
 * Errors on the staff pages as a browser shows them: a request under `/admin/` from a browser (one
 * that accepts `text/html`, as every navigation and form post does) gets an HTML page with the error's
 * status and message and a link back (views/errorPageView.ts) instead of the JSON error body. The board's
 * script (`Accept: application/json`), event streams and other clients keep the JSON shape
 * (errors.ts), as the JSON API under `/api` does.
 */
import type { Context } from 'hono';
import { MAIN_CLINIC_SLUG } from '../clinics/clinics.js';
import type { ErrorAnswer } from './errors.js';
import { BOARD_PATH, wantsJson } from './session.js';
import { staffPageUrl } from './staffPageUrl.js';
import { ZClinicSlug } from './validation.js';
import { renderErrorPage } from './views/errorPageView.js';
import { staffPageAt } from './views/staffNav.js';

/** Whether `c` is a browser's request for a staff page (see the module docstring). */
function isStaffPageRequest(c: Context): boolean {
  return c.req.path.startsWith('/admin/') && (c.req.header('accept') ?? '').includes('text/html') && !wantsJson(c);
}

/**
 * Where the error page's link goes: the staff page the request was for (the board for an address that
 * is none), for the same clinic, or for the first clinic when the error is the clinic itself (an
 * unknown or malformed `?clinic=`).
 */
function backLink(c: Context, answer: ErrorAnswer): { href: string; label: string } {
  const page = staffPageAt(c.req.path) ?? staffPageAt(BOARD_PATH)!;
  const clinic = ZClinicSlug.safeParse(c.req.query('clinic'));
  const slug = answer.body.error.field === 'clinic' || !clinic.success ? MAIN_CLINIC_SLUG : clinic.data;
  return { href: staffPageUrl(page.path, slug), label: `Back to ${page.label}` };
}

/**
 * The HTML error page for `answer` (status and headers kept) when `c` is a browser's request for a
 * staff page; undefined otherwise, for the JSON error body.
 */
export function staffErrorPage(c: Context, answer: ErrorAnswer): Response | Promise<Response> | undefined {
  if (!isStaffPageRequest(c)) return undefined;
  const { message } = answer.body.error;
  c.header('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(answer.headers)) c.header(name, value);
  const view = { status: answer.status, message: `${message.charAt(0).toUpperCase()}${message.slice(1)}`, back: backLink(c, answer) };
  return c.html(renderErrorPage(view), answer.status);
}
