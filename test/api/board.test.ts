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
    expect(page.headers.get('location')).toBe(`/admin/login?${new URLSearchParams({ next: boardPath() }).toString()}`);

    const events = await stack.app.request(`/admin/board/events?clinic=${stack.clinic.slug}`);
    expect(events.status).toBe(401);
    expect(await events.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it('comes back after sign-in to the page asked for, a phone number typed in its filter included, and never to another site', async () => {
    // A form's GET writes `(312) 555-0162` as `%28312%29+555-0162`; a link may carry bare parentheses.
    for (const asked of [
      `/admin/messages?clinic=${stack.clinic.slug}&phone=%28312%29+555-0162`,
      `/admin/messages?clinic=${stack.clinic.slug}&phone=(312)%20555-0162`,
    ]) {
      const page = await stack.app.request(asked);
      expect(page.status).toBe(303);
      const next = new URL(page.headers.get('location')!, OWN_ORIGIN).searchParams.get('next')!;
      expect(next).toBe(asked);
      const signedIn = await stack.app.request('/admin/login', {
        method: 'POST',
        headers: { ...FORM_TYPE, Origin: OWN_ORIGIN },
        body: form({ password: stack.adminPassword, next }),
      });
      expect(signedIn.status).toBe(303);
      expect(signedIn.headers.get('location')).toBe(asked);
    }
    for (const elsewhere of [
      'https://evil.example/admin/board',
      '//evil.example/admin/',
      '/\\evil.example/admin/',
      '/admin\\..\\x',
      '/admin/login?next=/admin/phone',
    ]) {
      const signedIn = await stack.app.request('/admin/login', {
        method: 'POST',
        headers: { ...FORM_TYPE, Origin: OWN_ORIGIN },
        body: form({ password: stack.adminPassword, next: elsewhere }),
      });
      expect(signedIn.headers.get('location'), elsewhere).toBe('/admin/board');
    }
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

    const asScript = await stack.app.request(movePath(code), {
      method: 'POST',
      headers: { ...headers, Accept: 'application/json' },
      body: form({ state: 'done' }),
    });
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

describe("the board's waits and service time", () => {
  it("shows each ticket's wait so far in whole minutes, and today's average from call to done", async () => {
    const cookie = await staffCookie();
    const code = await patientJoins('JOIN');
    await stack.sql`update tickets set joined_at = now() - interval '7 minutes 50 seconds' where clinic_id = ${stack.clinic.id} and code = ${code}`;
    const done = await patientJoins('JOIN');
    for (const state of ['next', 'in_room', 'done']) await stack.api(`/api/tickets/${done}/state`, { method: 'POST', body: JSON.stringify({ state }) });
    await stack.sql`update tickets set called_at = closed_at - interval '4 minutes 40 seconds' where clinic_id = ${stack.clinic.id} and code = ${done}`;

    const page = await (await stack.app.request(boardPath(), { headers: { Cookie: cookie } })).text();
    const card = new RegExp(`data-ticket="${code}"[\\s\\S]*?</li>`).exec(page)![0];
    expect(card).toMatch(/<span class="waited" data-since="[^"]+" data-label="Waiting">Waiting 7 min<\/span>/);
    const average = /<div class="stat stat-quiet" data-service-time[\s\S]*?<\/div>/.exec(page)![0];
    expect(average).toContain('5<small> min</small>');
    expect(average).toContain('avg service today');
    expect(average).toContain('over the last ticket finished today');
  });

  it('shows as the longest wait the minutes the longest-waiting ticket has waited so far, as its card does', async () => {
    const cookie = await staffCookie();
    const code = await patientJoins('JOIN');
    await stack.sql`update tickets set joined_at = now() - interval '47 minutes 50 seconds' where clinic_id = ${stack.clinic.id} and code = ${code}`;

    const page = await (await stack.app.request(boardPath(), { headers: { Cookie: cookie } })).text();
    const card = new RegExp(`data-ticket="${code}"[\\s\\S]*?</li>`).exec(page)![0];
    expect(card).toContain('>Waiting 47 min</span>');
    const longest = /<div class="stat stat-quiet" data-longest-wait[\s\S]*?<\/div>/.exec(page)?.[0];
    expect(longest).toMatch(/<span data-since="[^"]+">47<\/span><small> min<\/small>/);
    expect(longest).toContain('longest wait');
  });
});

describe("the board's places and waits, as patients are told them", () => {
  /** The card of ticket `code` on the board page. */
  const cardOf = (page: string, code: string) => new RegExp(`data-ticket="${code}"[\\s\\S]*?</li>`).exec(page)![0];

  it("numbers each ticket with the place its patient's STATUS gives, the called ticket first", async () => {
    const cookie = await staffCookie();
    const [calledPhone, waitingPhone] = [patientPhone(), patientPhone()];
    const called = /ticket is ([A-Z]\d+)/.exec(await twimlText(await stack.sendSms(calledPhone, 'JOIN')))![1]!;
    const waiting = /ticket is ([A-Z]\d+)/.exec(await twimlText(await stack.sendSms(waitingPhone, 'JOIN')))![1]!;
    await stack.api(`/api/tickets/${called}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) });

    const page = await (await stack.app.request(boardPath(), { headers: { Cookie: cookie } })).text();
    const status = await twimlText(await stack.sendSms(waitingPhone, 'STATUS'));
    const told = /you're #(\d+) in line, (estimated wait (\d+) min|with little or no wait)/.exec(status);
    expect(told, status).not.toBeNull();
    const waitingCard = cardOf(page, waiting);
    expect(waitingCard).toContain(`>#${told![1]}</span>`);
    expect(waitingCard).toContain(told![3] === undefined ? '>little or no wait</span>' : `>est. wait ${told![3]} min</span>`);
    // The called ticket is the place before: the Waiting column's first number follows the Next column's last.
    const calledCard = cardOf(page, called);
    const calledPlace = Number(/data-position[^>]*>#(\d+)</.exec(calledCard)?.[1]);
    expect(calledPlace).toBeLessThan(Number(told![1]));
    expect(calledCard).toContain('>Called</span>');
    expect(await twimlText(await stack.sendSms(calledPhone, 'STATUS'))).toContain("it's your turn");
  });

  it('counts a ticket in a room from when it went in, and names the service time every wait is estimated with', async () => {
    const cookie = await staffCookie();
    const code = await patientJoins('JOIN');
    for (const state of ['next', 'in_room']) await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state }) });
    await stack.sql`update tickets set joined_at = now() - interval '50 minutes', room_at = now() - interval '6 minutes 10 seconds'
      where clinic_id = ${stack.clinic.id} and code = ${code}`;

    const page = await (await stack.app.request(boardPath(), { headers: { Cookie: cookie } })).text();
    expect(cardOf(page, code)).toMatch(/<span class="waited" data-since="[^"]+" data-label="In room">In room 6 min<\/span>/);
    const [timed] = await stack.sql<[{ visits: number; minutes: number }]>`
      select count(*)::int as visits, (percentile_cont(0.5) within group (order by service_seconds) / 60)::float8 as minutes from (
        select service_seconds from tickets where clinic_id = ${stack.clinic.id} and service_seconds is not null order by closed_at desc limit 20) recent`;
    const basis = /<div class="stat stat-quiet" data-eta-service-time[\s\S]*?<\/div>/.exec(page)![0];
    expect(basis).toContain(`${Math.round(timed.minutes)}<small> min</small>`);
    expect(basis).toContain('per visit, for waits');
    expect(basis).toContain(timed.visits === 1 ? 'median of the last visit' : `median of the last ${timed.visits} visits`);
  });
});

describe('staff open and close rooms from the board', () => {
  const roomsPath = () => `/admin/board/rooms?clinic=${stack.clinic.slug}`;
  const roomsOpen = async () => ((await (await stack.api('/api/queue')).json()) as { rooms_open: number }).rooms_open;
  const postRooms = (cookie: string, rooms: string, headers: Record<string, string> = {}) =>
    stack.app.request(roomsPath(), {
      method: 'POST',
      headers: { ...FORM_TYPE, Origin: OWN_ORIGIN, Cookie: cookie, ...headers },
      body: form({ rooms_open: rooms }),
    });

  /** The rooms control as the board page shows it: the count, and what each button would set. */
  async function roomsControl(cookie: string) {
    const page = await (await stack.app.request(boardPath(), { headers: { Cookie: cookie } })).text();
    const step = (label: string) => {
      const button = new RegExp(`name="rooms_open" value="(\\d+)">\\s*<button[^>]*aria-label="${label}"[^>]*>`).exec(page);
      expect(button, label).not.toBeNull();
      return { sets: Number(button![1]), disabled: button![0].includes(' disabled') };
    };
    return { shown: Number(/data-rooms-open>(\d+)</.exec(page)?.[1]), fewer: step('Fewer rooms open'), more: step('More rooms open') };
  }

  it('shows one room open with "−" disabled, and opens a second with a plain form post', async () => {
    const cookie = await staffCookie();
    expect((await postRooms(cookie, '1')).status).toBe(303);
    expect(await roomsControl(cookie)).toEqual({ shown: 1, fewer: { sets: 0, disabled: true }, more: { sets: 2, disabled: false } });

    const response = await postRooms(cookie, '2');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(boardPath());
    expect(await roomsOpen()).toBe(2);
    expect(await roomsControl(cookie)).toEqual({ shown: 2, fewer: { sets: 1, disabled: false }, more: { sets: 3, disabled: false } });
  });

  it('stops "+" at 100 rooms', async () => {
    const cookie = await staffCookie();
    expect((await postRooms(cookie, '100')).status).toBe(303);
    expect(await roomsControl(cookie)).toEqual({ shown: 100, fewer: { sets: 99, disabled: false }, more: { sets: 101, disabled: true } });
    await postRooms(cookie, '1');
  });

  it('answers the script with the rooms open, and names the field of a number out of range', async () => {
    const cookie = await staffCookie();
    const asScript = { Accept: 'application/json' };
    const set = await postRooms(cookie, '3', asScript);
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ clinic: stack.clinic.slug, rooms_open: 3 });

    for (const rooms of ['0', '101', 'two', '']) {
      const bad = await postRooms(cookie, rooms, asScript);
      expect(bad.status, rooms).toBe(400);
      expect(await bad.json(), rooms).toEqual({
        error: { code: 'bad_request', field: 'rooms_open', message: 'rooms_open: must be a whole number from 1 to 100' },
      });
    }
    const asForm = await postRooms(cookie, '0');
    expect(asForm.status).toBe(303);
    expect(await (await stack.app.request(asForm.headers.get('location')!, { headers: { Cookie: cookie } })).text()).toContain(
      'Rooms open: must be a whole number',
    );
    expect(await roomsOpen()).toBe(3);
  });

  it('refuses a post from another site, or without a session, and leaves the rooms alone', async () => {
    const cookie = await staffCookie();
    await postRooms(cookie, '2');
    const crossSite = await postRooms(cookie, '5', { Origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    const signedOut = await stack.app.request(roomsPath(), { method: 'POST', headers: { ...FORM_TYPE, Origin: OWN_ORIGIN }, body: form({ rooms_open: '5' }) });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toMatch(/^\/admin\/login\?/);
    expect(await roomsOpen()).toBe(2);
  });

  it('updates every open board live', async () => {
    const cookie = await staffCookie();
    await postRooms(cookie, '1');
    const events = await stack.app.request(`/admin/board/events?clinic=${stack.clinic.slug}`, { headers: { Cookie: cookie } });
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    const until = async (text: string) => {
      while (!received.includes(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`event stream ended before ${text}`);
        received += value;
      }
    };
    await until('data-rooms-open>1<');
    await stack.api('/api/clinic/rooms', { method: 'PUT', body: JSON.stringify({ rooms_open: 2 }) });
    await until('data-rooms-open>2<');
    await reader.cancel();
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
