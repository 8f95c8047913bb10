/**
 * Which visit a patient's CANCEL cancels, through the real app signed as Twilio signs: a patient with
 * two upcoming visits, reminded of the later one, cancels that one whether they text a bare `CANCEL`
 * (an opt-out word or not, as the clinic's `cancel_is_opt_out` says) or `cancel please`, and whether
 * or not the number opted out before. A bare `CANCEL` that opts the number out ends its pending waitlist
 * offers, as a STOP does. A CANCEL handled a second time (the reply sweep takes a text up again when a
 * later step of it failed) cancels no second visit.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleInboundText } from '../../src/inbound/handleInboundText.js';
import { bookThroughApi, outboundTexts, remindAndAwaitQuestion, type ApiBooking } from '../support/apiBooking.js';
import { fakeSid, json, patientPhone, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';
import { addProvider, logCancellation, waitlistPatient } from '../support/waitlist.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const statusOf = async (id: string): Promise<string> => (await json(await stack.api(`/api/appointments/${id}`))).status;
const optOuts = async (phone: string) =>
  (await stack.sql<{ keyword: string }[]>`select keyword from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`).map((r) => r.keyword);
const setCancelIsOptOut = async (value: boolean) =>
  expect((await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ cancel_is_opt_out: value }) })).status).toBe(200);

/**
 * A patient booked in 3 days and in 5 days, both confirmations out, then reminded of the later visit
 * only: its question (YES / NO / CHANGE) is open. Returns both bookings and the texts sent so far.
 */
async function remindedOfTheLaterVisit(): Promise<{ phone: string; soonest: ApiBooking; later: ApiBooking; textsSoFar: number }> {
  const phone = patientPhone();
  const soonest = await bookThroughApi(stack, { phone, days: 3 });
  const later = await bookThroughApi(stack, { phone, days: 5 });
  await expect.poll(async () => (await outboundTexts(stack, phone)).length, { timeout: 15_000 }).toBe(2);
  await remindAndAwaitQuestion(stack, later.id, later.workflowId);
  await expect.poll(async () => (await outboundTexts(stack, phone)).at(-1), { timeout: 15_000 }).toMatch(/Reply YES to confirm, NO to cancel/);
  return { phone, soonest, later, textsSoFar: 3 };
}

const CANCELLED = /^Test Clinic: Rahul Sharma, your visit with Dr Mehta on .* is cancelled\./;

describe("a bare CANCEL while it is the number's opt-out word (cancel_is_opt_out true)", () => {
  it('cancels the visit whose reminder is open, not the soonest, with no reply, and records the opt-out', async () => {
    const { phone, soonest, later, textsSoFar } = await remindedOfTheLaterVisit();

    expect(await twimlText(await stack.sendSms(phone, 'CANCEL'))).toBe('');
    expect({ soonest: await statusOf(soonest.id), later: await statusOf(later.id) }).toEqual({ soonest: 'booked', later: 'cancelled' });
    expect(await optOuts(phone)).toEqual(['CANCEL']);
    expect(await outboundTexts(stack, phone)).toHaveLength(textsSoFar);
  });
});

describe('a CANCEL handled a second time, as the reply sweep does when a later step of it failed', () => {
  it('finds the visit it cancelled the first time and cancels no other', async () => {
    const phone = patientPhone();
    const soonest = await bookThroughApi(stack, { phone, days: 3 });
    const later = await bookThroughApi(stack, { phone, days: 5 });
    const messageSid = fakeSid();
    await stack.sql`
      insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, provider_sid, status)
      values (${stack.clinic.id}, 'inbound', 'sms', ${phone}, ${phone}, ${stack.clinicNumber}, 'CANCEL', ${messageSid}, 'received')`;
    const deps = { sql: stack.sql, temporal: stack.temporal, taskQueue: stack.taskQueue, log: pino({ level: 'silent' }) };
    const text = { clinic: stack.clinic, from: { phone, channel: 'sms' as const }, body: 'CANCEL', messageSid };

    expect(await handleInboundText(deps, text)).toBeNull();
    expect(await handleInboundText(deps, text)).toBeNull();
    expect({ soonest: await statusOf(soonest.id), later: await statusOf(later.id) }).toEqual({ soonest: 'cancelled', later: 'booked' });
    expect(await optOuts(phone)).toEqual(['CANCEL']);
    // Answered now (no reply, the number opted out), so no other test file's sweep takes it up.
    await stack.sql`update messages set reply_via = 'none' where provider_sid = ${messageSid}`;
  });
});

describe('a bare CANCEL from a patient holding a waitlist offer', () => {
  it('ends the offer at once, as a STOP does, and nothing more is texted to the number', async () => {
    const providerId = await addProvider(stack, 'Dr Cancelword');
    const phone = await waitlistPatient(stack, providerId);
    const { id } = await logCancellation(stack, providerId);
    const offers = async () => (await json(await stack.api(`/api/cancellations/${id}`))).offers as { phone: string; state: string }[];
    await expect.poll(async () => (await outboundTexts(stack, phone)).length, { timeout: 20_000 }).toBe(1);

    expect(await twimlText(await stack.sendSms(phone, 'CANCEL'))).toBe('');
    await expect.poll(async () => (await offers()).map((o) => o.state), { timeout: 10_000 }).toEqual(['canceled']);
    expect(await optOuts(phone)).toEqual(['CANCEL']);
    expect(await outboundTexts(stack, phone)).toHaveLength(1);
  });
});

describe('a bare CANCEL where it is no opt-out word (cancel_is_opt_out false)', () => {
  beforeAll(() => setCancelIsOptOut(false));
  afterAll(() => setCancelIsOptOut(true));

  it('cancels the visit whose reminder is open, not the soonest, and tells the patient', async () => {
    const { phone, soonest, later } = await remindedOfTheLaterVisit();

    expect(await patientReply(stack, phone, await stack.sendSms(phone, 'Cancel'))).toMatch(CANCELLED);
    expect({ soonest: await statusOf(soonest.id), later: await statusOf(later.id) }).toEqual({ soonest: 'booked', later: 'cancelled' });
    expect(await optOuts(phone)).toEqual([]);

    // No question open any more: the next CANCEL is about the soonest visit.
    expect(await patientReply(stack, phone, await stack.sendSms(phone, 'CANCEL'))).toMatch(CANCELLED);
    expect(await statusOf(soonest.id)).toBe('cancelled');
  });
});

describe('CANCEL with courtesy, as the bare word', () => {
  it('cancels the visit whose reminder is open, not the soonest, and tells the patient', async () => {
    const { phone, soonest, later } = await remindedOfTheLaterVisit();

    expect(await patientReply(stack, phone, await stack.sendSms(phone, 'cancel please'))).toMatch(CANCELLED);
    expect({ soonest: await statusOf(soonest.id), later: await statusOf(later.id) }).toEqual({ soonest: 'booked', later: 'cancelled' });
    expect(await optOuts(phone)).toEqual([]);
  });

  it('from a number that opted out after the reminder, cancels the visit whose reminder is open, with no reply', async () => {
    const { phone, soonest, later, textsSoFar } = await remindedOfTheLaterVisit();
    expect(await twimlText(await stack.sendSms(phone, 'STOP'))).toBe('');

    expect(await twimlText(await stack.sendSms(phone, 'Cancel, thanks'))).toBe('');
    expect({ soonest: await statusOf(soonest.id), later: await statusOf(later.id) }).toEqual({ soonest: 'booked', later: 'cancelled' });
    expect(await outboundTexts(stack, phone)).toHaveLength(textsSoFar);
  });
});
