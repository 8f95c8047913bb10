/**
 * A clinic manager works the Settings page: signed in, forms from the page only, each form saved by
 * the JSON API's own code (what the page saves, `GET /api/clinic…` reads back), a refused form named
 * beside its field with everything typed still there and nothing saved, and a template preview that
 * counts segments as the API does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startStack, type Stack } from '../support/stack.js';
import { FORM_TYPE, OWN_ORIGIN, staffCookie } from '../support/staffForms.js';

let stack: Stack;
let cookie: string;
beforeAll(async () => {
  stack = await startStack();
  cookie = await staffCookie(stack);
});
afterAll(() => stack?.stop());

const path = (to: string, params: Record<string, string> = {}) =>
  `/admin/settings${to}?${new URLSearchParams({ clinic: stack.clinic.slug, ...params }).toString()}`;

function post(to: string, fields: Record<string, string>, options: { origin?: string; cookie?: string; params?: Record<string, string> } = {}) {
  return stack.app.request(path(to, options.params), {
    method: 'POST',
    headers: { ...FORM_TYPE, Origin: options.origin ?? OWN_ORIGIN, Cookie: options.cookie ?? cookie },
    body: new URLSearchParams(fields).toString(),
  });
}

const getPage = async (params: Record<string, string> = {}) => (await stack.app.request(path('', params), { headers: { Cookie: cookie } })).text();
const settings = async () => (await json(await stack.api('/api/clinic'))) as Record<string, unknown>;
const apiTemplate = async (kind: string, language: string) =>
  (
    (await json(await stack.api('/api/clinic/templates'))) as {
      templates: { kind: string; language: string; body: string; source: string; segments: number }[];
    }
  ).templates.find((t) => t.kind === kind && t.language === language)!;

/** The `data-segments` of the (first) preview in `html`. */
const segmentsIn = (html: string) => Number(/data-segments="(\d+)"/.exec(html)?.[1]);

describe('the Settings page is for signed-in staff', () => {
  it('sends a visitor without a session to sign in, answers the preview 401, and refuses a form from another site', async () => {
    const page = await stack.app.request(path(''));
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toMatch(/^\/admin\/login\?next=/);

    const preview = await post('/templates/preview', { kind: 'reminder', language: 'en', body: 'Hi' }, { cookie: '' });
    expect(preview.status).toBe(401);

    const before = await settings();
    const forged = await post('/rooms', { rooms_open: '7' }, { origin: 'https://evil.example' });
    expect(forged.status).toBe(403);
    const forgedTemplate = await post('/templates', { kind: 'help', language: 'en', body: 'Call us.' }, { origin: 'https://evil.example' });
    expect(forgedTemplate.status).toBe(403);
    expect(await settings()).toEqual(before);
    expect((await apiTemplate('help', 'en')).source).toBe('default');
  });

  it('is in the one navigation, marked as the current page', async () => {
    const page = await getPage();
    expect(page).toMatch(/<a href="\/admin\/settings\?clinic=[^"]+" aria-current="page">Settings<\/a>/);
    expect(page).toMatch(/<a href="\/admin\/numbers\?clinic=[^"]+">Numbers<\/a>/);
  });
});

