/**
 * A patient who confirms a visit that is confirmed already, through the real app, signed as Twilio
 * signs them: a YES sent twice, or a Sí after picking a time from the list (which confirmed it), is
 * told again that the visit is confirmed, in the patient's language, instead of "sorry, we didn't
 * understand. Reply JOIN to get in line"; nothing changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookThroughApi, remindAndAwaitQuestion } from '../support/apiBooking.js';
import { json, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const appointment = async (id: string) => json(await stack.api(`/api/appointments/${id}`));

describe('a YES to a visit already confirmed', () => {
  it('sent twice, is answered with the confirmation both times', async () => {
    const booked = await bookThroughApi(stack);
    await remindAndAwaitQuestion(stack, booked.id, booked.workflowId);
    const confirmed = await patientReply(stack, booked.phone, await stack.sendSms(booked.phone, 'YES'));
    expect(confirmed).toMatch(/^Test Clinic: thank you, Rahul Sharma\. Your visit with Dr Mehta on .* is confirmed\. See you then!$/);
    const { starts_at: startsAt } = await appointment(booked.id);

    expect(await twimlText(await stack.sendSms(booked.phone, 'yes!'))).toBe(confirmed);
    expect(await appointment(booked.id)).toMatchObject({ status: 'confirmed', starts_at: startsAt });
  });

  it('after a pick from the list of times, is answered in Spanish with the confirmation of the new time', async () => {
    const booked = await bookThroughApi(stack, { language: 'es' });
    await remindAndAwaitQuestion(stack, booked.id, booked.workflowId);
    expect(await patientReply(stack, booked.phone, await stack.sendSms(booked.phone, 'CAMBIAR'))).toMatch(/\n1\) /);
    const picked = await patientReply(stack, booked.phone, await stack.sendSms(booked.phone, '1'));
    expect(picked).toMatch(/^Test Clinic: Rahul Sharma, su cita con Dr Mehta pasa al /);
    const moved = await appointment(booked.id);
    expect(moved.status).toBe('confirmed');

    expect(await twimlText(await stack.sendSms(booked.phone, 'Sí, gracias'))).toMatch(
      /^Test Clinic: gracias, Rahul Sharma\. Su cita con Dr Mehta el .* queda confirmada\. Le esperamos\.$/,
    );
    expect(await appointment(booked.id)).toMatchObject({ status: 'confirmed', starts_at: moved.starts_at });
  });

  it('is still no answer when nothing was asked: a visit only booked gets the help text', async () => {
    const booked = await bookThroughApi(stack);
    await expect.poll(async () => (await appointment(booked.id)).status, { timeout: 15_000 }).toBe('booked');
    expect(await twimlText(await stack.sendSms(booked.phone, 'YES'))).toBe(
      "Test Clinic: sorry, we didn't understand. Reply JOIN to get in line, STATUS for your place, LEAVE to leave, HELP for help. Para español, responda ESPAÑOL.",
    );
  });
});

describe('thanks, ok or an emoji after a confirmation, with no question open', () => {
  it('gets no reply, while a text that says something still gets the help', async () => {
    const booked = await bookThroughApi(stack);
    await expect.poll(async () => (await appointment(booked.id)).status, { timeout: 15_000 }).toBe('booked');
    for (const text of ['Thanks!', 'ok', 'gracias 🙏', '👍']) expect(await twimlText(await stack.sendSms(booked.phone, text)), text).toBe('');
    expect(await twimlText(await stack.sendSms(booked.phone, 'hello?'))).toMatch(/^Test Clinic: sorry, we didn't understand\./);
  });

  it('with a reminder question open, "ok" is a yes to it (confirmationWords.test.ts), and a later "ok" gets no reply', async () => {
    const booked = await bookThroughApi(stack);
    await remindAndAwaitQuestion(stack, booked.id, booked.workflowId);
    expect(await patientReply(stack, booked.phone, await stack.sendSms(booked.phone, 'ok'))).toMatch(/ is confirmed\. See you then!$/);
    expect(await appointment(booked.id)).toMatchObject({ status: 'confirmed' });
    expect(await twimlText(await stack.sendSms(booked.phone, 'ok'))).toBe('');
  });
});
