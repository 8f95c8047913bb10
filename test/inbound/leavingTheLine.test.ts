/**
 * A patient in the walk-in line who opts out: STOP keeps their ticket (they may be sitting in the
 * waiting room), a bare CANCEL — Twilio's opt-out word — takes it out of line, and a LEAVE from the
 * opted-out number is still carried out. None of them is answered, not even with the apology when the
 * LEAVE cannot be carried out (Temporal down).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClinic } from '../support/clinic.js';
import { fakeSid, patientPhone, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';
import { appWithTemporalDown } from '../support/temporalDown.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

const ticketStates = async (clinicId: number, phone: string) =>
  (await stack.sql<{ state: string }[]>`select state from tickets where clinic_id = ${clinicId} and phone = ${phone}`).map((r) => r.state);
const outboundTexts = async (clinicId: number, phone: string) =>
  (
    await stack.sql<{ body: string }[]>`select body from messages where clinic_id = ${clinicId} and phone = ${phone} and direction = 'outbound' order by id`
  ).map((r) => r.body);
const optOuts = async (clinicId: number, phone: string) =>
  (await stack.sql<{ keyword: string }[]>`select keyword from opt_outs where clinic_id = ${clinicId} and phone = ${phone}`).map((r) => r.keyword);

describe('a patient in line who opts out', () => {
  it('keeps the ticket after STOP, and a LEAVE afterwards takes it out of line with no reply', async () => {
    const phone = patientPhone();
    const joined = await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN'));
    expect(await twimlText(await stack.sendSms(phone, 'STOP'))).toBe('');
    expect(await ticketStates(stack.clinic.id, phone)).toEqual(['waiting']);

    expect(await twimlText(await stack.sendSms(phone, 'LEAVE'))).toBe('');
    expect(await ticketStates(stack.clinic.id, phone)).toEqual(['left']);
    expect(await outboundTexts(stack.clinic.id, phone)).toEqual([joined]);
  });

  it('leaves the line on a bare CANCEL, with no appointment, besides being opted out; a LEAVE after it changes nothing', async () => {
    const phone = patientPhone();
    const joined = await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN'));
    expect(await twimlText(await stack.sendSms(phone, 'Cancel'))).toBe('');
    expect(await optOuts(stack.clinic.id, phone)).toEqual(['CANCEL']);
    expect(await ticketStates(stack.clinic.id, phone)).toEqual(['left']);

    expect(await twimlText(await stack.sendSms(phone, 'LEAVE'))).toBe('');
    expect(await ticketStates(stack.clinic.id, phone)).toEqual(['left']);
    expect(await outboundTexts(stack.clinic.id, phone)).toEqual([joined]);
  });

  it('leaves the line on a bare CANCEL when already called (next)', async () => {
    const phone = patientPhone();
    const code = /ticket is ([A-Z]\d+)/.exec(await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN')))?.[1];
    expect((await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) })).status).toBe(200);
    expect(await twimlText(await stack.sendSms(phone, 'CANCEL.'))).toBe('');
    expect(await ticketStates(stack.clinic.id, phone)).toEqual(['left']);
  });

  it('keeps the ticket on CANCEL where CANCEL is no opt-out (cancel_is_opt_out false): it is an ordinary text there', async () => {
    const { clinic, clinicNumber } = await createTestClinic(stack.sql);
    await stack.sql`update clinics set cancel_is_opt_out = false where id = ${clinic.id}`;
    const phone = patientPhone();
    await stack.sendSms(phone, 'JOIN', { params: { To: clinicNumber } });
    expect(await twimlText(await stack.sendSms(phone, 'CANCEL', { params: { To: clinicNumber } }))).toContain("sorry, we didn't understand");
    expect(await optOuts(clinic.id, phone)).toEqual([]);
    expect(await ticketStates(clinic.id, phone)).toEqual(['waiting']);
  });
});

describe('a LEAVE that cannot be carried out (Temporal down)', () => {
  const SORRY = 'Sorry, something went wrong on our side. Please try again in a minute.';

  it('from a number that can be texted is answered with the apology', async () => {
    const phone = patientPhone();
    await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN'));
    const down = appWithTemporalDown(stack);
    expect(await twimlText(await down.sendSms(phone, 'LEAVE'))).toBe(SORRY);
    expect(await ticketStates(stack.clinic.id, phone)).toEqual(['waiting']);
  });

  it('from an opted-out number gets no reply, not the apology; the failure is logged, and a retry of the text carries the LEAVE out', async () => {
    const phone = patientPhone();
    const joined = await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN'));
    expect(await twimlText(await stack.sendSms(phone, 'STOP'))).toBe('');
    const down = appWithTemporalDown(stack);
    const messageSid = fakeSid();

    const response = await down.sendSms(phone, 'LEAVE', messageSid);
    expect(response.status).toBe(200);
    expect(await twimlText(response)).toBe('');
    expect(down.loggedErrors()).toContain('inbound message failed');
    expect(await ticketStates(stack.clinic.id, phone)).toEqual(['waiting']);
    expect(await outboundTexts(stack.clinic.id, phone)).toEqual([joined]);

    // The text is left unanswered, so it is handled again (here Twilio's retry, once the first attempt
    // is stale; the reply sweep would do the same) once Temporal answers: the LEAVE is carried out.
    await stack.sql`update messages set processing_started_at = now() - interval '1 minute' where provider_sid = ${messageSid}`;
    expect(await twimlText(await stack.sendSms(phone, 'LEAVE', { messageSid }))).toBe('');
    expect(await ticketStates(stack.clinic.id, phone)).toEqual(['left']);
    expect(await outboundTexts(stack.clinic.id, phone)).toEqual([joined]);
  });
});
