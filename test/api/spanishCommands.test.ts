/**
 * A Spanish speaker texts the walk-in commands in Spanish (`UNIRSE`, `ESTADO`, `AYUDA`, `SALIR`),
 * through the real app, signed as Twilio signs them: each is carried out and answered in Spanish. A
 * number with no language of its own is from then on written to in Spanish (the ticket's "your turn"
 * too); a number that chose English keeps it, and only the answer to the Spanish word is Spanish.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPatientLanguage, setPatientLanguage } from '../../src/clinics/patientLanguages.js';
import { json, patientPhone, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

/** The reply the patient at `phone` reads to their text `body`. */
const textIn = async (phone: string, body: string) => patientReply(stack, phone, await stack.sendSms(phone, body));

describe('a patient who texts the walk-in commands in Spanish', () => {
  it('joins with ÚNETE, asks ESTADO, gets AYUDA and leaves with SALIR, each answered in Spanish', async () => {
    const phone = patientPhone();
    const joined = await textIn(phone, 'Únete');
    expect(joined).toMatch(/^Test Clinic: su turno es [A-Z]\d+ y tiene el lugar #\d+ en la fila/);
    const code = /turno es ([A-Z]\d+)/.exec(joined)![1]!;
    expect(await getPatientLanguage(stack.sql, stack.clinic.id, phone)).toBe('es');

    expect(await twimlText(await stack.sendSms(phone, 'estado, por favor'))).toMatch(
      new RegExp(`^Test Clinic: turno ${code}, tiene el lugar #\\d+ en la fila`),
    );
    expect(await twimlText(await stack.sendSms(phone, 'AYUDA'))).toMatch(/^Test Clinic, fila sin cita\. Responda FILA para pedir turno/);

    // The ticket's own texts follow: staff call the patient next.
    expect((await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) })).status).toBe(200);
    await expect
      .poll(async () => (await json(await stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`))).messages.map((m: { body: string }) => m.body))
      .toContain(`Test Clinic: turno ${code}, ¡le toca! Venga ahora al mostrador de entrada.`);

    expect(await twimlText(await stack.sendSms(phone, 'Salir'))).toBe(`Test Clinic: ha dejado la fila (turno ${code}). Responda FILA si quiere volver.`);
    const rows = await stack.sql`select state from tickets where clinic_id = ${stack.clinic.id} and phone = ${phone}`;
    expect(rows.map((r) => r.state)).toEqual(['left']);
  });

  it('keeps an English choice: AYUDA is answered in Spanish, the next English command in English', async () => {
    const phone = patientPhone();
    await setPatientLanguage(stack.sql, stack.clinic.id, phone, 'en');
    expect(await twimlText(await stack.sendSms(phone, 'ayuda'))).toMatch(/^Test Clinic, fila sin cita\. Responda FILA/);
    expect(await getPatientLanguage(stack.sql, stack.clinic.id, phone)).toBe('en');
    expect(await twimlText(await stack.sendSms(phone, 'STATUS'))).toBe("Test Clinic: you're not in line right now. Reply JOIN to get a ticket.");
  });

  it('reads ESTADO from a number not in line as STATUS, and the English words as before', async () => {
    const phone = patientPhone();
    expect(await twimlText(await stack.sendSms(phone, 'ESTADO'))).toBe('Test Clinic: ahora no tiene turno en la fila. Responda FILA para pedir uno.');
    const other = patientPhone();
    expect(await twimlText(await stack.sendSms(other, 'HELP'))).toMatch(/^Test Clinic walk-in line\. Reply JOIN/);
    expect(await getPatientLanguage(stack.sql, stack.clinic.id, other)).toBeUndefined();
  });
});
