/**
 * Staff pages driven through `stack.app.request`, as a browser on the page would: sign in for the
 * session cookie, and post forms from the page's own origin (Hono's CSRF check reads `Origin`).
 */
import { expect } from 'vitest';
import type { Stack } from './stack.js';

/** The origin of the API's own pages in `app.request` tests. */
export const OWN_ORIGIN = 'http://localhost';
/** A form post's Content-Type. */
export const FORM_TYPE = { 'Content-Type': 'application/x-www-form-urlencoded' };

/** Signs in to `stack`'s staff pages with its admin password. @returns the session cookie (`name=value`). */
export async function staffCookie(stack: Stack): Promise<string> {
  const response = await stack.app.request('/admin/login', {
    method: 'POST',
    headers: { ...FORM_TYPE, Origin: OWN_ORIGIN },
    body: new URLSearchParams({ password: stack.adminPassword }).toString(),
  });
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

/** Posts `fields` as a form to `path` with the session `cookie`, from `origin` (default the page's own). */
export function postForm(stack: Stack, path: string, cookie: string, fields: Record<string, string> = {}, origin = OWN_ORIGIN): Promise<Response> {
  return Promise.resolve(
    stack.app.request(path, { method: 'POST', headers: { ...FORM_TYPE, Origin: origin, Cookie: cookie }, body: new URLSearchParams(fields).toString() }),
  );
}