describe('message templates', () => {
  it('opens a kind and language with the wording in effect and its preview counted as the API counts it', async () => {
    const page = await getPage({ kind: 'reminder', language: 'es' });
    const shipped = await apiTemplate('reminder', 'es');
    expect(page).toContain(`name="body" rows="5"`);
    expect(page).toContain('Responda SI para confirmar');
    expect(page).toContain('Maria Gonzalez');
    expect(segmentsIn(page)).toBe(shipped.segments);
    expect(page).not.toContain('data-segment-warning');
  });

  it("names a kind or language in the address it cannot open in the selector's words, with the languages there are, and opens the reminder meanwhile (400)", async () => {
    const open = (params: Record<string, string>) => stack.app.request(path('', params), { headers: { Cookie: cookie } });
    const refused = await open({ kind: 'nonsense', language: 'Spanish' });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    const languages = 'templates are in English (en), Español (es) (a new language opens by its tag, such as pt-BR)';
    expect(page).toContain(`role="alert">Message: no message nonsense; Language: no language “Spanish”; ${languages}</p>`);
    expect(page).toContain('<option value="reminder" selected>');

    // A well-formed tag that is no language: not "must be a language tag", which it is.
    const madeUp = await open({ kind: 'help', language: 'xx' });
    expect(madeUp.status).toBe(400);
    const madeUpPage = await madeUp.text();
    expect(madeUpPage).toContain(`role="alert">Language: no language “xx”; ${languages}</p>`);
    expect(madeUpPage).not.toContain('must be a language tag');
    expect(madeUpPage).toContain('<option value="help" selected>');

    // However long, a language or kind is refused in the same words (repeated only in part), not passed over for the defaults.
    const overLong = await open({ kind: `help${'p'.repeat(40)}`, language: `es-${'X'.repeat(30)}` });
    expect(overLong.status).toBe(400);
    const overLongPage = await overLong.text();
    expect(overLongPage).toContain(`role="alert">Message: no message help${'p'.repeat(36)}…; Language: no language “es-${'X'.repeat(17)}…”; ${languages}</p>`);
    expect(overLongPage).toContain('<option value="reminder" selected>');

    // A language the clinic has no templates in yet still opens, to write them.
    const newLanguage = await open({ kind: 'help', language: 'pt-BR' });
    expect(newLanguage.status).toBe(200);
    expect(await newLanguage.text()).toContain('there is no wording in Português (Brasil) yet');
  });

  it('previews a wording as typed: one segment, then two with a warning, then the placeholder saving would refuse', async () => {
    const preview = async (body: string) => {
      const response = await post('/templates/preview', { kind: 'reminder', language: 'en', body });
      expect(response.status).toBe(200);
      return response.text();
    };
    const short = await preview('{clinic_name}: see you {date} at {time}.');
    expect(segmentsIn(short)).toBe(1);
    expect(short).toContain(`${stack.clinic.name}: see you Tue, Nov 10 at 10:30 AM.`);
    expect(short).toMatch(/1 SMS segment · GSM-7 · \d+ of 160 characters/);

    const long = await preview(`{patient_name}, ${'a reminder of your visit, '.repeat(7)}{date}`);
    expect(segmentsIn(long)).toBe(2);
    expect(long).toContain('data-segment-warning');
    expect(long).toContain('takes 2 SMS segments');

    const accented = await preview('{patient_name}: cita el {date} a las {time}. Responda SÍ.');
    expect(accented).toContain('UCS-2');

    // One emoji makes the whole text UCS-2: the warning gives the same per-segment length as the count.
    const emoji = await preview(`{clinic_name}: ${'see you soon, '.repeat(10)}😀`);
    expect(emoji).toMatch(/\d SMS segments · UCS-2 · \d+ characters, 67 a segment/);
    expect(emoji).toContain('make the whole text UCS-2, 67 characters a segment.');

    const unknown = await preview('Hello {patient}');
    // In the words of the page (the wording's label), not the JSON API's field name.
    expect(unknown).toContain('Reminder in English: unknown placeholder {patient}');
    expect(unknown).toContain('Hello {patient}');
  });

  it('names a placeholder it refuses beside the wording, keeps what was typed, and saves nothing', async () => {
    const typed = 'Hola {patient_name}, su cita es {fecha}.';
    const response = await post('/templates', { kind: 'confirmed', language: 'es', body: typed }, { params: { kind: 'confirmed', language: 'es' } });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('data-field-error="body">Confirmed in Español: unknown placeholder {fecha}</p>');
    expect(page).toContain(`>${typed}</textarea>`);
    expect(page).toContain('aria-invalid="true"');
    expect((await apiTemplate('confirmed', 'es')).source).toBe('default');
  });

  it("saves a wording through the API's rules (line breaks as a text has them) and shows it, with its preview, after the save", async () => {
    const body = '{clinic_name}: {patient_name}, su cita es el {date} a las {time}.\r\nResponda SI o NO.';
    const response = await post('/templates', { kind: 'reminder', language: 'es', body }, { params: { kind: 'reminder', language: 'es' } });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location')!, OWN_ORIGIN);
    expect(location.hash).toBe('#templates');
    expect(location.searchParams.get('notice')).toBe('Saved the reminder template in Español (1 SMS segment with sample values).');

    const saved = await apiTemplate('reminder', 'es');
    expect(saved).toMatchObject({ source: 'clinic', body: body.replace('\r\n', '\n') });
    const page = await getPage(Object.fromEntries(location.searchParams));
    expect(page).toContain('role="status">Saved the reminder template in Español');
    expect(page).toContain('The clinic&#39;s own wording.');
    expect(page).toContain('su cita es el mar, 10 de nov a las 10:30 a.m.\nResponda SI o NO.');
    expect(segmentsIn(page)).toBe(saved.segments);
  });
});

