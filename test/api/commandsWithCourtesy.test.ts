/**
 * Patients' commands with courtesy around them, through the real app, signed as Twilio signs them:
 * `Join please`, `STATUS please`, `leave, thanks` and `Cancel, thanks` do what the bare word does,
 * except that a CANCEL with courtesy is never an opt-out (Twilio blocks a number only on the bare word);
 * and the words patients text for an answer (`Yep`, `Cancelar por favor`) do what the invited word does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookThroughApi, remindAndAwaitQuestion } from '../support/apiBooking.js';
import { json, patientPhone, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';
import { appWithTemporalDown } from '../support/temporalDown.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const statusOf = async (id: string): Promise<string> => (await json(await stack.api(`/api/appointments/${id}`))).status;
const optedOut = async (phone: string) => (await stack.sql`select 1 from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`).length > 0;
/** Waits until the booking confirmation is out: the chain is running and has texted the patient. */
const awaitConfirmation = (phone: string) =>
  expect
    .poll(async () => (await stack.sql`select 1 from messages where phone = ${phone} and direction = 'outbound'`).length, { timeout: 15_000 })
    .toBeGreaterThan(0);

describe('a walk-in patient who says please and thanks', () => {
  it('joins with no note, checks their place and leaves, as with the bare words', async () => {
    const phone = patientPhone();
    const joined = await twimlText(await stack.sendSms(phone, 'Join please'));
    const code = /ticket is ([A-Z]\d+)/.exec(joined)?.[1];
    expect(code, joined).toBeDefined();
    const queue = await json(await stack.api('/api/queue'));
    expect(queue.tickets.find((t: { code: string }) => t.code === code)).toMatchObject({ state: 'waiting', note: null });

    expect(await twimlText(await stack.sendSms(phone, 'STATUS please'))).toContain(`ticket ${code}`);
    expect(await twimlText(await stack.sendSms(phone, 'status, gracias'))).toContain(`ticket ${code}`);
    expect(await twimlText(await stack.sendSms(phone, 'leave, thanks!'))).toContain(`you've left the line (ticket ${code})`);
    expect(await stack.sql`select state from tickets where clinic_id = ${stack.clinic.id} and phone = ${phone}`).toEqual([{ state: 'left' }]);
  });
});

describe('CANCEL with courtesy around it', () => {
  it('goes to the open reminder first, then cancels the soonest visit with the cancelled text, and never opts the number out', async () => {
    const phone = patientPhone();
    const soonest = await bookThroughApi(stack, { phone, days: 3 });
    const later = await bookThroughApi(stack, { phone, days: 5 });
    await awaitConfirmation(phone);
    await remindAndAwaitQuestion(stack, later.id, later.workflowId);

    // The reminder asked about the later visit: "cancel please" answers it.
    expect(await patientReply(stack, phone, await stack.sendSms(phone, 'cancel please'))).toMatch(
      /^Test Clinic: Rahul Sharma, your visit with Dr Mehta on .* is cancelled\./,
    );
    expect({ soonest: await statusOf(soonest.id), later: await statusOf(later.id) }).toEqual({ soonest: 'booked', later: 'cancelled' });

    // No question open: the soonest open visit is cancelled, as a bare CANCEL cancels it, and the patient is told.
    const reply = await twimlText(await stack.sendSms(phone, 'Cancel, thanks'));
    expect(reply).toMatch(/^Test Clinic: Rahul Sharma, your visit with Dr Mehta on .* is cancelled\. To book again, call /);
    expect(await statusOf(soonest.id)).toBe('cancelled');
    // Twilio has not blocked the number ("Cancel, thanks" is not its opt-out word), and neither have we.
    expect(await optedOut(phone)).toBe(false);
    expect(await twimlText(await stack.sendSms(phone, 'JOIN'))).toContain('your ticket is');
  });

  it('from a number that opted out still cancels the visit, with no reply', async () => {
    const phone = patientPhone();
    const booked = await bookThroughApi(stack, { phone });
    await awaitConfirmation(phone);
    expect(await twimlText(await stack.sendSms(phone, 'STOP'))).toBe('');

    expect(await twimlText(await stack.sendSms(phone, 'cancel please'))).toBe('');
    expect(await statusOf(booked.id)).toBe('cancelled');
    expect(await optedOut(phone)).toBe(true);
  });

  it('from a number that opted out gets no reply, not the apology, when the visit cannot be cancelled (Temporal down)', async () => {
    const phone = patientPhone();
    const booked = await bookThroughApi(stack, { phone });
    await awaitConfirmation(phone);
    expect(await twimlText(await stack.sendSms(phone, 'STOP'))).toBe('');
    const down = appWithTemporalDown(stack);

    expect(await twimlText(await down.sendSms(phone, 'cancel please'))).toBe('');
    expect(down.loggedErrors()).toContain('inbound message failed');
    expect(await statusOf(booked.id)).toBe('booked');
    expect(await stack.sql`select body from messages where phone = ${phone} and direction = 'outbound'`).toHaveLength(1); // the confirmation only
  });
});

describe('words patients text for an answer', () => {
  it('a reminder answered "Yep" is confirmed, as YES confirms it', async () => {
    const phone = patientPhone();
    const booked = await bookThroughApi(stack, { phone });
    await awaitConfirmation(phone);
    await remindAndAwaitQuestion(stack, booked.id, booked.workflowId);

    expect(await patientReply(stack, phone, await stack.sendSms(phone, 'Yep'))).toMatch(
      /^Test Clinic: thank you, Rahul Sharma\. Your visit with Dr Mehta on .* is confirmed\./,
    );
    expect(await statusOf(booked.id)).toBe('confirmed');
  });

  it('a Spanish patient\'s "Cancelar por favor" answers the reminder, and "cancelar" alone cancels the soonest visit, answered in Spanish', async () => {
    const phone = patientPhone();
    const soonest = await bookThroughApi(stack, { phone, days: 3, language: 'es' });
    const later = await bookThroughApi(stack, { phone, days: 5, language: 'es' });
    await awaitConfirmation(phone);
    await remindAndAwaitQuestion(stack, later.id, later.workflowId);

    expect(await patientReply(stack, phone, await stack.sendSms(phone, 'Cancelar por favor'))).toMatch(
      /^Test Clinic: Rahul Sharma, su cita con Dr Mehta del .* queda cancelada\./,
    );
    expect({ soonest: await statusOf(soonest.id), later: await statusOf(later.id) }).toEqual({ soonest: 'booked', later: 'cancelled' });

    expect(await twimlText(await stack.sendSms(phone, 'cancelar'))).toMatch(/^Test Clinic: Rahul Sharma, su cita con Dr Mehta del .* queda cancelada\./);
    expect(await statusOf(soonest.id)).toBe('cancelled');
    // Not a carrier opt-out word: the patient can still be texted.
    expect(await optedOut(phone)).toBe(false);
  });
});
