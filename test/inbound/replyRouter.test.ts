/**
 * The reply router seen from the patient's phone: a text that answers no open question gets a help
 * that lists what the patient can answer now; a question whose workflow is gone never captures an
 * answer (its prompt is closed); queue commands always reach the queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOpenPrompts, openPrompt } from '../../src/inbound/patientPrompts.js';
import { patientPhone, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

const ask = (phone: string, workflowId: string, answers: string[], invited = answers) =>
  openPrompt(stack.sql, {
    clinicId: stack.clinic.id,
    phone,
    workflowId,
    updateName: 'answerAppointmentPrompt',
    kind: 'appointment_reminder',
    answers,
    invited,
    expiresAt: new Date(Date.now() + 3_600_000),
  });

describe('a text that answers no open question', () => {
  it('gets a help text listing what the patient was asked, never CANCEL, and JOIN', async () => {
    const phone = patientPhone();
    await ask(phone, `appointment-gone-${phone}`, ['YES', 'CONFIRM', 'NO', 'CANCEL', 'CHANGE'], ['YES', 'NO', 'CHANGE']);
    const reply = await twimlText(await stack.sendSms(phone, 'maybe tomorrow?'));
    expect(reply).toBe(
      "Test Clinic: sorry, we didn't understand. You can reply YES, NO, CHANGE, or JOIN. Reply HELP for help. Para español, responda ESPAÑOL.",
    );
  });

  it('lists STATUS and LEAVE instead of JOIN for a patient in line', async () => {
    const phone = patientPhone();
    await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN'));
    await ask(phone, `appointment-gone-${phone}`, ['1', '2', '3']);
    expect(await twimlText(await stack.sendSms(phone, '7'))).toBe(
      "Test Clinic: sorry, we didn't understand. You can reply 1, 2, 3, STATUS, or LEAVE. Reply HELP for help. Para español, responda ESPAÑOL.",
    );
  });

  it('gets the plain help when nothing is open', async () => {
    expect(await twimlText(await stack.sendSms(patientPhone(), 'hello?'))).toMatch(/^Test Clinic: sorry, we didn't understand\. Reply JOIN to get in line/);
  });
});

describe('a stale question', () => {
  it('never captures an answer: a prompt whose workflow is gone is closed, and YES gets the help', async () => {
    const phone = patientPhone();
    await ask(phone, `appointment-gone-${phone}`, ['YES', 'NO']);
    const reply = await twimlText(await stack.sendSms(phone, 'Yes!'));
    expect(reply).toMatch(/^Test Clinic: sorry, we didn't understand\. Reply JOIN/);
    expect(await findOpenPrompts(stack.sql, stack.clinic.id, phone)).toEqual([]);
  });
});

describe('queue commands', () => {
  it('always reach the queue, whatever the patient was asked', async () => {
    const phone = patientPhone();
    await ask(phone, `appointment-gone-${phone}`, ['STATUS', 'JOIN']);
    expect(await twimlText(await stack.sendSms(phone, 'STATUS'))).toMatch(/you're not in line right now/);
    expect(await findOpenPrompts(stack.sql, stack.clinic.id, phone)).toHaveLength(1);
  });
});

describe('HELP', () => {
  it("answers a patient asked to confirm a visit with the appointment help (the clinic's help template), and the walk-in help once they are in line", async () => {
    const phone = patientPhone();
    await ask(phone, `appointment-help-${phone}`, ['YES', 'NO', 'CHANGE']);
    expect(await twimlText(await stack.sendSms(phone, 'HELP'))).toMatch(
      /^Test Clinic: reply YES to confirm your visit, NO to cancel, CHANGE for another time\. Questions\? Call .+\. Reply STOP to stop texts\.$/,
    );
    await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN'));
    expect(await twimlText(await stack.sendSms(phone, 'HELP'))).not.toContain('confirm your visit');
  });

  it('gives the walk-in help to a patient asked nothing', async () => {
    const reply = await twimlText(await stack.sendSms(patientPhone(), 'HELP'));
    expect(reply).toMatch(/^Test Clinic/);
    expect(reply).not.toContain('confirm your visit');
  });
});
