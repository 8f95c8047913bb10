/**
 * SMS pumping on the clinic's public number: texts "from" numbers of countries the clinic does not
 * answer get no reply at all (empty TwiML, nothing sent), are logged and counted; the per-number
 * limit is counted too; both show in `GET /api/metrics/inbound`. A number abroad that staff booked,
 * and the clinic has asked a question, is answered while that question is open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookThroughApi } from '../support/apiBooking.js';
import { json, patientPhone, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

// Valid numbers of other countries, in ranges their plans hold (libphonenumber's metadata).
const INDIAN_MOBILE = '+919876543210';
const MEXICAN_NUMBER = '+525512345678';
const NON_GEOGRAPHIC = '+80012345678';

const metrics = async (query = '') => json(await stack.api(`/api/metrics/inbound${query}`));
const outboundTo = async (phone: string) =>
  (await stack.sql`select count(*)::int as n from messages where clinic_id = ${stack.clinic.id} and phone = ${phone} and direction = 'outbound'`)[0]!
    .n as number;

describe('texts from a country the clinic does not answer', () => {
  it('by default (the clinic answers its own country only) get an empty reply, are logged and counted', async () => {
    const before = await metrics();
    expect((await json(await stack.api('/api/clinic'))).inbound_countries).toEqual(['US']);

    for (const from of [INDIAN_MOBILE, MEXICAN_NUMBER, `whatsapp:${INDIAN_MOBILE}`]) {
      for (const body of ['JOIN', 'HELP', 'START', 'anything at all']) {
        const response = await stack.sendSms(from, body);
        expect(response.status).toBe(200);
        expect(await response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      }
    }
    expect(await outboundTo(INDIAN_MOBILE)).toBe(0);
    expect(await outboundTo(MEXICAN_NUMBER)).toBe(0);
    const logged = await stack.sql`
      select count(*)::int as n from messages where clinic_id = ${stack.clinic.id} and phone in (${INDIAN_MOBILE}, ${MEXICAN_NUMBER}) and unanswered_reason = 'country'`;
    expect(logged[0]!.n).toBe(12);
    expect((await stack.sql`select 1 from tickets where clinic_id = ${stack.clinic.id} and phone = ${INDIAN_MOBILE}`).length).toBe(0);

    const after = await metrics();
    expect(after.received - before.received).toBe(12);
    expect(after.unanswered.country - before.unanswered.country).toBe(12);
    expect(after.answered - before.answered).toBe(0);
  });

  it('still have their opt-out recorded, with no reply', async () => {
    expect(await twimlText(await stack.sendSms(MEXICAN_NUMBER, 'STOP'))).toBe('');
    expect(await stack.sql`select 1 from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${MEXICAN_NUMBER}`).toHaveLength(1);
  });

  it('are answered once staff allow the country; null sets the list back to the clinic country', async () => {
    const allowed = await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ inbound_countries: ['US', 'IN', 'IN'] }) });
    expect(allowed.status).toBe(200);
    expect((await json(allowed)).inbound_countries).toEqual(['IN', 'US']);
    expect(await twimlText(await stack.sendSms(INDIAN_MOBILE, 'STATUS'))).toContain("you're not in line");
    // A non-geographic number belongs to no country, so no list lets it in.
    expect(await twimlText(await stack.sendSms(NON_GEOGRAPHIC, 'STATUS'))).toBe('');

    const reset = await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ inbound_countries: null }) });
    expect((await json(reset)).inbound_countries).toEqual(['US']);
    expect(await twimlText(await stack.sendSms(INDIAN_MOBILE, 'STATUS'))).toBe('');
  });

  it('refuses a bad list with 400 naming inbound_countries (or the bad entry), and changes nothing', async () => {
    const cases: [unknown, string][] = [
      [[], 'inbound_countries'],
      ['US', 'inbound_countries'],
      [Array(251).fill('US'), 'inbound_countries'],
      [['US', 'XX'], 'inbound_countries.1'],
      [['us'], 'inbound_countries.0'],
    ];
    for (const [bad, field] of cases) {
      const response = await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ inbound_countries: bad }) });
      expect(response.status, field).toBe(400);
      expect((await json(response)).error.field).toBe(field);
    }
    expect((await json(await stack.api('/api/clinic'))).inbound_countries).toEqual(['US']);
  });
});

describe('a number of another country the clinic has asked a question', () => {
  it('is answered while the question is open (staff booked it), and is a stranger again once it is answered', async () => {
    const abroad = '+447911123458';
    const booked = await bookThroughApi(stack, { phone: abroad });
    expect((await stack.api(`/api/appointments/${booked.id}/remind`, { method: 'POST' })).status).toBe(200);
    const texts = async () =>
      ((await json(await stack.api(`/api/messages?phone=${encodeURIComponent(abroad)}`))).messages as { direction: string; body: string }[])
        .filter((m) => m.direction === 'outbound')
        .map((m) => m.body);
    await expect.poll(async () => (await texts())[0], { timeout: 15_000 }).toMatch(/Reply YES to confirm/);

    expect(await patientReply(stack, abroad, await stack.sendSms(abroad, 'Yes'))).toMatch(/^Test Clinic: thank you, Rahul Sharma\. .* is confirmed/);
    expect((await json(await stack.api(`/api/appointments/${booked.id}`))).status).toBe('confirmed');
    expect(await twimlText(await stack.sendSms(abroad, 'JOIN'))).toBe('');
  });
});

describe('the per-number limit', () => {
  it('is counted in the metrics', async () => {
    const before = await metrics();
    const phone = patientPhone();
    for (let i = 0; i < 12; i += 1) await stack.sendSms(phone, 'STATUS');
    const after = await metrics();
    expect(after.unanswered.too_many - before.unanswered.too_many).toBe(2);
    expect(after.answered - before.answered).toBe(10);
  });
});

describe('GET /api/metrics/inbound', () => {
  it('counts the window asked for, and names a bad bound', async () => {
    const past = await metrics('?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00%2B01:00');
    expect(past).toEqual({
      clinic: stack.clinic.slug,
      from: '2020-01-01T00:00:00.000Z',
      to: '2020-01-01T23:00:00.000Z',
      received: 0,
      answered: 0,
      unanswered: { country: 0, too_many: 0, loop: 0 },
      purged: { runs: 0, messages: 0, calls: 0, tickets: 0, prompts: 0, reveals: 0 },
    });
    const bad = await stack.api('/api/metrics/inbound?from=yesterday');
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.field).toBe('from');
    const backwards = await stack.api('/api/metrics/inbound?from=2020-01-02T00:00:00Z&to=2020-01-01T00:00:00Z');
    expect(backwards.status).toBe(400);
    expect((await json(backwards)).error.field).toBe('to');
  });
});
