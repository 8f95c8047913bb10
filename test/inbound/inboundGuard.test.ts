/**
 * The per-number guard on the clinic's number: a number texting too fast stops being answered (its
 * texts still logged, its STOP and its bare CANCEL still honoured); an auto-responder's repeated text
 * stops a loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClinic } from '../support/clinic.js';
import { patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

const inboundCount = async (phone: string) =>
  (await stack.sql`select count(*)::int as n from messages where clinic_id = ${stack.clinic.id} and phone = ${phone} and direction = 'inbound'`)[0]!
    .n as number;

describe('a number that texts more than 10 times a minute', () => {
  it('gets no replies past the limit, every text is logged, and STOP still works', async () => {
    const phone = patientPhone();
    const replies: string[] = [];
    for (let i = 0; i < 12; i += 1) replies.push(await twimlText(await stack.sendSms(phone, 'STATUS')));
    expect(replies.slice(0, 10).every((r) => r.includes("you're not in line"))).toBe(true);
    expect(replies.slice(10)).toEqual(['', '']);
    expect(await inboundCount(phone)).toBe(12);

    expect(await twimlText(await stack.sendSms(phone, 'STOP'))).toBe('');
    expect(await stack.sql`select 1 from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`).toHaveLength(1);
  });
});

describe('a bare CANCEL past the per-minute limit', () => {
  it("is honoured while CANCEL is Twilio's opt-out word: recorded, unanswered", async () => {
    const phone = patientPhone();
    for (let i = 0; i < 11; i += 1) await stack.sendSms(phone, 'STATUS');
    expect(await twimlText(await stack.sendSms(phone, 'Cancel'))).toBe('');
    expect(await stack.sql`select keyword from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`).toEqual([{ keyword: 'CANCEL' }]);
    const [message] = await stack.sql`select unanswered_reason from messages where clinic_id = ${stack.clinic.id} and phone = ${phone} and body = 'Cancel'`;
    expect(message!.unanswered_reason).toBeNull();
  });

  it('is held back like any text where CANCEL is no opt-out word (cancel_is_opt_out false)', async () => {
    const { clinic, clinicNumber } = await createTestClinic(stack.sql);
    await stack.sql`update clinics set cancel_is_opt_out = false where id = ${clinic.id}`;
    const phone = patientPhone();
    for (let i = 0; i < 11; i += 1) await stack.sendSms(phone, 'STATUS', { params: { To: clinicNumber } });
    expect(await twimlText(await stack.sendSms(phone, 'CANCEL', { params: { To: clinicNumber } }))).toBe('');
    const [message] = await stack.sql`select unanswered_reason from messages where clinic_id = ${clinic.id} and phone = ${phone} and body = 'CANCEL'`;
    expect(message!.unanswered_reason).toBe('too_many');
  });
});

describe('an auto-responder answering our help text', () => {
  it('is answered three times, then no more, so the loop ends', async () => {
    const phone = patientPhone();
    const replies: string[] = [];
    for (let i = 0; i < 5; i += 1) replies.push(await twimlText(await stack.sendSms(phone, "I'm driving right now and will reply later.")));
    expect(replies.slice(0, 3).every((r) => r.includes("sorry, we didn't understand"))).toBe(true);
    expect(replies.slice(3)).toEqual(['', '']);
    // A command still gets its answer.
    expect(await twimlText(await stack.sendSms(phone, 'JOIN'))).toContain('your ticket is');
  });
});
