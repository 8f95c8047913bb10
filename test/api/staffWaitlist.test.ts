/**
 * A receptionist keeps the waitlist from the Waitlist page: signed in, forms from the page only, the
 * leaderboard ranked as `GET /api/waitlist` ranks it with the parts of each score and numbers masked;
 * adding, boosting, marking urgent, editing and removing go through the JSON API's rules, and bad
 * input (a boost of 41, a bad phone) is refused naming the field with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, patientPhone, startStack, type Stack } from '../support/stack.js';
import { OWN_ORIGIN, staffCookie, postForm } from '../support/staffForms.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const pagePath = (path = '') => `/admin/waitlist${path}?${new URLSearchParams({ clinic: stack.clinic.slug }).toString()}`;

const post = (path: string, cookie: string, fields: Record<string, string> = {}, origin = OWN_ORIGIN) => postForm(stack, path, cookie, fields, origin);

const entryCount = async () => (await stack.sql<{ n: number }[]>`select count(*)::int as n from waitlist_entries where clinic_id = ${stack.clinic.id}`)[0]!.n;
const readEntry = async (id: string) =>
  (
    await stack.sql<{ manual_boost: number; urgent: boolean; active: boolean; notes: string | null }[]>`
    select manual_boost, urgent, active, notes from waitlist_entries where id = ${id}`
  )[0]!;
const ranked = async () => ((await json(await stack.api('/api/waitlist'))) as { entries: { id: string; phone: string; score: number }[] }).entries;

/** Adds an entry through the page's form; returns the new entry's id. */
async function addFromPage(cookie: string, fields: Record<string, string>): Promise<string> {
  const before = new Set((await ranked()).map((e) => e.id));
  const response = await post(pagePath(), cookie, { channel: 'sms', provider_type: 'Any', manual_boost: '0', ...fields });
  expect(response.status, await response.clone().text()).toBe(303);
  expect(new URL(response.headers.get('location')!, OWN_ORIGIN).searchParams.get('notice')).toMatch(/^Added /);
  return (await ranked()).find((e) => !before.has(e.id))!.id;
}

describe('the Waitlist page is for signed-in staff', () => {
  it('sends a visitor without a session to sign in, and refuses a form post from another site', async () => {
    const page = await stack.app.request(pagePath());
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(`/admin/login?${new URLSearchParams({ next: pagePath() }).toString()}`);

    const cookie = await staffCookie(stack);
    const id = await addFromPage(cookie, { phone: patientPhone() });
    const before = await entryCount();
    const refusedAdd = await post(pagePath(), cookie, { phone: patientPhone(), manual_boost: '0' }, 'https://evil.example');
    expect(refusedAdd.status).toBe(403);
    const refusedBoost = await post(pagePath(`/${id}/boost`), cookie, { manual_boost: '30' }, 'https://evil.example');
    expect(refusedBoost.status).toBe(403);
    expect(await entryCount()).toBe(before);
    expect((await readEntry(id)).manual_boost).toBe(0);
  });
});

