/**
 * A receptionist reads the Messages and calls page: texts both ways and reminder calls, newest first,
 * with delivery statuses and error codes from the callbacks, every number masked, filters, and pages
 * reached by links that keep the filters (a link altered or kept across a filter change is refused);
 * "Show number" shows one entry's number in full only after logging who asked.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bookThroughApi } from '../support/apiBooking.js';
import { createTestClinic } from '../support/clinic.js';
import { patientPhone, startStack, type Stack } from '../support/stack.js';
import { FORM_TYPE, OWN_ORIGIN, staffCookie } from '../support/staffForms.js';

let stack: Stack;
const alice = patientPhone();
const bob = patientPhone();
const carol = patientPhone();
const dan = patientPhone();

beforeAll(async () => {
  stack = await startStack({ consoleTelephone: true });
  // Alice texts JOIN (in, and the reply out); a reminder text to Bob comes back undelivered 30006;
  // Carol's appointment reminder goes by a call.
  expect((await stack.sendSms(alice, 'JOIN back pain')).status).toBe(200);
  await stack.api(`/api/console/phones/${encodeURIComponent(bob)}`, { method: 'PUT', body: JSON.stringify({ sms: 'undelivered' }) });
  await stack.messenger.send({ clinicId: stack.clinic.id, phone: bob, channel: 'sms', body: 'Reminder: your visit tomorrow', idempotencyKey: `test:${bob}` });
  const { id } = await bookThroughApi(stack, { phone: carol, channel: 'voice', patientName: 'Carol Diaz', service: 'Checkup' });
  expect((await stack.api(`/api/appointments/${id}/remind`, { method: 'POST' })).status).toBe(200);
  await vi.waitFor(
    async () => {
      const [undelivered] = await stack.sql`select 1 from messages where phone = ${bob} and status = 'undelivered' and error_code = 30006`;
      const [call] = await stack.sql`select 1 from calls where phone = ${carol}`;
      expect([undelivered, call]).toEqual([{ '?column?': 1 }, { '?column?': 1 }]);
    },
    // The console network's receipts and the reminder's call take a few seconds; on a machine busy
    // with other suites, many more.
    { timeout: 45_000 },
  );
}, 90_000);
afterAll(() => stack?.stop());

const pagePath = (params: Record<string, string> = {}) => `/admin/messages?${new URLSearchParams({ clinic: stack.clinic.slug, ...params }).toString()}`;
const revealPath = (params: Record<string, string> = {}) =>
  `/admin/messages/reveal?${new URLSearchParams({ clinic: stack.clinic.slug, ...params }).toString()}`;

async function openPage(params: Record<string, string> = {}, cookie?: string): Promise<{ status: number; page: string }> {
  const response = await stack.app.request(pagePath(params), { headers: { Cookie: cookie ?? (await staffCookie(stack)) } });
  return { status: response.status, page: await response.text() };
}

/** Each entry's card on `page`, by `kind:id`. */
function entries(page: string): Map<string, string> {
  return new Map([...page.matchAll(/<li class="entry card" data-entry="([a-z]+:\d+)"[\s\S]*?<\/li>/g)].map((m) => [m[1]!, m[0]]));
}

const masked = (phone: string) => `+1 ••• ••• ${phone.slice(-4)}`;
/** Every way a full number could be written on the page. */
const fullForms = (phone: string) => [phone, phone.slice(2), `(${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`];

const revealCount = async () => (await stack.sql<{ n: number }[]>`select count(*)::int as n from phone_reveals where clinic_id = ${stack.clinic.id}`)[0]!.n;

