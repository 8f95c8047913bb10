/**
 * Staff book and read appointments through the JSON API: bad input is a 400 naming the field with
 * nothing written, unknown ids are 404, the CSV export is the seed's spreadsheet format, a no-show
 * is marked only once the appointment has started, and a cancel says whether the patient is texted.
 */
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findOrCreateProvider } from '../../src/appointments/appointments.js';
import { apiBookingBody, bookThroughApi, contactHoursLeavingOutNow, outboundTexts, withContactHours } from '../support/apiBooking.js';
import { json, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const book = (body: Record<string, unknown>) => stack.api('/api/appointments', { method: 'POST', body: JSON.stringify(body) });
const validBooking = () => apiBookingBody().body;
const count = async () => (await stack.sql<{ n: number }[]>`select count(*)::int as n from appointments where clinic_id = ${stack.clinic.id}`)[0]!.n;

describe('booking with bad input', () => {
  it.each([
    ['patient_name', { patient_name: 'x'.repeat(101) }, 'patient_name: must be at most 100 characters'],
    ['phone', { phone: '12345' }, 'phone: must be a valid mobile number, E.164 or local to US'],
    ['starts_at', { starts_at: 'next tuesday' }, 'starts_at: must be an ISO 8601 date and time with its offset'],
    ['starts_at', { starts_at: '2020-01-01T10:00:00Z' }, 'starts_at: must be in the future'],
    ['starts_at', { starts_at: '2030-01-01T10:00:00' }, 'starts_at: must be an ISO 8601 date and time with its offset'],
    ['duration_minutes', { duration_minutes: 0 }, 'duration_minutes: must be a whole number of minutes from 5 to 480'],
    ['channel', { channel: 'fax' }, 'channel: must be sms, whatsapp or voice'],
    ['provider', { provider: undefined }, 'provider: is required'],
    ['service', { service: undefined }, 'service: is required'],
    ['language', { language: 'klingon' }, 'language:'],
  ])('refuses a bad %s with 400 naming it, writing nothing', async (field, change, message) => {
    const before = await count();
    const response = await book({ ...validBooking(), ...change });
    expect(response.status).toBe(400);
    const { error } = await json(response);
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
    expect(await count()).toBe(before);
  });

  it('refuses a provider_id the clinic does not have', async () => {
    const { provider: _, ...rest } = validBooking();
    const response = await book({ ...rest, provider_id: 999_999 });
    expect(response.status).toBe(400);
    expect((await json(response)).error.field).toBe('provider_id');
  });
});

describe("a local number in the clinic's country", () => {
  it('is booked as E.164: a 10-digit Indian mobile at a clinic in IN becomes +91…', async () => {
    const bad = await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ default_country: 'XX' }) });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.field).toBe('default_country');
    expect((await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ default_country: 'IN' }) })).status).toBe(200);
    try {
      const response = await book({ ...validBooking(), phone: '98765 43210' });
      expect(response.status).toBe(201);
      expect((await json(response)).phone).toBe('+919876543210');
      const refused = await book({ ...validBooking(), phone: '555-0100' });
      expect(refused.status).toBe(400);
      expect((await json(refused)).error).toMatchObject({ field: 'phone', message: 'phone: must be a valid mobile number, E.164 or local to IN' });
    } finally {
      await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ default_country: 'US' }) });
    }
  });
});