describe('the leaderboard', () => {
  it('ranks entries as GET /api/waitlist does, with the parts of each score and numbers masked', async () => {
    const cookie = await staffCookie(stack);
    const phone = patientPhone();
    const urgentPhone = patientPhone();
    await addFromPage(cookie, { phone, display_name: 'Meera Iyer', manual_boost: '12' });
    await addFromPage(cookie, { phone: urgentPhone, display_name: 'Tomás Rivera', urgent: 'true', notes: 'Mornings only' });
    const html = await (await stack.app.request(pagePath(), { headers: { Cookie: cookie } })).text();
    expect(html).toContain('aria-current="page">Waitlist</a>');
    for (const p of [phone, urgentPhone]) {
      expect(html).not.toContain(p);
      expect(html).not.toContain(p.slice(2));
      expect(html).toContain(`+1 ••• ••• ${p.slice(-4)}`);
    }
    expect(html).not.toContain('Iyer');
    // The page's order and scores are the API's.
    const pageOrder = [...html.matchAll(/data-entry="(\d+)" data-score="(\d+)"/g)].map((m) => ({ id: m[1], score: Number(m[2]) }));
    expect(pageOrder).toEqual((await ranked()).map((e) => ({ id: e.id, score: e.score })));
    expect(html).toMatch(/data-part="urgent"><dt>Urgent<\/dt><dd>30<\/dd>/);
    expect(html).toMatch(/data-part="manual_boost"><dt>Boost<\/dt><dd>12<\/dd>/);
    expect(html).toContain('Mornings only');
  });

  it('boosts, marks urgent, edits and removes in one submit each', async () => {
    const cookie = await staffCookie(stack);
    const id = await addFromPage(cookie, { phone: patientPhone(), display_name: 'Asha' });
    const boosted = await post(pagePath(`/${id}/boost`), cookie, { manual_boost: '40' });
    expect(boosted.status).toBe(303);
    const back = new URL(boosted.headers.get('location')!, OWN_ORIGIN);
    expect(back.searchParams.get('notice')).toMatch(/^Boost of Asha \(\+1 ••• ••• \d{4}\) set to 40\.$/);
    expect((await readEntry(id)).manual_boost).toBe(40);
    // Back at the entry's card, which moved up the list, with the outcome in it rather than above the list.
    expect(back.searchParams.get('notice_for')).toBe(id);
    expect(back.hash).toBe(`#entry-${id}`);
    const page = await (await stack.app.request(`${back.pathname}${back.search}`, { headers: { Cookie: cookie } })).text();
    const card = new RegExp(`<li class="entry card" id="entry-${id}" data-entry="${id}"[\\s\\S]*?</li>`).exec(page)?.[0];
    expect(card).toMatch(/<p class="card-notice" role="status" tabindex="-1" data-card-notice>Boost of Asha .* set to 40\.<\/p>/);
    expect(page).not.toContain('class="flash flash-ok"');

    expect((await post(pagePath(`/${id}/urgent`), cookie, { urgent: 'true' })).status).toBe(303);
    expect((await readEntry(id)).urgent).toBe(true);
    expect((await ranked()).find((e) => e.id === id)!.score).toBe(70);

    const edited = await post(pagePath(`/${id}/edit`), cookie, {
      phone: '',
      display_name: '',
      channel: 'sms',
      provider_type: 'Any',
      manual_boost: '5',
      notes: 'Call first',
    });
    expect(edited.status, await edited.clone().text()).toBe(303);
    expect(new URL(edited.headers.get('location')!, OWN_ORIGIN).hash).toBe(`#entry-${id}`);
    expect(await readEntry(id)).toMatchObject({ manual_boost: 5, urgent: false, notes: 'Call first', active: true });

    // A removed entry has no card to go back to: its notice is above the list.
    const removed = await post(pagePath(`/${id}/remove`), cookie, {});
    expect(removed.status).toBe(303);
    expect(new URL(removed.headers.get('location')!, OWN_ORIGIN).hash).toBe('');
    expect((await readEntry(id)).active).toBe(false);
  });
});

describe('preferred providers', () => {
  it('offers only active providers, but keeps an inactive one an entry already prefers ticked in its edit form', async () => {
    const cookie = await staffCookie(stack);
    const addProvider = async (name: string) => {
      const response = await stack.api('/api/providers', { method: 'POST', body: JSON.stringify({ name, type: 'MD/DO' }) });
      expect(response.status).toBe(201);
      return ((await json(response)) as { id: number }).id;
    };
    const suffix = String(Date.now());
    const working = await addProvider(`Dr Working ${suffix}`);
    const retired = await addProvider(`Dr Retired ${suffix}`);
    const id = await addFromPage(cookie, { phone: patientPhone(), provider_ids: String(retired) });
    expect((await stack.api(`/api/providers/${retired}`, { method: 'PATCH', body: JSON.stringify({ active: false }) })).status).toBe(200);

    const page = await (await stack.app.request(pagePath(), { headers: { Cookie: cookie } })).text();
    const addForm = page.slice(page.indexOf('id="add-title"'));
    expect(addForm).toContain(`name="provider_ids" value="${working}"`);
    expect(addForm).not.toContain(`name="provider_ids" value="${retired}"`);
    const entry = new RegExp(`data-entry="${id}"[\\s\\S]*?</li>`).exec(page)![0];
    expect(entry).toMatch(new RegExp(`value="${retired}" checked> Dr Retired ${suffix} <span class="muted">\\(inactive\\)</span>`));
    expect(entry).toContain(`name="provider_ids" value="${working}">`);
  });
});

