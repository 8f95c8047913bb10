/**
 * Failed sign-ins are counted in Postgres per client address (through TRUST_PROXY proxies, IPv6 by
 * /64), and staff sessions live on the server: sign-out or expiry closes the board's event stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let shortSessions: Stack;
beforeAll(async () => {
  [stack, shortSessions] = await Promise.all([
    startStack({ app: { trustProxy: 1, sessionCheckMs: 200 } }),
    startStack({ app: { sessionSeconds: 2, sessionCheckMs: 200 } }),
  ]);
});
afterAll(async () => {
  await Promise.all([stack.stop(), shortSessions.stop()]);
});

const OWN_ORIGIN = 'http://localhost';
const FORM_TYPE = { 'Content-Type': 'application/x-www-form-urlencoded' };
// The reverse proxy on this host is the socket peer; it appends the address it saw.
const PROXY_SOCKET = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };

function signIn(app: Stack['app'], password: string, forwardedFor: string) {
  return app.request(
    '/admin/login',
    { method: 'POST', headers: { ...FORM_TYPE, Origin: OWN_ORIGIN, 'X-Forwarded-For': forwardedFor }, body: new URLSearchParams({ password }).toString() },
    PROXY_SOCKET,
  );
}

async function failTimes(app: Stack['app'], times: number, forwardedFor: string) {
  for (let attempt = 1; attempt <= times; attempt++) expect((await signIn(app, 'guess', forwardedFor)).status).toBe(401);
}

describe('failed sign-ins behind a trusted proxy', () => {
  it('count per forwarded client address, not per proxy, and ignore addresses the client wrote itself', async () => {
    await failTimes(stack.app, 10, '198.51.100.1');
    // The client wrote the first entry; the proxy appended the second: only that one counts.
    expect((await signIn(stack.app, stack.adminPassword, '192.0.2.77, 198.51.100.1')).status).toBe(429);
    expect((await signIn(stack.app, stack.adminPassword, '198.51.100.2')).status).toBe(303);
  });

  it('group IPv6 addresses by /64', async () => {
    await failTimes(stack.app, 5, '2001:db8:1:2::a');
    await failTimes(stack.app, 5, '2001:db8:1:2:ffff:ffff:ffff:b');
    expect((await signIn(stack.app, stack.adminPassword, '2001:db8:1:2::c')).status).toBe(429);
    expect((await signIn(stack.app, stack.adminPassword, '2001:db8:1:3::a')).status).toBe(303);
  });

  it('agree across two API processes sharing one database', async () => {
    const other = stack.createApp();
    await failTimes(stack.app, 5, '198.51.100.50');
    await failTimes(other, 5, '198.51.100.50');
    expect((await signIn(stack.app, stack.adminPassword, '198.51.100.50')).status).toBe(429);
    expect((await signIn(other, stack.adminPassword, '198.51.100.50')).status).toBe(429);
  });
});

async function staffCookie(s: Stack): Promise<string> {
  const response = await s.app.request(
    '/admin/login',
    { method: 'POST', headers: { ...FORM_TYPE, Origin: OWN_ORIGIN }, body: new URLSearchParams({ password: s.adminPassword }).toString() },
    { incoming: { socket: { remoteAddress: '198.51.100.200' } } },
  );
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

/** Opens the board's event stream and waits for its first fragment; returns a reader of the rest. */
async function openEvents(s: Stack, cookie: string) {
  const response = await s.app.request(`/admin/board/events?clinic=${s.clinic.slug}`, { headers: { Cookie: cookie } });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toContain('event: board');
  return reader;
}

async function readUntilClosed(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  for (;;) if ((await reader.read()).done) return;
}

describe('the board event stream', () => {
  it('closes after sign-out, and the session no longer opens it', async () => {
    const cookie = await staffCookie(stack);
    const reader = await openEvents(stack, cookie);
    const out = await stack.app.request('/admin/logout', { method: 'POST', headers: { ...FORM_TYPE, Origin: OWN_ORIGIN, Cookie: cookie } });
    expect(out.status).toBe(303);
    await readUntilClosed(reader);
    // The old cookie, replayed, is refused: sign-out is recorded on the server, not only in the browser.
    expect((await stack.app.request(`/admin/board/events?clinic=${stack.clinic.slug}`, { headers: { Cookie: cookie } })).status).toBe(401);
  }, 30_000);

  it('closes when the session expires', async () => {
    const cookie = await staffCookie(shortSessions);
    const reader = await openEvents(shortSessions, cookie);
    await readUntilClosed(reader);
    expect((await shortSessions.app.request(`/admin/board?clinic=${shortSessions.clinic.slug}`, { headers: { Cookie: cookie } })).status).toBe(303);
  }, 30_000);
});

describe('failed sign-ins across all addresses', () => {
  it('past the account bar, slow every sign-in down instead of locking staff out', async () => {
    const s = shortSessions;
    for (let attempt = 0; attempt < 100; attempt++) {
      const guesser = { incoming: { socket: { remoteAddress: `100.64.0.${attempt}` } } };
      const response = await s.app.request(
        '/admin/login',
        { method: 'POST', headers: { ...FORM_TYPE, Origin: OWN_ORIGIN }, body: new URLSearchParams({ password: 'guess' }).toString() },
        guesser,
      );
      expect(response.status).toBe(401);
    }
    const started = Date.now();
    expect((await staffCookie(s)).startsWith('frontdesk_staff=')).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    // Another deployment's account (this file's other stack) is not slowed down.
    const other = Date.now();
    await staffCookie(stack);
    expect(Date.now() - other).toBeLessThan(2900);
  }, 60_000);
});
