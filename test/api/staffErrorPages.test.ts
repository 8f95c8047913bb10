/**
 * A receptionist's browser on an address the staff pages cannot show (a clinic that does not exist, a
 * mistyped page, a form sent from another site) gets a page saying why, with a link back, and the same
 * status the JSON API gives; the board's script, the live streams and the JSON API keep the error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { FORM_TYPE, OWN_ORIGIN, staffCookie } from '../support/staffForms.js';

let stack: Stack;
let cookie: string;
beforeAll(async () => {
  stack = await startStack();
  cookie = await staffCookie(stack);
});
afterAll(() => stack?.stop());

/** What Chromium sends as `Accept` when it opens a page or posts a form. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8';

/** Opens `path` as a signed-in browser would (`init` adds to or overrides the request). */
const open = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
  stack.app.request(path, { ...init, headers: { Accept: BROWSER_ACCEPT, Cookie: cookie, ...init.headers } });

/** The error page's message, heading and link back in `page`. */
function errorPageOf(page: string) {
  return {
    heading: /<h1 id="error-title">([^<]*)<\/h1>/.exec(page)?.[1],
    message: /<p class="message" data-error-message>([^<]*)<\/p>/.exec(page)?.[1],
    back: /<a class="btn btn-primary" href="([^"]*)">([^<]*)<\/a>/.exec(page)?.slice(1),
  };
}

describe('a staff page for a clinic that does not exist', () => {
  it.each([
    ['/admin/board', 'Queue'],
    ['/admin/appointments', 'Appointments'],
    ['/admin/waitlist', 'Waitlist'],
    ['/admin/cancellations', 'Cancellations'],
    ['/admin/messages', 'Messages'],
    ['/admin/numbers', 'Numbers'],
    ['/admin/settings', 'Settings'],
  ])('%s?clinic=nope answers 404 with a page naming it and a link to the first clinic', async (path, label) => {
    const response = await open(`${path}?clinic=nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toMatch(/^<!doctype html>/);
    expect(errorPageOf(page)).toEqual({ heading: 'Not found', message: 'No clinic &#39;nope&#39;', back: [path, `Back to ${label}`] });
  });

  it('answers a malformed clinic 400, and a form posted for it with the page it leads back to', async () => {
    const malformed = await open('/admin/appointments?clinic=Not%20A%20Slug');
    expect(malformed.status).toBe(400);
    expect(errorPageOf(await malformed.text())).toEqual({
      heading: 'That address or form could not be read',
      message: 'Clinic: must be a clinic slug',
      back: ['/admin/appointments', 'Back to Appointments'],
    });

    const posted = await open('/admin/waitlist/1/boost?clinic=nope', {
      method: 'POST',
      headers: { ...FORM_TYPE, Origin: OWN_ORIGIN },
      body: new URLSearchParams({ manual_boost: '5' }).toString(),
    });
    expect(posted.status).toBe(303);
    const back = await open(posted.headers.get('location')!);
    expect(back.status).toBe(404);
    expect(errorPageOf(await back.text()).message).toBe('No clinic &#39;nope&#39;');
  });

  it('keeps JSON for the JSON API, the board script and a live stream', async () => {
    const api = await stack.app.request('/api/queue?clinic=nope', { headers: { Accept: BROWSER_ACCEPT, Authorization: `Bearer ${stack.adminApiToken}` } });
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: { code: 'not_found', message: "no clinic 'nope'", field: 'clinic' } });

    const script = await open('/admin/board/rooms?clinic=nope', {
      method: 'POST',
      headers: { ...FORM_TYPE, Origin: OWN_ORIGIN, Accept: 'application/json' },
      body: new URLSearchParams({ rooms_open: '2' }).toString(),
    });
    expect(script.status).toBe(404);
    expect(await script.json()).toMatchObject({ error: { code: 'not_found', field: 'clinic' } });

    const stream = await stack.app.request(`/admin/appointments/events?clinic=${stack.clinic.slug}`, { headers: { Accept: 'text/event-stream' } });
    expect(stream.status).toBe(401);
    expect(await stream.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });
});

describe('other staff addresses that cannot be shown', () => {
  it('answers a mistyped page 404, a GET of a form post 405 with Allow, and a form from another site 403, each as a page', async () => {
    const mistyped = await open(`/admin/apointments?clinic=${stack.clinic.slug}`);
    expect(mistyped.status).toBe(404);
    expect(errorPageOf(await mistyped.text()).back).toEqual([`/admin/board?clinic=${stack.clinic.slug}`, 'Back to Queue']);

    const reloaded = await open(`/admin/appointments/1/move?clinic=${stack.clinic.slug}`);
    expect(reloaded.status).toBe(405);
    expect(reloaded.headers.get('allow')).toBe('POST');
    expect(errorPageOf(await reloaded.text()).back).toEqual([`/admin/appointments?clinic=${stack.clinic.slug}`, 'Back to Appointments']);

    const forged = await open(`/admin/waitlist/1/boost?clinic=${stack.clinic.slug}`, {
      method: 'POST',
      headers: { ...FORM_TYPE, Origin: 'https://evil.example' },
      body: new URLSearchParams({ manual_boost: '5' }).toString(),
    });
    expect(forged.status).toBe(403);
    expect(errorPageOf(await forged.text()).heading).toBe('That was not allowed');
  });
});