describe('bad input names the field and writes nothing', () => {
  it('refuses a boost of 41 from the boost form and from the edit form', async () => {
    const cookie = await staffCookie(stack);
    const id = await addFromPage(cookie, { phone: patientPhone(), manual_boost: '7' });
    const refused = await post(pagePath(`/${id}/boost`), cookie, { manual_boost: '41' });
    expect(refused.status).toBe(303);
    const error = new URL(refused.headers.get('location')!, OWN_ORIGIN).searchParams.get('error');
    expect(error).toBe('Boost: must be a whole number from 0 to 40');
    expect((await readEntry(id)).manual_boost).toBe(7);
    // The page shows the refusal it was sent back with in that entry's card, not in the page's banner.
    expect(new URL(refused.headers.get('location')!, OWN_ORIGIN).searchParams.get('error_for')).toBe(id);
    const shown = await (await stack.app.request(refused.headers.get('location')!, { headers: { Cookie: cookie } })).text();
    const card = new RegExp(`data-entry="${id}"[\\s\\S]*?</li>`).exec(shown)![0];
    expect(card).toContain('<p class="card-error" role="alert" tabindex="-1" autofocus data-card-error>Boost: must be a whole number from 0 to 40</p>');
    expect(shown).not.toContain('class="banner"');

    const edit = await post(pagePath(`/${id}/edit`), cookie, { channel: 'sms', provider_type: 'Any', manual_boost: '41' });
    expect(edit.status).toBe(400);
    expect(await edit.text()).toMatch(/data-field-error="manual_boost">Boost: must be a whole number from 0 to 40/);
    expect((await readEntry(id)).manual_boost).toBe(7);
  });

  it.each([
    ['a boost of 41', { phone: '+13125550199', manual_boost: '41' }, 'manual_boost', 'Boost: must be a whole number from 0 to 40'],
    ['a boost that is no number', { phone: '+13125550199', manual_boost: 'lots' }, 'manual_boost', 'Boost: must be a whole number from 0 to 40'],
    ['a bad phone', { phone: '12', manual_boost: '0' }, 'phone', 'Mobile number: must be a valid mobile number, E.164 or local to US'],
    ['no phone', { phone: '', manual_boost: '0' }, 'phone', 'Mobile number: must be a phone number'],
    [
      'a current appointment that is no time',
      { phone: '+13125550199', manual_boost: '0', current_appt_at: 'soon' },
      'current_appt_at',
      'Current appointment: must be a date and time',
    ],
    [
      'an unknown provider',
      { phone: '+13125550199', manual_boost: '0', provider_ids: '999999' },
      'provider_ids',
      'Preferred providers: the clinic has no provider 999999',
    ],
  ])('refuses %s when adding: 400, the form as typed with the error beside the field', async (_, fields, field, message) => {
    const cookie = await staffCookie(stack);
    const before = await entryCount();
    const response = await post(pagePath(), cookie, { channel: 'sms', provider_type: 'Any', display_name: 'Typed Name', ...fields });
    expect(response.status).toBe(400);
    const html = await response.text();
    if (field === 'provider_ids') expect(html).toContain(message);
    else expect(html).toMatch(new RegExp(`data-field-error="${field}">${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(html).toContain('value="Typed Name"');
    expect(await entryCount()).toBe(before);
  });
});
