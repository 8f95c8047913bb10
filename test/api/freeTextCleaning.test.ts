/**
 * Names and notes keep the invisible characters their spelling needs and lose the ones that hide or
 * reorder text: a Persian name with ZERO WIDTH NON-JOINER, a Sinhala one with ZERO WIDTH JOINER and an
 * emoji ZWJ sequence reach staff as typed (in NFC), while bidi overrides and isolates, zero-width
 * spaces and joiners that join nothing are removed. Each is typed where staff type it (a provider, a
 * booking's patient, a waitlist entry's name and notes) and where a patient does (a JOIN note by text),
 * and read back where staff read it (the JSON API and the staff pages).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiBookingBody } from '../support/apiBooking.js';
import { staffCookie } from '../support/staffForms.js';
import { json, patientPhone, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let cookie: string;
beforeAll(async () => {
  stack = await startStack();
  cookie = await staffCookie(stack);
});
afterAll(() => stack?.stop());

const post = (path: string, body: unknown) => stack.api(path, { method: 'POST', body: JSON.stringify(body) });
/** A staff page of this stack's clinic, as signed-in staff see it. */
const staffPage = async (path: string, query: Record<string, string> = {}) => {
  const search = new URLSearchParams({ clinic: stack.clinic.slug, ...query }).toString();
  const response = await stack.app.request(`${path}?${search}`, { headers: { Cookie: cookie } });
  expect(response.status).toBe(200);
  return response.text();
};

/** What is typed, and what staff then see. */
const CASES: [string, string, string][] = [
  ['a Persian name with ZERO WIDTH NON-JOINER', 'علی نیک\u200Cنام', 'علی نیک\u200Cنام'],
  ['a Sinhala name with ZERO WIDTH JOINER', 'ශ්\u200Dරී ලංකා', 'ශ්\u200Dරී ලංකා'],
  ['an emoji ZWJ sequence with its variation selector', 'Dr Émile Zola 👨\u200D⚕\uFE0F', 'Dr Émile Zola 👨\u200D⚕\uFE0F'],
  ['an accent typed as a combining mark, stored composed (NFC)', 'Dr E\u0301mile Zola', 'Dr \u00C9mile Zola'],
  ['a RIGHT-TO-LEFT OVERRIDE, removed', 'Dr \u202Eatsem', 'Dr atsem'],
  ['bidi isolates, removed', '\u2066Dr Ali\u2069 Khan', 'Dr Ali Khan'],
  ['a ZERO WIDTH SPACE, removed', 'Dr Ra\u200Bhul', 'Dr Rahul'],
  ['joiners that join nothing (at the ends, beside a space), removed', '\u200DDr \u200CNoor\u200C', 'Dr Noor'],
];

describe.each(CASES)('%s', (_label, typed, seen) => {
  it('is what staff see of a provider’s name', async () => {
    const created = await post('/api/providers', { name: typed, type: 'MD/DO' });
    expect(created.status).toBe(201);
    expect((await json(created)).name).toBe(seen);
    const listed = (await json(await stack.api('/api/providers'))).providers as { name: string }[];
    expect(listed.map((provider) => provider.name)).toContain(seen);
  });

  it('is what staff see of a booked patient’s name, in the API and (its first word) on the Appointments page', async () => {
    const { body, start } = apiBookingBody({ patientName: typed, provider: 'Dr Mehta' });
    const booked = await post('/api/appointments', body);
    expect(booked.status).toBe(201);
    const { id, patient_name } = await json(booked);
    expect(patient_name).toBe(seen);
    expect((await json(await stack.api(`/api/appointments/${id}`))).patient_name).toBe(seen);
    const day = start.setZone(stack.clinic.timezone).toISODate()!;
    expect(await staffPage('/admin/appointments', { date: day })).toContain(`<span class="appt-name">${seen.split(' ')[0]}</span>`);
  });

  it('is what staff see of a waitlist patient’s name and notes, in the API and on the Waitlist page', async () => {
    const created = await post('/api/waitlist', { phone: patientPhone(), display_name: typed, notes: `Notes: ${typed}` });
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({ display_name: seen, notes: `Notes: ${seen}` });
    const page = await staffPage('/admin/waitlist');
    expect(page).toContain(seen);
    expect(page).toContain(`Notes: ${seen}`);
  });

  it('is what staff see of a patient’s JOIN note on the board', async () => {
    const phone = patientPhone();
    expect((await stack.sendSms(phone, `JOIN ${typed}`)).status).toBe(200);
    const queue = (await json(await stack.api('/api/queue'))) as { tickets: { note: string | null }[] };
    expect(queue.tickets.map((ticket) => ticket.note)).toContain(seen);
    expect(await staffPage('/admin/board')).toContain(seen);
  });
});