describe('the Messages and calls page', () => {
  it('is for signed-in staff, in the shared navigation', async () => {
    const page = await stack.app.request(pagePath());
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toMatch(/^\/admin\/login\?next=/);
    const { page: html } = await openPage();
    expect(html).toMatch(/<a href="\/admin\/messages\?clinic=[^"]+" aria-current="page">Messages<\/a>/);
  });

  it('lists texts and calls newest first, with status and error codes, and no full number', async () => {
    const { status, page } = await openPage();
    expect(status).toBe(200);
    const cards = [...entries(page).values()];
    const aliceJoin = cards.find((card) => card.includes('JOIN back pain'))!;
    expect(aliceJoin).toContain('In · SMS');
    expect(aliceJoin).toContain(masked(alice));
    const bobs = cards.find((card) => card.includes('Reminder: your visit tomorrow'))!;
    expect(bobs).toContain('<span class="pill pill-bad" data-status>undelivered</span>');
    expect(bobs).toContain('error 30006: landline or unreachable carrier');
    const call = cards.find((card) => card.includes('data-channel="voice"'))!;
    expect(call).toContain('Out · Call');
    expect(call).toContain(masked(carol));
    // Newest first: Alice texted before Carol's call was placed.
    expect(page.indexOf(masked(carol))).toBeLessThan(page.indexOf('JOIN back pain'));
    for (const phone of [alice, bob, carol]) for (const form of fullForms(phone)) expect(page).not.toContain(form);
  });

  it.each([
    [{ phone: alice.slice(2) }, (card: string) => card.includes(masked(alice))],
    [{ direction: 'inbound' }, (card: string) => card.includes('data-direction="inbound"')],
    [{ channel: 'voice' }, (card: string) => card.includes('data-channel="voice"')],
    [{ status: 'undelivered' }, (card: string) => card.includes('data-status>undelivered<')],
  ])('filters by %o', async (filter, matches) => {
    const { status, page } = await openPage(filter);
    expect(status).toBe(200);
    const cards = [...entries(page).values()];
    expect(cards.length).toBeGreaterThan(0);
    expect(cards.filter((card) => !matches(card))).toEqual([]);
    expect((await openPage()).page.match(/data-entry=/g)!.length).toBeGreaterThan(cards.length);
  });

  it('filters by the clinic-local day', async () => {
    const today = DateTime.now().setZone(stack.clinic.timezone);
    expect(entries((await openPage({ date: today.toISODate()! })).page).size).toBeGreaterThanOrEqual(4);
    const tomorrow = await openPage({ date: today.plus({ days: 1 }).toISODate()! });
    expect(entries(tomorrow.page).size).toBe(0);
    expect(tomorrow.page).toContain('No messages or calls.');
  });

  it.each([
    // In the form's words, where the JSON API names its query fields (phone, date).
    ['phone', 'not a number', /role="alert" id="filter-error">Phone: must be a phone number/],
    ['direction', 'sideways', /role="alert" id="filter-error">Direction: must be inbound or outbound/],
    ['status', 'lost', /role="alert" id="filter-error">Status: must be a message or call status/],
    ['date', '2026-13-40', /role="alert" id="filter-error">Day: must be a date/],
  ])('names a bad %s filter beside the form, with a 400', async (field, value, message) => {
    const { status, page } = await openPage({ [field]: value });
    expect(status).toBe(400);
    expect(page).toMatch(message);
    expect(page).toContain(`id="filter-${field}" name="${field}" aria-invalid="true"`);
    expect(entries(page).size).toBe(0);
  });

  it('pages 50 at a time by page links that keep the filters: older pages after newer, and back', async () => {
    // 105 texts from Dan a second apart, newest first; texts 49, 50 and 51 share one instant with two
    // reminder calls, across the first page's end: at one instant texts come before calls, the higher
    // id first, and no entry is skipped or shown twice at the boundary.
    await stack.sql`
      insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, status, created_at)
      select ${stack.clinic.id}, 'inbound', 'sms', ${dan}, ${dan}, ${stack.clinicNumber}, 'text ' || g, 'received', now() - make_interval(hours => 2, secs => g)
      from generate_series(1, 105) g`;
    const idOf = async (body: string) =>
      (await stack.sql<{ id: string }[]>`select id from messages where clinic_id = ${stack.clinic.id} and phone = ${dan} and body = ${body}`)[0]!.id;
    const [t49, t50, t51] = [await idOf('text 49'), await idOf('text 50'), await idOf('text 51')];
    await stack.sql`update messages set created_at = (select created_at from messages where id = ${t49}) where id in (${t50}, ${t51})`;
    const calls: string[] = [];
    for (let n = 1; n <= 2; n++) {
      const [call] = await stack.sql<{ id: string }[]>`
        insert into calls (clinic_id, phone, from_address, to_address, language, idempotency_key, status, created_at)
        values (${stack.clinic.id}, ${dan}, ${stack.clinicNumber}, ${dan}, 'en', ${`test-tie-${dan}-${n}`}, 'completed', (select created_at from messages where id = ${t49}))
        returning id`;
      calls.push(call!.id);
    }
    const text = async (n: number) => `message:${await idOf(`text ${n}`)}`;
    const order: string[] = [];
    for (let n = 1; n <= 48; n++) order.push(await text(n));
    order.push(`message:${t51}`, `message:${t50}`, `message:${t49}`, `call:${calls[1]}`, `call:${calls[0]}`);
    for (let n = 52; n <= 105; n++) order.push(await text(n));

    const cookie = await staffCookie(stack);
    const open = async (url: string) => {
      const response = await stack.app.request(url, { headers: { Cookie: cookie } });
      expect(response.status, url).toBe(200);
      return response.text();
    };
    const older = (page: string) => /<a class="btn btn-quiet" href="([^"]+)" rel="next">Older →<\/a>/.exec(page)?.[1]?.replaceAll('&amp;', '&');
    const newer = (page: string) => /<a class="btn btn-quiet" href="([^"]+)" rel="prev">← Newer<\/a>/.exec(page)?.[1]?.replaceAll('&amp;', '&');

    const first = await open(pagePath({ phone: dan }));
    expect([...entries(first).keys()]).toEqual(order.slice(0, 50));
    expect(newer(first)).toBeUndefined();
    expect(first).toContain('<span class="muted">Newest</span>');
    const toSecond = older(first)!;
    expect(new URL(toSecond, OWN_ORIGIN).searchParams.get('phone')).toBe(dan);
    expect(new URL(toSecond, OWN_ORIGIN).searchParams.get('cursor')).toEqual(expect.any(String));

    const second = await open(toSecond);
    expect([...entries(second).keys()]).toEqual(order.slice(50, 100));
    expect(second).toMatch(/<a class="btn btn-quiet" href="[^"]+">Newest<\/a>/);
    const third = await open(older(second)!);
    expect([...entries(third).keys()]).toEqual(order.slice(100));
    expect(older(third)).toBeUndefined();

    // Back by "← Newer": the same pages, the newest with no link further.
    const secondAgain = await open(newer(third)!);
    expect([...entries(secondAgain).keys()]).toEqual(order.slice(50, 100));
    const firstAgain = await open(newer(secondAgain)!);
    expect([...entries(firstAgain).keys()]).toEqual(order.slice(0, 50));
    expect(newer(firstAgain)).toBeUndefined();

    // A text that arrives meanwhile tops the newest page; the older pages stay as they were.
    await stack.sql`
      insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, status)
      values (${stack.clinic.id}, 'inbound', 'sms', ${dan}, ${dan}, ${stack.clinicNumber}, 'just now', 'received')`;
    expect([...entries(await open(toSecond)).keys()]).toEqual(order.slice(50, 100));
    expect([...entries(await open(pagePath({ phone: dan }))).keys()].slice(1)).toEqual(order.slice(0, 49));
  });

  it('"Show number" on an older page comes back to that page', async () => {
    const cookie = await staffCookie(stack);
    const first = await (await stack.app.request(pagePath({ phone: dan }), { headers: { Cookie: cookie } })).text();
    const toSecond = /<a class="btn btn-quiet" href="([^"]+)" rel="next">Older →<\/a>/.exec(first)![1]!.replaceAll('&amp;', '&');
    const second = await (await stack.app.request(toSecond, { headers: { Cookie: cookie } })).text();
    const action = /<form method="post" action="(\/admin\/messages\/reveal[^"]*)">/.exec(second)![1]!.replaceAll('&amp;', '&');
    expect(new URL(action, OWN_ORIGIN).searchParams.get('cursor')).toBe(new URL(toSecond, OWN_ORIGIN).searchParams.get('cursor'));
    const entry = [...entries(second).keys()][0]!;
    const revealed = await stack.app.request(action, {
      method: 'POST',
      headers: { ...FORM_TYPE, Origin: OWN_ORIGIN, Cookie: cookie },
      body: new URLSearchParams({ entry }).toString(),
    });
    expect(revealed.status).toBe(200);
    expect([...entries(await revealed.text()).keys()]).toEqual([...entries(second).keys()]);
  });

  it('refuses a page link that was altered or kept across a filter change, with a 400 and a way to the newest entries', async () => {
    const cookie = await staffCookie(stack);
    const first = await (await stack.app.request(pagePath({ phone: dan }), { headers: { Cookie: cookie } })).text();
    const cursor = new URL(
      /<a class="btn btn-quiet" href="([^"]+)" rel="next">Older →<\/a>/.exec(first)![1]!.replaceAll('&amp;', '&'),
      OWN_ORIGIN,
    ).searchParams.get('cursor')!;
    const [list, filters, , at, kind, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as string[];
    const forge = (items: unknown[]) => Buffer.from(JSON.stringify(items)).toString('base64url');
    for (const params of [
      { phone: alice, cursor },
      { cursor },
      { phone: dan, direction: 'inbound', cursor },
      { phone: dan, cursor: 'not a cursor' },
      { phone: dan, cursor: `${cursor}A` },
      { phone: dan, cursor: forge([list, filters, 'sideways', at, kind, id]) },
      { phone: dan, cursor: forge([list, filters, 'older', at, 'ticket', id]) },
      { phone: dan, cursor: forge(['messages', filters, at, id]) },
    ] as Record<string, string>[]) {
      const { status, page } = await openPage(params, cookie);
      expect(status, JSON.stringify(params)).toBe(400);
      expect(page).toContain(
        'role="alert" id="filter-error">Page link: is not one this page gave for these filters (it was changed, or the filters were); start again from the newest entries</p>',
      );
      expect(entries(page).size).toBe(0);
      const newest = /<a class="btn btn-quiet" href="([^"]+)">Newest<\/a>/.exec(page)![1]!.replaceAll('&amp;', '&');
      expect(new URL(newest, OWN_ORIGIN).searchParams.get('cursor')).toBeNull();
      expect(new URL(newest, OWN_ORIGIN).searchParams.get('phone')).toBe(params.phone ?? null);
    }
  });
});

