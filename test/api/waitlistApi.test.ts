/**
 * Staff keep a clinic's waitlist through the JSON API: patients added by number and ranked by issue
 * 10's priority with the score's parts, changes and removals; bad input is a 400 naming the field with nothing written, unknown ids are 404, and the
 * database itself refuses a manual boost over 40.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, patientPhone, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const DAY_MS = 86_400_000;
const daysFromNow = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();
const send = (method: string, path: string, body?: unknown) => stack.api(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
const addProvider = async (name: string, type: string) => {
  const response = await send('POST', '/api/providers', { name, type });
  expect(response.status).toBe(201);
  return (await json(response)) as { id: number; name: string; type: string | null; active: boolean };
};
const addEntry = async (body: Record<string, unknown>) => {
  const response = await send('POST', '/api/waitlist', body);
  expect(response.status, JSON.stringify(await response.clone().json())).toBe(201);
  return json(response);
};
const counts = async () => {
  const [row] = await stack.sql<{ entries: number; patients: number; preferences: number }[]>`
    select (select count(*)::int from waitlist_entries where clinic_id = ${stack.clinic.id}) as entries,
           (select count(*)::int from patients where clinic_id = ${stack.clinic.id}) as patients,
           (select count(*)::int from waitlist_entry_providers where clinic_id = ${stack.clinic.id}) as preferences`;
  return row!;
};

describe('the waitlist', () => {
  it('ranks active entries by score with its parts, ties going to who joined first', async () => {
    const provider = await addProvider('Dr Ranking', 'MD/DO');
    const joinedLongAgo = daysFromNow(-95);
    // 30 urgent + 0 boost + 20 (appointment 200 days away) + 3 (95 days on the list) = 53.
    const urgent = await addEntry({
      phone: patientPhone(),
      display_name: 'Urgent\u0007 Patient',
      provider_ids: [provider.id],
      provider_type: 'MD/DO',
      current_appt_at: daysFromNow(200),
      urgent: true,
      joined_at: joinedLongAgo,
      notes: 'call\u0000 after 5',
    });
    expect(urgent).toMatchObject({
      id: expect.any(String),
      display_name: 'Urgent Patient',
      notes: 'call after 5',
      provider_ids: [provider.id],
      provider_type: 'MD/DO',
      urgent: true,
      manual_boost: 0,
      active: true,
      joined_at: new Date(joinedLongAgo).toISOString(),
      score: 53,
      score_parts: { urgent: 30, manual_boost: 0, appointment_wait: 20, seniority: 3 },
    });
    // Two entries of 10 points (boost 10, no appointment, new): the one who joined first goes first.
    const first = await addEntry({ phone: patientPhone(), manual_boost: 10, joined_at: daysFromNow(-2) });
    const second = await addEntry({ phone: patientPhone(), manual_boost: 10, joined_at: daysFromNow(-1) });
    // 5 points: an appointment 45 days away.
    const soon = await addEntry({ phone: patientPhone(), current_appt_at: daysFromNow(45) });
    expect(soon).toMatchObject({ provider_type: 'Any', provider_ids: [], urgent: false, manual_boost: 0, score: 5, display_name: null, notes: null });

    const entries = (await json(await send('GET', '/api/waitlist'))).entries as { id: string; score: number }[];
    const ours = entries.filter((e) => [urgent.id, first.id, second.id, soon.id].includes(e.id));
    expect(ours.map((e) => [e.id, e.score])).toEqual([
      [urgent.id, 53],
      [first.id, 10],
      [second.id, 10],
      [soon.id, 5],
    ]);
    for (let i = 1; i < entries.length; i++) expect(entries[i - 1]!.score).toBeGreaterThanOrEqual(entries[i]!.score);
  });

  it("stores a local number as E.164 in the clinic's country, shows it in full, and keeps one patient per number", async () => {
    const entry = await addEntry({ phone: '(312) 555-0199', display_name: 'Local Number' });
    expect(entry.phone).toBe('+13125550199');
    const again = await send('POST', '/api/waitlist', { phone: '+13125550199' });
    expect(again.status).toBe(409);
    expect((await json(again)).error).toMatchObject({ code: 'conflict', field: 'phone' });
    const [patient] = await stack.sql`select count(*)::int as n from patients where clinic_id = ${stack.clinic.id} and phone_e164 = '+13125550199'`;
    expect(patient!.n).toBe(1);
  });

  it('changes an entry, takes it off with DELETE (inactive, row kept) and puts it back', async () => {
    const shah = await addProvider('Dr Patch', 'MD/DO');
    const entry = await addEntry({ phone: patientPhone(), display_name: 'To Change', notes: 'first note', current_appt_at: daysFromNow(100) });
    expect(entry.score_parts.appointment_wait).toBe(10);

    const patched = await send('PATCH', `/api/waitlist/${entry.id}`, {
      manual_boost: 40,
      urgent: true,
      provider_ids: [shah.id, shah.id],
      provider_type: 'APP',
      current_appt_at: null,
      notes: null,
      display_name: 'Changed Name',
    });
    expect(patched.status).toBe(200);
    expect(await json(patched)).toMatchObject({
      id: entry.id,
      manual_boost: 40,
      urgent: true,
      provider_ids: [shah.id],
      provider_type: 'APP',
      current_appt_at: null,
      notes: null,
      display_name: 'Changed Name',
      score: 70,
      score_parts: { urgent: 30, manual_boost: 40, appointment_wait: 0, seniority: 0 },
    });

    expect((await send('DELETE', `/api/waitlist/${entry.id}`)).status).toBe(204);
    expect((await send('DELETE', `/api/waitlist/${entry.id}`)).status).toBe(204);
    const listed = (await json(await send('GET', '/api/waitlist'))).entries as { id: string }[];
    expect(listed.map((e) => e.id)).not.toContain(entry.id);
    const [row] = await stack.sql`select active from waitlist_entries where id = ${entry.id}`;
    expect(row).toEqual({ active: false });

    // While it is off, the patient may join again; putting the old one back would make two.
    const rejoined = await addEntry({ phone: entry.phone });
    const twice = await send('PATCH', `/api/waitlist/${entry.id}`, { active: true });
    expect(twice.status).toBe(409);
    expect((await json(twice)).error.field).toBe('active');
    expect((await send('DELETE', `/api/waitlist/${rejoined.id}`)).status).toBe(204);
    const back = await send('PATCH', `/api/waitlist/${entry.id}`, { active: true });
    expect(back.status).toBe(200);
    expect((await json(back)).active).toBe(true);
  });

  it('answers 404 naming the id for an unknown entry, and 400 for a malformed one', async () => {
    for (const [method, body] of [
      ['PATCH', { urgent: true }],
      ['DELETE', undefined],
    ] as const) {
      const unknown = await send(method, '/api/waitlist/987654321', body);
      expect(unknown.status).toBe(404);
      expect((await json(unknown)).error.field).toBe('id');
      const malformed = await send(method, '/api/waitlist/abc', body);
      expect(malformed.status).toBe(400);
      expect((await json(malformed)).error.field).toBe('id');
    }
  });
});

describe('the waitlist with bad input', () => {
  let otherClinicProvider: number;
  let ownProvider: number;
  beforeAll(async () => {
    ownProvider = (await addProvider('Dr Valid', 'APP')).id;
    const [other] = await stack.sql<{ id: number }[]>`
      insert into clinics (slug, name, timezone) values (${`other-${stack.clinic.id}`}, 'Other Clinic', 'America/Chicago') returning id`;
    const [provider] = await stack.sql<
      { id: number }[]
    >`insert into providers (clinic_id, name, type) values (${other!.id}, 'Dr Elsewhere', 'MD/DO') returning id`;
    otherClinicProvider = provider!.id;
  });

  it.each([
    ['manual_boost', { manual_boost: 41 }, 'manual_boost: must be a whole number from 0 to 40'],
    ['manual_boost', { manual_boost: -1 }, 'manual_boost: must be a whole number from 0 to 40'],
    ['manual_boost', { manual_boost: 2.5 }, 'manual_boost: must be a whole number from 0 to 40'],
    ['phone', { phone: '12345' }, 'phone: must be a valid mobile number, E.164 or local to US'],
    ['phone', { phone: undefined }, 'phone: is required'],
    ['provider_type', { provider_type: 'nurse' }, 'provider_type: must be MD/DO, APP or Any'],
    ['current_appt_at', { current_appt_at: 'next tuesday' }, 'current_appt_at: must be an ISO 8601 date and time with its offset'],
    ['current_appt_at', { current_appt_at: '2030-01-01T10:00:00' }, 'current_appt_at: must be an ISO 8601 date and time with its offset'],
    ['joined_at', { joined_at: '2026-13-01T10:00:00Z' }, 'joined_at: must be an ISO 8601 date and time with its offset'],
    ['joined_at', { joined_at: '2099-01-01T10:00:00Z' }, 'joined_at: must not be in the future'],
    ['urgent', { urgent: 'yes' }, 'urgent: must be true or false'],
    ['display_name', { display_name: 'x'.repeat(101) }, 'display_name: must be at most 100 characters'],
    ['display_name', { display_name: '\u0000\u0007 ' }, 'display_name: must not be empty'],
    ['notes', { notes: 'x'.repeat(501) }, 'notes: must be at most 500 characters'],
    ['provider_ids', { provider_ids: 3 }, 'provider_ids: must be a list of provider ids'],
    ['provider_ids.0', { provider_ids: ['Dr Shah'] }, 'provider_ids.0: must be a provider id'],
    ['provider_ids.1', { provider_ids: [1, 3_000_000_000] }, 'provider_ids.1: must be a provider id'],
    ['favourite', { favourite: true }, 'favourite: is not a field this takes'],
  ])('refuses a bad %s with 400 naming it, writing nothing', async (field, change, message) => {
    const before = await counts();
    const response = await send('POST', '/api/waitlist', { phone: patientPhone(), ...change });
    expect(response.status).toBe(400);
    const { error } = await json(response);
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
    expect(await counts()).toEqual(before);
  });

  it('refuses an unknown provider id, or one of another clinic, naming its place in the list, writing nothing', async () => {
    for (const providerIds of [
      [ownProvider, 99_999_999],
      [ownProvider, otherClinicProvider],
    ]) {
      const before = await counts();
      const response = await send('POST', '/api/waitlist', { phone: patientPhone(), display_name: 'Not Written', provider_ids: providerIds });
      expect(response.status).toBe(400);
      expect((await json(response)).error).toMatchObject({ code: 'bad_request', field: 'provider_ids.1' });
      expect(await counts()).toEqual(before);
    }
  });

  it('refuses a bad change naming its field, changing nothing', async () => {
    const entry = await addEntry({ phone: patientPhone(), manual_boost: 5, provider_ids: [ownProvider] });
    for (const [field, body] of [
      ['manual_boost', { manual_boost: 41 }],
      ['phone', { phone: 'not a phone' }],
      ['provider_ids.0', { provider_ids: [otherClinicProvider], urgent: true }],
      ['active', { active: 'no' }],
      ['score', { score: 99 }],
    ] as const) {
      const before = await counts();
      const response = await send('PATCH', `/api/waitlist/${entry.id}`, body);
      expect(response.status, field).toBe(400);
      expect((await json(response)).error.field).toBe(field);
      expect(await counts()).toEqual(before);
    }
    const [row] = await stack.sql`select manual_boost, urgent from waitlist_entries where id = ${entry.id}`;
    expect(row).toEqual({ manual_boost: 5, urgent: false });
    const [preferences] = await stack.sql`select array_agg(provider_id) as ids from waitlist_entry_providers where entry_id = ${entry.id}`;
    expect(preferences!.ids).toEqual([ownProvider]);
  });

  it('is refused by the database too: a manual boost of 41 written directly breaks its check', async () => {
    const entry = await addEntry({ phone: patientPhone() });
    await expect(stack.sql`update waitlist_entries set manual_boost = 41 where id = ${entry.id}`).rejects.toMatchObject({ code: '23514' });
    const [patient] = await stack.sql<{ id: string }[]>`select patient_id as id from waitlist_entries where id = ${entry.id}`;
    await expect(
      stack.sql`insert into waitlist_entries (clinic_id, patient_id, manual_boost, active) values (${stack.clinic.id}, ${patient!.id}, 41, false)`,
    ).rejects.toMatchObject({ code: '23514', constraint_name: 'waitlist_entries_manual_boost_check' });
  });
});
