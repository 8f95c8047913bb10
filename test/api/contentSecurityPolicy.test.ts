/**
 * Every page (sign-in, the staff pages, the kiosk, the phone simulator) answers with the strict
 * Content-Security-Policy and carries no inline script, inline style, `style` attribute or inline event
 * handler: its scripts and stylesheets come from `/admin/assets/`, which serves each registered file
 * with its media type and cache headers. The API docs page keeps its own policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientPhone, startStack, type Stack } from '../support/stack.js';
import { FORM_TYPE, OWN_ORIGIN, staffCookie } from '../support/staffForms.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ consoleTelephone: true });
});
afterAll(() => stack?.stop());

// `app.request()` calls the app at http://localhost, so that is the pages' own origin here.
const POLICY = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const withClinic = (path: string) => `${path}${path.includes('?') ? '&' : '?'}clinic=${stack.clinic.slug}`;

/** Every page a person can reach, as `[what, response]`; each is requested the way a browser would. */
async function everyPage(): Promise<[string, Response][]> {
  const cookie = await staffCookie(stack);
  const get = (path: string, signedIn = true) => stack.app.request(withClinic(path), { headers: signedIn ? { Cookie: cookie } : {} });
  const kiosk = await get('/kiosk', false);
  const nonce = /name="nonce" value="([^"]+)"/.exec(await kiosk.clone().text())![1]!;
  const kioskJoin = (fields: Record<string, string>) =>
    stack.app.request(withClinic('/kiosk/join'), {
      method: 'POST',
      headers: { ...FORM_TYPE, Origin: OWN_ORIGIN },
      body: new URLSearchParams(fields).toString(),
    });
  return [
    ['sign-in', await get('/admin/login', false)],
    ['sign-in refused', await stack.app.request('/admin/login', { method: 'POST', headers: { ...FORM_TYPE, Origin: OWN_ORIGIN }, body: 'password=wrong' })],
    ['queue board', await get('/admin/board')],
    ['queue board with a flash', await get('/admin/board?error=nope')],
    ['appointments', await get('/admin/appointments')],
    ['waitlist', await get('/admin/waitlist')],
    [
      'waitlist with a refused add',
      await stack.app.request(withClinic('/admin/waitlist'), {
        method: 'POST',
        headers: { ...FORM_TYPE, Origin: OWN_ORIGIN, Cookie: cookie },
        body: 'phone=12&manual_boost=41',
      }),
    ],
    ['cancellations', await get('/admin/cancellations')],
    [
      'cancellations with a refused form',
      await stack.app.request(withClinic('/admin/cancellations'), {
        method: 'POST',
        headers: { ...FORM_TYPE, Origin: OWN_ORIGIN, Cookie: cookie },
        body: 'provider_id=&location=',
      }),
    ],
    ['messages and calls', await get('/admin/messages')],
    ['messages and calls with a bad filter', await get('/admin/messages?direction=sideways')],
    ['settings', await get('/admin/settings?kind=reschedule_options&language=es')],
    [
      'settings with a refused form',
      await stack.app.request(withClinic('/admin/settings/rooms'), {
        method: 'POST',
        headers: { ...FORM_TYPE, Origin: OWN_ORIGIN, Cookie: cookie },
        body: 'rooms_open=0',
      }),
    ],
    ['numbers', await get('/admin/numbers')],
    ['numbers with a refused range', await get('/admin/numbers?from=2026-11-10&to=2026-11-01')],
    ['phone simulator', await get('/admin/phone')],
    ['phone simulator with a number', await get(`/admin/phone?phone=${encodeURIComponent(patientPhone())}`)],
    ['kiosk', kiosk],
    ['kiosk ticket', await kioskJoin({ nonce, note: 'in a wheelchair' })],
    ['kiosk stale form', await kioskJoin({ nonce: crypto.randomUUID() })],
  ];
}

