/**
 * Every form the board, the phone simulator, the staff pages (appointments, waitlist, cancellations,
 * …) and the kiosk post is refused (403) without the same-origin proof a browser gives (Origin, or
 * Sec-Fetch-Site), even from a signed-in member of staff. The table is the app's own registered POST routes, so a new form cannot miss it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fakeSid, startStack, type Stack } from '../support/stack.js';
import { FORM_TYPE, OWN_ORIGIN, staffCookie } from '../support/staffForms.js';

// Started at collection time: the table below is built from the app's routes.
// With the console telephone, so the phone simulator's forms are served too.
const stack: Stack = await startStack({ consoleTelephone: true });
afterAll(() => stack.stop());

/** A value for each path parameter the forms take. */
const PATH_VALUES: Record<string, string> = { code: 'Q1', id: '1', action: 'remind', CallSid: fakeSid('CA') };

/** `POST` routes under /admin and /kiosk, with their path parameters filled in. */
function formRoutes(): { route: string; url: string }[] {
  const routes = stack.app.routes.filter((r) => r.method === 'POST' && (r.path.startsWith('/admin/') || r.path.startsWith('/kiosk')));
  return [...new Set(routes.map((r) => r.path))].sort().map((route) => ({
    route,
    url: route.replace(/:(\w+)/g, (_, name: string) => {
      const value = PATH_VALUES[name];
      if (value === undefined) throw new Error(`${route}: no test value for the path parameter ${name}`);
      return value;
    }),
  }));
}

const cookie = await staffCookie(stack);

/** Ways a cross-site or scripted post lacks the proof; each also tried with the form's other encodings. */
const WITHOUT_PROOF: [string, Record<string, string>][] = [
  ['no Origin and no Sec-Fetch-Site', {}],
  ['another Origin', { Origin: 'https://evil.example' }],
  ['a look-alike Origin', { Origin: 'http://localhost.evil.example' }],
  ['Sec-Fetch-Site cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
  ['Origin null (a sandboxed frame)', { Origin: 'null' }],
];

describe('form posts without the same-origin proof', () => {
  it('covers every form the app serves', () => {
    const routes = formRoutes().map((r) => r.route);
    expect(routes).toEqual(
      expect.arrayContaining([
        '/admin/login',
        '/admin/logout',
        '/admin/board/rooms',
        '/admin/appointments',
        '/admin/waitlist',
        '/admin/waitlist/:id/:action',
        '/admin/cancellations',
        '/admin/cancellations/:id/abort',
        '/admin/phone/messages',
        '/kiosk/join',
      ]),
    );
  });

  it.each(formRoutes().map((r) => [r.route, r] as const))('%s answers 403, and the same post from the page itself is let through', async (_, { url }) => {
    for (const [how, headers] of WITHOUT_PROOF) {
      for (const contentType of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
        const response = await stack.app.request(url, { method: 'POST', headers: { 'Content-Type': contentType, Cookie: cookie, ...headers }, body: 'x=1' });
        expect(response.status, `${how}, ${contentType}`).toBe(403);
      }
    }
    const own = await stack.app.request(url, { method: 'POST', headers: { ...FORM_TYPE, Cookie: cookie, Origin: OWN_ORIGIN }, body: 'x=1' });
    expect(own.status).not.toBe(403);
  });
});
