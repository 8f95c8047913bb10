/**
 * The words patients answer a reminder with, through the real app, signed as Twilio signs them: to
 * an open reminder question `OK!`, 👍🏽 or `Vale, gracias` confirms the visit as YES does; a text that
 * also refuses or asks (`ok no`, `ok?`) is no answer and gets the help. To a waitlist offer `ok` and
 * 👍 take nothing (only YES or SI books a slot), and the help says so. With no question open, `ok`, 👍
 * or ✅ after a text that needed no answer gets no reply at all: an empty TwiML Response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookThroughApi, outboundTexts, remindAndAwaitQuestion } from '../support/apiBooking.js';
import { json, patientPhone, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';
import { addProvider, logCancellation, waitlistPatient } from '../support/waitlist.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const appointment = async (id: string) => json(await stack.api(`/api/appointments/${id}`));
/** The TwiML of a webhook's answer that sends nothing. */
const NO_REPLY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

describe('an open reminder question answered with ok, a thumbs up or vale', () => {
  it.each([
    ['en', 'OK!', /^Test Clinic: thank you, Rahul Sharma\. Your visit with Dr Mehta on .* is confirmed\. See you then!$/],
    ['en', '👍🏽', /^Test Clinic: thank you, Rahul Sharma\. Your visit with Dr Mehta on .* is confirmed\. See you then!$/],
    ['es', 'Vale, gracias', /^Test Clinic: gracias, Rahul Sharma\. Su cita con Dr Mehta el .* queda confirmada\. Le esperamos\.$/],
  ])('(%s) %j confirms the visit, with the thank-you a YES gets', async (language, text, thanked) => {
    const booked = await bookThroughApi(stack, { language });
    await remindAndAwaitQuestion(stack, booked.id, booked.workflowId);

    expect(await patientReply(stack, booked.phone, await stack.sendSms(booked.phone, text))).toMatch(thanked);
    expect(await appointment(booked.id)).toMatchObject({ status: 'confirmed' });
  });

  it('is no answer when the text also refuses, asks or says more: the help, and the visit stays booked', async () => {
    const booked = await bookThroughApi(stack);
    await remindAndAwaitQuestion(stack, booked.id, booked.workflowId);
    for (const text of ['ok no', 'ok?', 'ok but can I come later', '👍 👎']) {
      expect(await twimlText(await stack.sendSms(booked.phone, text)), text).toBe(
        "Test Clinic: sorry, we didn't understand. You can reply YES, NO, CHANGE, or JOIN. Reply HELP for help. Para español, responda ESPAÑOL.",
      );
    }
    expect(await appointment(booked.id)).toMatchObject({ status: 'booked' });
  });
});

describe('a waitlist offer answered with ok or a thumbs up', () => {
  it('takes nothing: the help lists YES and NO, and the offer waits for a YES', async () => {
    const providerId = await addProvider(stack, 'Dr Okay');
    const phone = await waitlistPatient(stack, providerId);
    const { id } = await logCancellation(stack, providerId);
    const offers = async () => (await json(await stack.api(`/api/cancellations/${id}`))).offers as { phone: string; state: string }[];
    await expect.poll(async () => (await outboundTexts(stack, phone)).at(-1), { timeout: 20_000 }).toMatch(/Reply YES within \d+ min to take it/);

    for (const text of ['ok', '👍']) {
      expect(await twimlText(await stack.sendSms(phone, text)), text).toBe(
        "Test Clinic: sorry, we didn't understand. You can reply YES, NO, or JOIN. Reply HELP for help. Para español, responda ESPAÑOL.",
      );
    }
    expect((await offers()).map((o) => o.state)).toEqual(['pending']);
    expect((await json(await stack.api(`/api/cancellations/${id}`))).status).toBe('open');
  });

  it("is no answer to the patient's reminder either, when the offer came after it", async () => {
    const booked = await bookThroughApi(stack);
    await remindAndAwaitQuestion(stack, booked.id, booked.workflowId);
    const providerId = await addProvider(stack, 'Dr Later');
    await waitlistPatient(stack, providerId, { phone: booked.phone });
    await logCancellation(stack, providerId);
    await expect.poll(async () => (await outboundTexts(stack, booked.phone)).at(-1), { timeout: 20_000 }).toMatch(/Reply YES within \d+ min to take it/);

    expect(await twimlText(await stack.sendSms(booked.phone, 'ok'))).toMatch(/^Test Clinic: sorry, we didn't understand\. You can reply YES, NO, /);
    expect(await appointment(booked.id)).toMatchObject({ status: 'booked' });
  });
});

describe('ok or a thumbs up with no question open', () => {
  it('after the confirmation, or after a ticket text, gets an empty Response; HELP and STOP still do what they do', async () => {
    const booked = await bookThroughApi(stack);
    await remindAndAwaitQuestion(stack, booked.id, booked.workflowId);
    expect(await patientReply(stack, booked.phone, await stack.sendSms(booked.phone, 'YES'))).toMatch(/is confirmed\. See you then!$/);
    for (const text of ['ok', '👍', '✅', 'Ok, thanks!']) expect(await (await stack.sendSms(booked.phone, text)).text(), text).toBe(NO_REPLY);
    expect(await appointment(booked.id)).toMatchObject({ status: 'confirmed' });

    const walkIn = patientPhone();
    expect(await twimlText(await stack.sendSms(walkIn, 'JOIN'))).toContain('your ticket is');
    for (const text of ['ok', '👍🏿']) expect(await (await stack.sendSms(walkIn, text)).text(), text).toBe(NO_REPLY);
    expect(await twimlText(await stack.sendSms(walkIn, 'HELP'))).toMatch(/^Test Clinic/);
    expect(await (await stack.sendSms(walkIn, 'STOP')).text()).toBe(NO_REPLY);
    expect(await stack.sql`select keyword from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${walkIn}`).toEqual([{ keyword: 'STOP' }]);
  });
});