describe('the reminder schedule', () => {
  it('saves the rows as reminder rules, leaving out rows set to no reminder', async () => {
    const response = await post('/reminders', {
      rule_kind_0: 'day_before_at',
      rule_time_0: '18:00',
      rule_minutes_0: '',
      rule_kind_1: '',
      rule_minutes_1: '999',
      rule_kind_2: 'before',
      rule_minutes_2: '90',
    });
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!, OWN_ORIGIN).searchParams.get('notice')).toBe('Saved 2 reminders.');
    expect((await settings()).reminder_rules).toEqual([
      { kind: 'day_before_at', time: '18:00' },
      { kind: 'before', minutes: 90 },
    ]);
  });

  it('names the row whose value it refuses, keeps every row as typed, and changes nothing', async () => {
    const before = (await settings()).reminder_rules;
    const response = await post('/reminders', { rule_kind_0: 'before', rule_minutes_0: '60', rule_kind_1: '', rule_kind_2: 'before', rule_minutes_2: '0' });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toMatch(
      /<fieldset class="rule field-error" data-rule="2">[\s\S]*data-field-error="reminder_rules\.1\.minutes">Reminder 3, minutes before: must be a whole number of minutes from 1 to 20160/,
    );
    expect(page).toContain('id="rule-minutes-0" name="rule_minutes_0" type="number" min="1" step="1" inputmode="numeric" value="60"');
    expect((await settings()).reminder_rules).toEqual(before);
  });
});

describe('hours, time zone and office phone', () => {
  const good = {
    timezone: 'Asia/Kolkata',
    office_phone: '+13125550142',
    contact_hours_start: '08:30',
    contact_hours_end: '19:30',
    office_opens: '09:00',
    office_closes: '13:00',
    slot_minutes: '30',
    office_day_1: 'on',
    office_day_3: 'on',
    office_day_6: 'on',
  };

  it.each([
    ['timezone', { timezone: 'Mars/Olympus' }, 'Time zone: must be an IANA time zone such as America/Chicago'],
    ['contact_hours_end', { contact_hours_end: '07:00' }, 'Texts and calls until: must be after Texts and calls from (08:30)'],
    ['office_phone', { office_phone: '12345' }, 'Office phone: must be an E.164 number such as +13125550142, or null'],
    ['slot_minutes', { slot_minutes: 'half an hour' }, 'Slot length: must be a whole number of minutes from 5 to 480'],
    ['office_days', { office_day_1: '', office_day_3: '', office_day_6: '' }, 'Office days: must be a list of 1 to 7 ISO weekdays'],
  ])('names a bad %s, keeps what was typed, and changes nothing', async (field, change, message) => {
    const before = await settings();
    const response = await post('/hours', { ...good, ...change });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain(`data-field-error="${field}">${message}`);
    const typed = { ...good, ...change };
    expect(page).toContain(`value="${typed.office_opens}"`);
    expect(page).toContain(`value="${typed.timezone}"`);
    expect(await settings()).toEqual(before);
  });

  it('names the field by its label on the page, and by its field name in the JSON API, whose messages are a contract', async () => {
    const page = await (await post('/hours', { ...good, timezone: 'Mars/Olympus' })).text();
    expect(page).toContain('data-field-error="timezone">Time zone: must be an IANA time zone');
    expect(page).not.toContain('timezone: must be');
    const api = await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ timezone: 'Mars/Olympus' }) });
    expect(api.status).toBe(400);
    expect(await json(api)).toEqual({
      error: { code: 'bad_request', field: 'timezone', message: 'timezone: must be an IANA time zone such as America/Chicago' },
    });
  });

  it('saves them all at once, as PATCH /api/clinic would', async () => {
    const response = await post('/hours', good);
    expect(response.status).toBe(303);
    expect(await settings()).toMatchObject({
      timezone: 'Asia/Kolkata',
      office_phone: '+13125550142',
      contact_hours_start: '08:30',
      contact_hours_end: '19:30',
      office_opens: '09:00',
      office_closes: '13:00',
      slot_minutes: 30,
      office_days: [1, 3, 6],
    });
    const page = await getPage();
    expect(page).toContain('name="office_day_6" checked');
    expect(page).not.toContain('name="office_day_2" checked');
  });
});

