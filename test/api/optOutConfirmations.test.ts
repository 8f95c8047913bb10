/**
 * Opt-outs Twilio does not confirm, through the real app, signed as Twilio signs them: a sentence
 * (`Stop texting me`) or a Spanish word (`ALTO`, `basta por favor`) opts the number out, as STOP does,
 * and the patient is told once, in the word's language; the bare keyword Twilio confirms itself gets no
 * second confirmation from us. Afterwards the number gets nothing, on any command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const optedOut = async (phone: string) => (await stack.sql`select keyword from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`)[0]?.keyword;

describe('an opt-out Twilio does not confirm', () => {
  it('a sentence that opts out is confirmed in English, once, and the number then gets nothing', async () => {
    const phone = patientPhone();
    expect(await twimlText(await stack.sendSms(phone, 'Stop texting me please'))).toBe(
      "Test Clinic: you won't get any more texts from us. Reply START to get them again.",
    );
    expect(await optedOut(phone)).toBe('STOP');
    expect(await twimlText(await stack.sendSms(phone, 'JOIN'))).toBe('');
    expect(await twimlText(await stack.sendSms(phone, 'START'))).toContain("you'll get our texts again");
  });

  it.each(['ALTO', 'Basta por favor', 'ya, para!'])('%j opts the number out, confirmed in Spanish', async (body) => {
    const phone = patientPhone();
    expect(await twimlText(await stack.sendSms(phone, body))).toBe('Test Clinic: no le enviaremos otros textos. Responda START para recibirlos de nuevo.');
    expect(await optedOut(phone)).toMatch(/^(ALTO|BASTA|PARA)$/);
    expect(await twimlText(await stack.sendSms(phone, 'ESTADO'))).toBe('');
  });

  it('a second opt-out from a number already opted out gets nothing, and keeps its language', async () => {
    const phone = patientPhone();
    expect(await twimlText(await stack.sendSms(phone, 'stop please'))).toContain("you won't get any more texts");
    expect(await twimlText(await stack.sendSms(phone, 'ALTO'))).toBe('');
    expect(await twimlText(await stack.sendSms(phone, 'START'))).toContain("you'll get our texts again");
  });

  it('a Spanish word that is part of a sentence is no opt-out', async () => {
    const phone = patientPhone();
    expect(await twimlText(await stack.sendSms(phone, 'para mañana'))).toContain("sorry, we didn't understand");
    expect(await optedOut(phone)).toBeUndefined();
  });

  it('the bare keyword, which Twilio confirms, gets no second confirmation', async () => {
    const phone = patientPhone();
    expect(await twimlText(await stack.sendSms(phone, ' stop '))).toBe('');
    expect(await optedOut(phone)).toBe('STOP');
  });
});
