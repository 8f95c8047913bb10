/**
 * Twilio delivers the same inbound message (one MessageSid) 5 times at once, as its retries can
 * when our answer is slow: it is handled once, and every one of the 5 answers tells the truth (the
 * same TwiML reply each time, or none in any when the reply went out as a text instead), with one
 * reply in the message log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSid, json, patientPhone, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';
import { textsTo } from './journeysInFlight.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

/** Posts the same message 5 times in parallel; @returns the 5 TwiML reply texts ('' for none) and the one reply the patient got. */
async function fiveTimes(phone: string, body: string): Promise<{ answers: string[]; reply: string; messageSid: string }> {
  const messageSid = fakeSid();
  const responses = await Promise.all(Array.from({ length: 5 }, () => stack.sendSms(phone, body, { messageSid })));
  expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
  const answers = await Promise.all(responses.map((r) => twimlText(r.clone())));
  const answered = responses[answers.findIndex((a) => a !== '')] ?? responses[0]!;
  const reply = await patientReply(stack, phone, answered);
  // Exactly one reply went to the patient, under the message's reply key.
  const replies = (await textsTo(stack, phone)).filter((t) => t.key === `reply:${messageSid}`);
  expect(replies.map((r) => r.body)).toEqual([reply]);
  // A TwiML reply is given to each delivery (Twilio sends what the last one it waited for got); a
  // reply late for its deadline goes as that one text, and every delivery answers empty.
  const inbound = await stack.sql<{ reply_via: string }[]>`select reply_via from messages where provider_sid = ${messageSid}`;
  expect(inbound).toHaveLength(1);
  expect(answers).toEqual(Array.from({ length: 5 }, () => (inbound[0]!.reply_via === 'twiml' ? reply : '')));
  return { answers, reply, messageSid };
}

describe('the same MessageSid 5 times in parallel', () => {
  it('JOIN: one ticket, the same ticket in every answer', async () => {
    const phone = patientPhone();
    const { reply } = await fiveTimes(phone, 'JOIN');
    expect(reply).toMatch(/your ticket is [A-Z]\d+ and you're #\d+ in line/);
    const tickets = await stack.sql`select code from tickets where clinic_id = ${stack.clinic.id} and phone = ${phone}`;
    expect(tickets).toHaveLength(1);
    expect(reply).toContain(`ticket is ${tickets[0]!.code as string}`);
  });

  it('LEAVE: left once, and every answer says so', async () => {
    const phone = patientPhone();
    const joined = await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN'));
    const code = /ticket is ([A-Z]\d+)/.exec(joined)![1]!;
    const { reply } = await fiveTimes(phone, 'LEAVE');
    expect(reply).toContain(`you've left the line (ticket ${code})`);
    const queue = (await json(await stack.api('/api/queue'))).tickets as { code: string }[];
    expect(queue.map((t) => t.code)).not.toContain(code);
    const [ticket] = await stack.sql`select state from tickets where clinic_id = ${stack.clinic.id} and code = ${code}`;
    expect(ticket!.state).toBe('left');
  });
});
