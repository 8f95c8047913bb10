/**
 * Staff type times in the clinic's zone, America/Chicago here, across its daylight-saving changes.
 * On 2027-03-14 the clocks go from 02:00 to 03:00: 02:30 does not exist that day, and every staff form
 * that takes a time (book, move, waitlist current appointment, freed slot) refuses it naming the field,
 * instead of moving it to 03:30. On 2027-11-07 they go from 02:00 back to 01:00: 01:30 happens twice, and
 * is read as the first pass, with the summer offset (-05:00), as the README says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookThroughApi } from '../support/apiBooking.js';
import { OWN_ORIGIN, postForm, staffCookie } from '../support/staffForms.js';
import { json, patientPhone, startStack, type Stack } from '../support/stack.js';

const ZONE = 'America/Chicago';
const SKIPPED = '2027-03-14T02:30';
const REPEATED = '2027-11-07T01:30';
/** 01:30 at its first pass, 01:30 -05:00 (CDT). */
const REPEATED_FIRST_PASS = '2027-11-07T06:30:00.000Z';
const doesNotExist = (label: string) => `${label}: 02:30 does not exist on 2027-03-14 in ${ZONE}: the clocks change that day`;

let stack: Stack;
let cookie: string;
let providerId: number;
beforeAll(async () => {
  stack = await startStack();
  await stack.sql`update clinics set timezone = ${ZONE} where id = ${stack.clinic.id}`;
  cookie = await staffCookie(stack);
  const provider = await stack.api('/api/providers', { method: 'POST', body: JSON.stringify({ name: 'Dr Okafor', type: 'MD/DO' }) });
  expect(provider.status).toBe(201);
  providerId = ((await json(provider)) as { id: number }).id;
});
afterAll(() => stack?.stop());

const page = (path: string, params: Record<string, string> = {}) =>
  `/admin/${path}?${new URLSearchParams({ clinic: stack.clinic.slug, ...params }).toString()}`;
const post = (path: string, fields: Record<string, string>) => postForm(stack, path, cookie, fields);
const count = async (table: 'appointments' | 'cancellation_events' | 'waitlist_entries') =>
  (await stack.sql<{ n: number }[]>`select count(*)::int as n from ${stack.sql(table)} where clinic_id = ${stack.clinic.id}`)[0]!.n;
const bookingFields = (startsAt: string) => ({
  patient_name: 'Rahul Sharma',
  phone: patientPhone(),
  starts_at: startsAt,
  duration_minutes: '30',
  provider: 'Dr Mehta',
  service: 'Ortho',
  channel: 'sms',
  language: '',
});
const slotFields = (start: string, end: string) => ({ provider_id: String(providerId), location: 'Room 2', slot_start_at: start, slot_end_at: end });

describe('a time the clocks skip (02:30 on 2027-03-14) is refused, naming the field, with nothing written', () => {
  it.each([
    ['a booking', 'appointments', 'appointments', bookingFields(SKIPPED), 'starts_at', 'Date and time'],
    [
      "a waitlist entry's current appointment",
      'waitlist',
      'waitlist_entries',
      { phone: patientPhone(), channel: 'sms', provider_type: 'Any', manual_boost: '0', current_appt_at: SKIPPED },
      'current_appt_at',
      'Current appointment',
    ],
    ["a freed slot's start", 'cancellations', 'cancellation_events', slotFields(SKIPPED, '2027-03-14T04:00'), 'slot_start_at', 'Starts'],
    ["a freed slot's end", 'cancellations', 'cancellation_events', slotFields('2027-03-14T01:30', SKIPPED), 'slot_end_at', 'Ends'],
  ] as const)('in %s', async (_, path, table, fields, field, label) => {
    const before = await count(table);
    const response = await post(page(path), fields);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(`data-field-error="${field}">${doesNotExist(label)}`);
    expect(await count(table)).toBe(before);
  });

  it('in a move, which leaves the appointment where it was', async () => {
    const { id, day } = await bookThroughApi(stack, { days: 5 });
    const before = (await json(await stack.api(`/api/appointments/${id}`))).starts_at;
    const refused = await post(page(`appointments/${id}/move`, { date: day }), { starts_at: SKIPPED });
    expect(refused.status).toBe(303);
    expect(new URL(refused.headers.get('location')!, OWN_ORIGIN).searchParams.get('error')).toBe(doesNotExist('New time'));
    expect((await json(await stack.api(`/api/appointments/${id}`))).starts_at).toBe(before);
  });
});

describe('a time the clocks pass twice (01:30 on 2027-11-07) is its first pass, -05:00', () => {
  it('in a booking', async () => {
    const booked = await post(page('appointments'), bookingFields(REPEATED));
    expect(booked.status).toBe(303);
    const [row] = await stack.sql<
      { id: string }[]
    >`select id::text from appointments where clinic_id = ${stack.clinic.id} order by appointments.id desc limit 1`;
    expect((await json(await stack.api(`/api/appointments/${row!.id}`))).starts_at).toBe(REPEATED_FIRST_PASS);
  });

  it("in a freed slot's start", async () => {
    const logged = await post(page('cancellations'), slotFields(REPEATED, '2027-11-07T03:00'));
    expect(logged.status).toBe(303);
    const [row] = await stack.sql<{ slot_start_at: Date }[]>`
      select slot_start_at from cancellation_events where clinic_id = ${stack.clinic.id} order by id desc limit 1`;
    expect(row!.slot_start_at.toISOString()).toBe(REPEATED_FIRST_PASS);
  });
});
