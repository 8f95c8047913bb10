/**
 * Input the database cannot hold is refused at the edge as a 400 naming the field, never a 500: dates
 * and instants outside the years 2000 to 2099 (Postgres has no year 0 and reads no year past 9999), a
 * provider id past Postgres's integer, a control character in a booking's text, a body that is not a
 * JSON object, and a cancellation whose times fail their own check before the check across them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiBookingBody } from '../support/apiBooking.js';
import { json, patientPhone, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const post = (path: string, body: unknown) => stack.api(path, { method: 'POST', body: JSON.stringify(body) });
const booking = () => apiBookingBody().body;
const count = async (table: 'appointments' | 'cancellation_events' | 'waitlist_entries') =>
  (await stack.sql<{ n: number }[]>`select count(*)::int as n from ${stack.sql(table)} where clinic_id = ${stack.clinic.id}`)[0]!.n;

async function expectRefused(response: Response, field: string, message: string) {
  expect(response.status).toBe(400);
  expect((await json(response)).error).toEqual({ code: 'bad_request', field, message: `${field}: ${message}` });
}

describe('a date or instant outside the years 2000 to 2099', () => {
  const YEARS = 'must be in the years 2000 to 2099';

  it.each([
    ['/api/appointments?date=0000-01-01', 'date'],
    ['/api/appointments.csv?date=9999-12-31', 'date'],
    ['/api/metrics/front-desk?from=9999-12-01&to=9999-12-31', 'from'],
    ['/api/metrics/waitlist?from=0000-01-01&to=0000-12-31', 'from'],
    ['/api/metrics/inbound?from=0001-01-01T00:00:00%2B01:00', 'from'],
  ])('GET %s is a 400 naming %s', async (path, field) => {
    await expectRefused(await stack.api(path), field, YEARS);
  });

  it('is refused in a booking, a move, a cancellation and a waitlist entry, writing nothing', async () => {
    const before = await Promise.all([count('appointments'), count('cancellation_events'), count('waitlist_entries')]);
    await expectRefused(await post('/api/appointments', { ...booking(), starts_at: '9999-12-31T23:59:59-12:00' }), 'starts_at', YEARS);
    await expectRefused(
      await post('/api/cancellations', {
        provider_id: 1,
        location: 'Room 2',
        slot_start_at: '9999-12-31T20:00:00-12:00',
        slot_end_at: '9999-12-31T21:00:00-12:00',
      }),
      'slot_start_at',
      YEARS,
    );
    await expectRefused(await post('/api/waitlist', { phone: patientPhone(), joined_at: '0000-01-01T00:00:00Z' }), 'joined_at', YEARS);
    expect(await Promise.all([count('appointments'), count('cancellation_events'), count('waitlist_entries')])).toEqual(before);

    const booked = await post('/api/appointments', booking());
    expect(booked.status).toBe(201);
    const { id, starts_at } = await json(booked);
    const moved = await stack.api(`/api/appointments/${id}`, { method: 'PATCH', body: JSON.stringify({ starts_at: '2100-01-01T00:00:00Z' }) });
    await expectRefused(moved, 'starts_at', YEARS);
    expect((await json(await stack.api(`/api/appointments/${id}`))).starts_at).toBe(starts_at);
  });
});

describe('other input Postgres could not hold', () => {
  it('refuses a provider_id past a Postgres integer in a booking, as the waitlist and cancellations do', async () => {
    const { provider: _, ...rest } = booking();
    await expectRefused(await post('/api/appointments', { ...rest, provider_id: 2_147_483_648 }), 'provider_id', 'must be a provider id');
  });

  it("strips control characters from a booking's name, service and provider, as everywhere else staff type", async () => {
    const response = await post('/api/appointments', { ...booking(), patient_name: 'Ra\u0000hul\u0007', service: 'Or\u0000tho', provider: 'Dr\u0000 Mehta' });
    expect(response.status).toBe(201);
    expect(await json(response)).toMatchObject({ patient_name: 'Rahul', service: 'Ortho', provider: 'Dr Mehta' });
    await expectRefused(await post('/api/appointments', { ...booking(), patient_name: '\u0000\u0007' }), 'patient_name', 'must not be empty');
  });

  it('names the body when it is JSON but not an object', async () => {
    for (const body of [[booking()], null, 'book me']) await expectRefused(await post('/api/appointments', body), 'body', 'must be a JSON object');
  });

  it("names a cancellation's time that is not ISO 8601 with its offset, instead of checking the two times against each other", async () => {
    const valid = {
      provider_id: 1,
      location: 'Room 2',
      slot_start_at: inDays(2),
      slot_end_at: new Date(Date.now() + 2 * 86_400_000 + 1_800_000).toISOString(),
    };
    const before = await count('cancellation_events');
    const OFFSET = 'must be an ISO 8601 date and time with its offset, such as 2026-12-01T10:30:00-06:00';
    await expectRefused(await post('/api/cancellations', { ...valid, slot_start_at: '2030-12-30T10:00:00' }), 'slot_start_at', OFFSET);
    await expectRefused(await post('/api/cancellations', { ...valid, slot_end_at: 'nope' }), 'slot_end_at', OFFSET);
    await expectRefused(await post('/api/cancellations', { ...valid, slot_end_at: '2030-12-30' }), 'slot_end_at', OFFSET);
    expect(await count('cancellation_events')).toBe(before);
  });
});

describe('a field a route does not take', () => {
  it.each([
    ['POST', '/api/appointments', 'languag'],
    ['PUT', '/api/clinic/rooms', 'rooms'],
    ['PUT', '/api/clinic/templates/reminder/en', 'text'],
  ])('%s %s refuses a misspelt or unknown field (%s) by name instead of ignoring it', async (method, path, field) => {
    const bodies: Record<string, Record<string, unknown>> = {
      '/api/appointments': { ...booking(), languag: 'es' },
      '/api/clinic/rooms': { rooms_open: 2, rooms: 3 },
      '/api/clinic/templates/reminder/en': { body: '{clinic_name}: see you {date} at {time}.', text: 'x' },
    };
    const before = await count('appointments');
    await expectRefused(await stack.api(path, { method, body: JSON.stringify(bodies[path]) }), field, 'is not a field this takes');
    expect(await count('appointments')).toBe(before);
  });
});

describe("an argument the appointment's chain refuses", () => {
  it('is a 400 naming the field it came from: a follow-up date that has passed', async () => {
    const booked = await json(await post('/api/appointments', booking()));
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const response = await post(`/api/appointments/${booked.id}/visited`, { follow_up_date: twoDaysAgo });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toEqual({
      code: 'bad_request',
      field: 'follow_up_date',
      message: `follow_up_date: the follow-up date has passed: ${twoDaysAgo}`,
    });
    expect((await json(await stack.api(`/api/appointments/${booked.id}`))).status).toBe('booked');
  });
});

describe("the message log's limit", () => {
  it.each(['0', '501', '0x10', '1e2', '-1', '', '12.5'])('refuses limit=%s by name, in words', async (limit) => {
    await expectRefused(await stack.api(`/api/messages?limit=${limit}`), 'limit', 'must be a whole number from 1 to 500');
  });

  it('takes a plain number', async () => {
    expect((await stack.api('/api/messages?limit=20')).status).toBe(200);
  });
});

describe('the metrics ranges', () => {
  it('default alike: the waitlist figures, as the front-desk ones, cover the 30 days up to today without from and to', async () => {
    const waitlist = await json(await stack.api('/api/metrics/waitlist'));
    const frontDesk = await json(await stack.api('/api/metrics/front-desk'));
    expect({ from: waitlist.from, to: waitlist.to }).toEqual({ from: frontDesk.from, to: frontDesk.to });
    await expectRefused(
      await stack.api(`/api/metrics/waitlist?from=${frontDesk.to}&to=${frontDesk.from}`),
      'from',
      `must be on or before to (${frontDesk.from})`,
    );
  });
});
