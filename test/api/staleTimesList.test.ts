/**
 * A patient who answers a numbered list of open times after staff moved the appointment, through the
 * real app, signed as Twilio signs them: the move closed the list and its text asks about the new
 * time, so the number gets the help text listing the answers that question invites (YES, NO, CHANGE)
 * and changes nothing. (Before the move's text goes, held until contact hours open, the number is told
 * the new time instead: `test/workflows/appointmentReschedule.test.ts`, which can move the clock.)
 * Likewise a YES to the reminder that the router reads before a move lands and delivers after it
 * confirms nothing: the chain's question is about the new time by then.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookThroughApi, remindAndAwaitQuestion, outboundTexts } from '../support/apiBooking.js';
import { json, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const textsTo = (phone: string) => outboundTexts(stack, phone);
const appointment = async (id: string) => json(await stack.api(`/api/appointments/${id}`));

/** Books a visit, has staff remind the patient, and has the patient ask for another time: the list's text. */
async function bookAndAskForAnotherTime() {
  const booked = await bookThroughApi(stack);
  await remindAndAwaitQuestion(stack, booked.id, booked.workflowId);
  const list = await patientReply(stack, booked.phone, await stack.sendSms(booked.phone, 'CHANGE'));
  expect(list).toMatch(/^Test Clinic: reply with the number of a time:\n.+\n1\) /);
  return booked;
}

describe('a choice from a list of times after staff moved the appointment', () => {
  it.each(['1', '2 please'])(
    "%s, after the move's text asked about the new time, gets the help with that question's answers and changes nothing",
    async (choice) => {
      const booked = await bookAndAskForAnotherTime();
      const moved = await stack.api(`/api/appointments/${booked.id}`, { method: 'PATCH', body: JSON.stringify({ starts_at: inDays(4) }) });
      expect(moved.status).toBe(200);
      const startsAt = (await json(moved)).starts_at;
      await expect
        .poll(async () => (await textsTo(booked.phone)).at(-1), { timeout: 15_000 })
        .toMatch(/^Test Clinic: Rahul Sharma, your visit with Dr Mehta is now .*\nReply YES to confirm, NO to cancel, CHANGE for another time\.$/);

      expect(await twimlText(await stack.sendSms(booked.phone, choice))).toBe(
        "Test Clinic: sorry, we didn't understand. You can reply YES, NO, CHANGE, or JOIN. Reply HELP for help. Para español, responda ESPAÑOL.",
      );
      expect(await appointment(booked.id)).toMatchObject({ status: 'booked', starts_at: startsAt });
    },
  );
});

describe('a YES to the reminder delivered after a staff move landed', () => {
  it("confirms nothing (the question is about the new time now); a YES to the move's question confirms the new time", async () => {
    const booked = await bookThroughApi(stack);
    await remindAndAwaitQuestion(stack, booked.id, booked.workflowId);
    const openPrompts = () => stack.sql<{ id: string }[]>`select id::text from patient_prompts where workflow_id = ${booked.workflowId} and closed_at is null`;
    const [reminder] = await openPrompts();
    const moved = await stack.api(`/api/appointments/${booked.id}`, { method: 'PATCH', body: JSON.stringify({ starts_at: inDays(4) }) });
    expect(moved.status).toBe(200);
    const startsAt = (await json(moved)).starts_at;
    await expect.poll(async () => (await textsTo(booked.phone)).at(-1), { timeout: 15_000 }).toMatch(/is now .*\nReply YES to confirm/);
    const [question] = await openPrompts();
    expect(question!.id).not.toBe(reminder!.id);

    // The router as it stood when it read the patient's prompts a moment before the move: the
    // reminder's question open, the move's not yet.
    await stack.sql`update patient_prompts set closed_at = now() where id = ${question!.id}`;
    await stack.sql`update patient_prompts set closed_at = null where id = ${reminder!.id}`;
    expect(await twimlText(await stack.sendSms(booked.phone, 'YES'))).toMatch(/^Test Clinic: sorry, we didn't understand\./);
    expect(await appointment(booked.id)).toMatchObject({ status: 'booked', starts_at: startsAt });

    await stack.sql`update patient_prompts set closed_at = null where id = ${question!.id}`;
    expect(await patientReply(stack, booked.phone, await stack.sendSms(booked.phone, 'YES'))).toMatch(/is confirmed/);
    expect(await appointment(booked.id)).toMatchObject({ status: 'confirmed', starts_at: startsAt });
  });
});