describe('reading appointments', () => {
  it('answers 404 naming the id for an unknown appointment, and 400 for a malformed one', async () => {
    const unknown = await stack.api('/api/appointments/987654321');
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.field).toBe('id');
    expect((await stack.api('/api/appointments/abc')).status).toBe(400);
    expect((await stack.api('/api/appointments/987654321/cancel', { method: 'POST' })).status).toBe(404);
  });

  it('exports the day as the seed spreadsheet, in clinic time, with names that keep their commas', async () => {
    const provider = await findOrCreateProvider(stack.sql, stack.clinic.id, 'Dr Mehta');
    expect(await findOrCreateProvider(stack.sql, stack.clinic.id, 'dr mehta')).toEqual(provider);
    const day = '2031-03-04';
    await stack.sql`
      insert into appointments (clinic_id, provider_id, patient_name, phone, language, service, channel, starts_at, duration_minutes, follow_up_date, workflow_id)
      values (${stack.clinic.id}, ${provider.id}, 'Sharma, Rahul', '+919876543210', 'en', 'Ortho', 'sms',
              (${`${day} 10:30`}::timestamp at time zone ${stack.clinic.timezone}), 30, '2031-03-11', ${`appointment-csv-${stack.clinic.id}`})`;
    const response = await stack.api(`/api/appointments.csv?date=${day}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const records: string[][] = parse(await response.text(), { bom: true });
    expect(records).toEqual([
      ['name', 'mobile', 'date', 'time_slot', 'doctor', 'specialty', 'followup_date'],
      ['Sharma, Rahul', '+919876543210', day, '10:30', 'Dr Mehta', 'Ortho', '2031-03-11'],
    ]);
    const listed = (await json(await stack.api(`/api/appointments?date=${day}`))).appointments;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      patient_name: 'Sharma, Rahul',
      provider: 'Dr Mehta',
      status: 'booked',
      follow_up_date: '2031-03-11',
      another_time_asked_at: null,
      call_back_reason: null,
    });
    expect((await json(await stack.api(`/api/appointments?date=${day}&status=cancelled`))).appointments).toEqual([]);
    expect((await stack.api('/api/appointments?date=tomorrow')).status).toBe(400);
  });
});

describe('marking a no-show', () => {
  it('is refused before the appointment starts with 409, the chain going on; from its start it is taken', async () => {
    const early = await bookThroughApi(stack, { days: 2 });
    const refused = await stack.api(`/api/appointments/${early.id}/no_show`, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect((await json(refused)).error).toEqual({
      code: 'conflict',
      field: 'status',
      message: expect.stringMatching(/^the appointment has not started \(it starts .*\): a no-show can be marked from its start$/),
    });
    expect(await json(await stack.api(`/api/appointments/${early.id}`))).toMatchObject({ status: 'booked', next_reminder_at: expect.any(String) });
    expect((await stack.temporal.workflow.getHandle(early.workflowId).describe()).status.name).toBe('RUNNING');

    const soon = await bookThroughApi(stack, { startsAt: DateTime.now().plus({ seconds: 3 }).set({ millisecond: 0 }) });
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const marked = await stack.api(`/api/appointments/${soon.id}/no_show`, { method: 'POST' });
    expect(marked.status).toBe(200);
    expect((await json(marked)).status).toBe('no_show');
  });
});

describe('cancelling', () => {
  const cancel = async (id: string) => {
    const response = await stack.api(`/api/appointments/${id}/cancel`, { method: 'POST' });
    expect(response.status).toBe(200);
    return json(response);
  };

  it('answers patient_texted false while the booking confirmation is held (outside contact hours): the patient is texted nothing', async () => {
    const held = await withContactHours(stack, contactHoursLeavingOutNow(stack), () => bookThroughApi(stack, { days: 2 }));
    expect(await cancel(held.id)).toMatchObject({ id: held.id, status: 'cancelled', patient_texted: false });
    // The chain owes the patient nothing, so it ends now instead of waiting for contact hours.
    await vi.waitFor(async () => expect((await stack.temporal.workflow.getHandle(held.workflowId).describe()).status.name).toBe('COMPLETED'), {
      timeout: 15_000,
    });
    expect(await outboundTexts(stack, held.phone)).toEqual([]);
  });

  it('answers patient_texted true once the booking confirmation went, and the cancellation is texted', async () => {
    const told = await withContactHours(stack, { start: '00:00', end: '23:59' }, () => bookThroughApi(stack, { days: 2 }));
    await vi.waitFor(async () => expect(await outboundTexts(stack, told.phone)).toHaveLength(1), { timeout: 15_000 });
    expect(await cancel(told.id)).toMatchObject({ status: 'cancelled', patient_texted: true });
    await vi.waitFor(
      async () => expect(await outboundTexts(stack, told.phone)).toEqual([expect.stringContaining('is booked for'), expect.stringContaining('cancel')]),
      {
        timeout: 15_000,
      },
    );
  });
});