describe('"Show number"', () => {
  const joinEntry = async () =>
    `message:${(await stack.sql<{ id: string }[]>`select id from messages where phone = ${alice} and direction = 'inbound' and body = 'JOIN back pain'`)[0]!.id}`;

  it('logs who asked, then shows that one entry’s number and no other', async () => {
    const cookie = await staffCookie(stack);
    const before = await revealCount();
    const entry = await joinEntry();
    const response = await stack.app.request(revealPath({ phone: alice }), {
      method: 'POST',
      headers: { ...FORM_TYPE, Origin: OWN_ORIGIN, Cookie: cookie },
      body: new URLSearchParams({ entry }).toString(),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const cards = entries(await response.text());
    expect(cards.get(entry)).toContain(`data-revealed>(312) ${alice.slice(5, 8)}-${alice.slice(8)} (${alice})</span>`);
    const others = [...cards].filter(([key]) => key !== entry);
    expect(others.length).toBeGreaterThan(0);
    // The filter typed Alice's number, so it is in the form and links; the entries still show it masked.
    for (const [, card] of others) expect(/<span class="phone" data-phone>([^<]*)<\/span>/.exec(card)![1]).toBe(masked(alice));

    expect(await revealCount()).toBe(before + 1);
    const [logged] = await stack.sql`
      select r.phone, r.entry_kind, r.entry_id::text as entry_id, r.client_address, s.ended_at
      from phone_reveals r join staff_sessions s on s.id = r.staff_session_id
      where r.clinic_id = ${stack.clinic.id} order by r.id desc limit 1`;
    expect(logged).toEqual({ phone: alice, entry_kind: 'message', entry_id: entry.split(':')[1], client_address: 'unknown', ended_at: null });

    // The page's address reopened later (a bookmark, the history): the filtered list, masked, nothing logged.
    const reopened = await stack.app.request(revealPath({ phone: alice }), { headers: { Cookie: cookie } });
    expect(reopened.status).toBe(303);
    expect(reopened.headers.get('location')).toBe(`/admin/messages?${new URLSearchParams({ clinic: stack.clinic.slug, phone: alice }).toString()}`);
    expect(await revealCount()).toBe(before + 1);
  });

  it('shows and logs nothing for an entry of another clinic, a made-up one, another site or no session', async () => {
    const cookie = await staffCookie(stack);
    const { clinic: other } = await createTestClinic(stack.sql);
    const [foreign] = await stack.sql<{ id: string }[]>`
      insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, status)
      values (${other.id}, 'inbound', 'sms', ${dan}, ${dan}, '+12025550100', 'elsewhere', 'received') returning id`;
    const before = await revealCount();
    const post = (entry: string, headers: Record<string, string> = { Origin: OWN_ORIGIN, Cookie: cookie }) =>
      stack.app.request(revealPath(), { method: 'POST', headers: { ...FORM_TYPE, ...headers }, body: new URLSearchParams({ entry }).toString() });

    const foreignAnswer = await post(`message:${foreign!.id}`);
    expect(foreignAnswer.status).toBe(404);
    expect(await foreignAnswer.json()).toMatchObject({ error: { code: 'not_found', field: 'entry' } });
    expect((await post('call:999999999')).status).toBe(404);
    const bad = await post('phone:+13125550123');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { field: 'entry' } });
    expect((await post(await joinEntry(), { Origin: 'https://evil.example', Cookie: cookie })).status).toBe(403);
    const anonymous = await post(await joinEntry(), { Origin: OWN_ORIGIN });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/admin\/login/);
    expect(await revealCount()).toBe(before);
  });
});