describe('WhatsApp templates', () => {
  const sid = `HX${'0123456789abcdef'.repeat(2)}`;

  it.each([
    ['content_sid', { content_sid: 'HX123' }, 'Content SID: must be a Twilio Content SID (HX and 32 hex digits)'],
    ['variables.2', { variables: '{patient_name}\n{slots}' }, 'Variables, in order: unknown placeholder {slots}'],
    ['language', { language: 'Spanish' }, 'Language: must be a language tag such as en, es or pt-BR'],
  ])('names a bad %s and saves nothing', async (field, change, message) => {
    const response = await post('/whatsapp', { kind: 'reminder', language: 'es', content_sid: sid, variables: '{patient_name}\n{date}', ...change });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain(`data-field-error="${field.split('.')[0]}">${message}`);
    expect(((await json(await stack.api('/api/clinic/whatsapp-templates'))) as { templates: unknown[] }).templates).toEqual([]);
  });

  it('saves one with its variables numbered in order, lists it, and removes it', async () => {
    const saved = await post('/whatsapp', { kind: 'reminder', language: 'es', content_sid: sid, variables: '{patient_name}\r\n\r\n{date}\r\n{time}\r\n' });
    expect(saved.status).toBe(303);
    const listed = (await json(await stack.api('/api/clinic/whatsapp-templates'))) as { templates: unknown[] };
    expect(listed.templates).toEqual([
      expect.objectContaining({ kind: 'reminder', language: 'es', content_sid: sid, variables: { '1': '{patient_name}', '2': '{date}', '3': '{time}' } }),
    ]);
    const page = await getPage();
    expect(page).toContain(sid);
    // Staff read the language by its name; the tag (what the Language field takes) beside it.
    expect(page).toMatch(/<th scope="row">Reminder<\/th><td>Español \(es\)<\/td>/);
    expect(page).toContain('aria-label="Remove the Reminder template in Español"');

    const removed = await post('/whatsapp/delete', { kind: 'reminder', language: 'es' });
    expect(removed.status).toBe(303);
    expect(((await json(await stack.api('/api/clinic/whatsapp-templates'))) as { templates: unknown[] }).templates).toEqual([]);
    const again = await post('/whatsapp/delete', { kind: 'reminder', language: 'es' });
    expect(again.status).toBe(404);
    expect(await again.text()).toContain('no WhatsApp template for reminder in es');
  });
});

describe('rooms', () => {
  it('sets the rooms open, and names a number out of range', async () => {
    expect((await post('/rooms', { rooms_open: '3' })).status).toBe(303);
    expect((await settings()).rooms_open).toBe(3);
    const refused = await post('/rooms', { rooms_open: '0' });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain('data-field-error="rooms_open">Rooms open now: must be a whole number from 1 to 100');
    expect(page).toContain('value="0"');
    expect((await settings()).rooms_open).toBe(3);
  });
});

describe('a receptionist reads the languages of the templates', () => {
  it('by their own names (English, Español), as the booking form shows them, never as bare tags', async () => {
    const page = await getPage({ kind: 'reminder', language: 'es' });
    expect(page).toContain('<label for="template-body">Reminder in Español</label>');
    expect(page).toContain('<caption id="templates-caption">Every message in Español</caption>');
    expect(page).toContain('<option value="en">English</option>');
    expect(page).toContain('<option value="es">Español</option>');
    expect(page).not.toMatch(/ in (en|es)\b/);
  });
});