describe('the pages’ Content-Security-Policy', () => {
  it('is on every page, and no page needs an inline script, style or event handler', async () => {
    for (const [what, response] of await everyPage()) {
      expect(response.headers.get('content-type'), what).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy'), what).toBe(POLICY);
      expect(response.headers.get('x-frame-options'), what).toBe('DENY');
      const page = await response.text();
      expect(page, what).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(page, what).not.toMatch(/<style\b/);
      expect(page, what).not.toMatch(/<[^>]+\sstyle=/);
      expect(page, what).not.toMatch(/<[^>]+\son[a-z]+\s*=/i);
      expect(page, what).toMatch(/<link rel="stylesheet" href="\/admin\/assets\/base\.css\?v=[0-9a-f]{12}">/);
    }
  });

  it('leaves the API docs page its own policy', async () => {
    const docs = await stack.app.request('/api/docs');
    expect(docs.headers.get('content-security-policy')).toContain("img-src 'self' data:");
    expect(docs.headers.get('content-security-policy')).toContain("form-action 'none'");
  });
});

describe('/admin/assets', () => {
  it('serves every file a page links, with its media type, cacheable for a year at its versioned URL', async () => {
    const linked = new Set<string>();
    for (const [, response] of await everyPage()) {
      for (const match of (await response.text()).matchAll(/(?:href|src)="(\/admin\/assets\/[^"]+)"/g)) linked.add(match[1]!);
    }
    expect([...linked].map((url) => url.replace(/\?.*/, '')).sort()).toEqual(
      ['/admin/assets/appointments.css', '/admin/assets/appointments.js', '/admin/assets/base.css', '/admin/assets/board.css', '/admin/assets/board.js'].concat(
        ['/admin/assets/cancellations.css', '/admin/assets/cancellations.js'],
        [
          '/admin/assets/chart.js',
          '/admin/assets/favicon.svg',
          '/admin/assets/kiosk.css',
          '/admin/assets/kiosk.js',
          '/admin/assets/login.css',
          '/admin/assets/messages.css',
          '/admin/assets/messages.js',
        ],
        ['/admin/assets/numbers.css', '/admin/assets/numbers.js', '/admin/assets/phone.css', '/admin/assets/phone.js', '/admin/assets/settings.css'],
        ['/admin/assets/settings.js', '/admin/assets/staff-nav.css', '/admin/assets/waitlist.css', '/admin/assets/waitlist.js'],
      ),
    );
    for (const url of linked) {
      const file = await stack.app.request(url);
      expect(file.status, url).toBe(200);
      const type = url.includes('.js?') ? 'text/javascript; charset=utf-8' : url.includes('.svg?') ? 'image/svg+xml' : 'text/css; charset=utf-8';
      expect(file.headers.get('content-type'), url).toBe(type);
      expect(file.headers.get('cache-control'), url).toBe('public, max-age=31536000, immutable');
      expect((await file.text()).length, url).toBeGreaterThan(0);
    }
  });

  it('asks an old or unversioned URL to revalidate, and answers 304 to an unchanged copy', async () => {
    const stale = await stack.app.request('/admin/assets/board.js?v=000000000000');
    expect(stale.status).toBe(200);
    expect(stale.headers.get('cache-control')).toBe('no-cache');
    const etag = stale.headers.get('etag')!;
    expect(etag).toBeTruthy();
    const again = await stack.app.request('/admin/assets/board.js', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('gives every page an icon of its own, and answers a browser asking for /favicon.ico with no 404', async () => {
    for (const [what, response] of await everyPage()) {
      expect(await response.text(), what).toMatch(/<link rel="icon" href="\/admin\/assets\/favicon\.svg\?v=[0-9a-f]{12}" type="image\/svg\+xml">/);
    }
    const icon = await stack.app.request('/favicon.ico');
    expect(icon.status).toBe(204);
    expect(icon.headers.get('cache-control')).toBe('public, max-age=86400');
  });

  it('knows only its registered files', async () => {
    for (const path of ['/admin/assets/secrets.js', '/admin/assets/..%2Fsession.ts', '/admin/assets/']) {
      expect((await stack.app.request(path)).status, path).toBe(404);
    }
  });
});
