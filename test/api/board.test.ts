import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

// `app.request()` calls the app at http://localhost, so that is the board's own origin here.
const OWN_ORIGIN = 'http://localhost';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM_TYPE = { 'Content-Type': 'application/x-www-form-urlencoded' };

function signIn(password: string, env?: unknown) {
  return stack.app.request('/admin/login', { method: 'POST', headers: { ...FORM_TYPE, Origin: OWN_ORIGIN }, body: form({ password }) }, env);
}

async function staffCookie(): Promise<string> {
  const response = await signIn(stack.adminPassword);
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

async function patientJoins(body: string): Promise<string> {
  const reply = await twimlText(await stack.sendSms(patientPhone(), body));
  const code = /ticket is ([A-Z]\d+)/.exec(reply)?.[1];
  expect(code, reply).toBeDefined();
  return code!;
}

async function ticketState(code: string): Promise<string | undefined> {
  const { tickets } = (await (await stack.api('/api/queue')).json()) as { tickets: { code: string; state: string }[] };
  return tickets.find((t) => t.code === code)?.state;
}

const boardPath = () => `/admin/board?clinic=${stack.clinic.slug}`;
const movePath = (code: string) => `/admin/board/tickets/${code}/state?clinic=${stack.clinic.slug}`;

describe('staff sign in to the board', () => {
  it('sends a visitor without a session to sign in, and refuses them the live stream', async () => {
    const page = await stack.app.request(boardPath());
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(`/admin/login?${new URLSearchParams({ next: boardPath() })}`);

    const events = await stack.app.request(`/admin/board/events?clinic=${stack.clinic.slug}`);
    expect(events.status).toBe(401);
    expect(await events.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it('refuses a wrong password without a cookie', async () => {
    const response = await signIn('not the password');
    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.text()).toContain('That password is not right.');
  });

  it('gives the right password an HttpOnly, SameSite=Strict session cookie that opens the board', async () => {
    const response = await stack.app.request('/admin/login', {
      method: 'POST',
      headers: { ...FORM_TYPE, Origin: OWN_ORIGIN },
      body: form({ password: stack.adminPassword, next: boardPath() }),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(boardPath());
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    // The stack's public base URL is https, so the cookie is only ever sent over TLS there.
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; Max-Age=43200/);

    const board = await stack.app.request(boardPath(), { headers: { Cookie: cookie.split(';')[0]! } });
    expect(board.status).toBe(200);
    expect(await board.text()).toContain(stack.clinic.name);
  });

  it('ends the session on sign-out', async () => {
    const cookie = await staffCookie();
    const out = await stack.app.request('/admin/logout', { method: 'POST', headers: { ...FORM_TYPE, Origin: OWN_ORIGIN, Cookie: cookie } });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^frontdesk_staff=; Max-Age=0/);
  });

  it('stops a guesser after ten wrong passwords, by their address only', async () => {
    const guesser = { incoming: { socket: { remoteAddress: '203.0.113.9' } } };
    for (let attempt = 1; attempt <= 10; attempt++) expect((await signIn('guess', guesser)).status).toBe(401);
    const blocked = await signIn(stack.adminPassword, guesser);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('set-cookie')).toBeNull();

    const colleague = { incoming: { socket: { remoteAddress: '203.0.113.10' } } };
    expect((await signIn(stack.adminPassword, colleague)).status).toBe(303);
  });
});

describe('staff move tickets from the board', () => {
  it('moves a ticket with a plain form post and returns to the board', async () => {
    const cookie = await staffCookie();
    const code = await patientJoins('JOIN');
    const response = await stack.app.request(movePath(code), {
      method: 'POST',
      headers: { ...FORM_TYPE, Origin: OWN_ORIGIN, Cookie: cookie },
      body: form({ state: 'next' }),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(boardPath());
    expect(await ticketState(code)).toBe('next');
  });

  it('refuses a form post from another site and leaves the ticket alone', async () => {
    const cookie = await staffCookie();
    const code = await patientJoins('JOIN');
    const response = await stack.app.request(movePath(code), {
      method: 'POST',
      headers: { ...FORM_TYPE, Origin: 'https://evil.example', Cookie: cookie },
      body: form({ state: 'next' }),
    });
    expect(response.status).toBe(403);
    expect(await ticketState(code)).toBe('waiting');
  });

  it('shows why a move is not allowed, on the board and to the script', async () => {
    const cookie = await staffCookie();
    const code = await patientJoins('JOIN');
    const headers = { ...FORM_TYPE, Origin: OWN_ORIGIN, Cookie: cookie };

    const asScript = await stack.app.request(movePath(code), { method: 'POST', headers: { ...headers, Accept: 'application/json' }, body: form({ state: 'done' }) });
    expect(asScript.status).toBe(409);
    const refusal = (await asScript.json()) as { error: { code: string; message: string } };
    expect(refusal.error.code).toBe('conflict');

    const asForm = await stack.app.request(movePath(code), { method: 'POST', headers, body: form({ state: 'done' }) });
    expect(asForm.status).toBe(303);
    const board = await stack.app.request(asForm.headers.get('location')!, { headers: { Cookie: cookie } });
    expect(await board.text()).toContain(refusal.error.message.replaceAll("'", '&#39;'));
    expect(await ticketState(code)).toBe('waiting');
  });

  it('answers the script with the moved ticket, and names the field of a bad move', async () => {
    const cookie = await staffCookie();
    const code = await patientJoins('JOIN');
    const headers = { ...FORM_TYPE, Origin: OWN_ORIGIN, Cookie: cookie, Accept: 'application/json' };

    const moved = await stack.app.request(movePath(code), { method: 'POST', headers, body: form({ state: 'next' }) });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toEqual({ ticket: expect.objectContaining({ code, state: 'next' }) });

    const bad = await stack.app.request(movePath(code), { method: 'POST', headers, body: form({ state: 'teleported' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('state');
  });

  it("shows a patient's note as text, never as markup", async () => {
    const cookie = await staffCookie();
    const code = await patientJoins('JOIN <script>alert("hi")</script>');
    const page = await (await stack.app.request(boardPath(), { headers: { Cookie: cookie } })).text();
    expect(page).toContain(`data-ticket="${code}"`);
    expect(page).toContain('&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(');
  });
});

describe('a visitor without a phone takes a ticket at the kiosk', () => {
  const kioskPath = (path = '') => `/kiosk${path}?clinic=${stack.clinic.slug}`;
  const join = (fields: Record<string, string>) =>
    stack.app.request(kioskPath('/join'), { method: 'POST', headers: { ...FORM_TYPE, Origin: OWN_ORIGIN }, body: form(fields) });
  const codeOn = (page: string) => /data-ticket-code>([A-Z]\d+)</.exec(page)?.[1];

  async function kioskNonce(): Promise<string> {
    const page = await stack.app.request(kioskPath());
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    return /name="nonce" value="([0-9a-f-]{36})"/.exec(await page.text())![1]!;
  }

  it('gets the same ticket when the button is pressed twice', async () => {
    const nonce = await kioskNonce();
    const first = await join({ nonce, note: 'walker, needs a chair' });
    const second = await join({ nonce, note: 'walker, needs a chair' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const code = codeOn(await first.text());
    expect(code).toMatch(/^[A-Z]\d+$/);
    expect(codeOn(await second.text())).toBe(code);

    const { tickets } = (await (await stack.api('/api/queue')).json()) as { tickets: { code: string; channel: string; note: string }[] };
    expect(tickets.filter((t) => t.code === code)).toEqual([expect.objectContaining({ channel: 'kiosk', note: 'walker, needs a chair' })]);
  });

  it('gets a fresh ticket on the next visit', async () => {
    const first = codeOn(await (await join({ nonce: await kioskNonce() })).text());
    const second = codeOn(await (await join({ nonce: await kioskNonce() })).text());
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
  });

  it('is asked to shorten a note that is too long', async () => {
    const response = await join({ nonce: await kioskNonce(), note: 'x'.repeat(141) });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('Your note is too long');
    expect(page).toMatch(/<textarea name="note"[^>]*aria-invalid="true"/);
    expect(codeOn(page)).toBeUndefined();
  });

  it('cannot be made to take tickets by another site', async () => {
    const response = await stack.app.request(kioskPath('/join'), {
      method: 'POST',
      headers: { ...FORM_TYPE, Origin: 'https://evil.example' },
      body: form({ nonce: await kioskNonce() }),
    });
    expect(response.status).toBe(403);
  });
});
