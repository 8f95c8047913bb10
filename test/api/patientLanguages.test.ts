/**
 * A patient who texts ESPAÑOL is answered in Spanish from then on, the ticket workflow's own texts
 * included; ENGLISH switches back; a clinic whose default is Spanish answers newcomers in Spanish.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getClinicBySlug } from '../../src/clinics/clinics.js';
import { getPatientLanguage, resolvePatientLanguage, setPatientLanguage } from '../../src/clinics/patientLanguages.js';
import { json, patientPhone, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const patch = (body: string) => stack.api('/api/clinic', { method: 'PATCH', body });

describe('a patient chooses Spanish', () => {
  it('texts ESPAÑOL, gets a Spanish confirmation, and JOIN is answered in Spanish', async () => {
    const phone = patientPhone();
    const chosen = await twimlText(await stack.sendSms(phone, 'Español'));
    expect(chosen).toBe('Test Clinic: desde ahora le escribiremos en español. Responda ENGLISH para inglés.');
    expect(await getPatientLanguage(stack.sql, stack.clinic.id, phone)).toBe('es');
    const joined = await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN'));
    expect(joined).toMatch(/^Test Clinic: su turno es [A-Z]\d+ y tiene el lugar #\d+ en la fila, (espera estimada \d+ min|con poca o ninguna espera)\./);
    expect(await twimlText(await stack.sendSms(phone, 'STATUS'))).toMatch(/^Test Clinic: turno [A-Z]\d+, tiene el lugar/);

    // The ticket workflow's own texts follow the language too: staff call the patient next.
    const code = /turno es ([A-Z]\d+)/.exec(joined)![1]!;
    expect((await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) })).status).toBe(200);
    await expect
      .poll(async () => (await json(await stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`))).messages.map((m: { body: string }) => m.body))
      .toContain(`Test Clinic: turno ${code}, ¡le toca! Venga ahora al mostrador de entrada.`);

    expect(await twimlText(await stack.sendSms(phone, 'english'))).toBe("Test Clinic: we'll text you in English from now on. Reply ESPAÑOL for Spanish.");
    expect(await twimlText(await stack.sendSms(phone, 'STATUS'))).toMatch(/^Test Clinic: ticket [A-Z]\d+, it's your turn/);
  });

  it('reads the clinic default for a patient who never chose, and nothing for an opted-out number', async () => {
    const clinic = await getClinicBySlug(stack.sql, stack.clinic.slug);
    const phone = patientPhone();
    expect(await resolvePatientLanguage(stack.sql, { ...clinic, defaultLanguage: 'es' }, phone)).toBe('es');
    await setPatientLanguage(stack.sql, clinic.id, phone, 'en');
    expect(await resolvePatientLanguage(stack.sql, { ...clinic, defaultLanguage: 'es' }, phone)).toBe('en');

    const optedOut = patientPhone();
    expect(await twimlText(await stack.sendSms(optedOut, 'STOP'))).toBe('');
    expect(await twimlText(await stack.sendSms(optedOut, 'ESPAÑOL'))).toBe('');
    expect(await getPatientLanguage(stack.sql, clinic.id, optedOut)).toBeUndefined();
  });

  it("answers in the clinic's default language when the patient never chose", async () => {
    expect((await json(await patch(JSON.stringify({ default_language: 'es' })))).default_language).toBe('es');
    expect(await twimlText(await stack.sendSms(patientPhone(), 'HELP'))).toMatch(/^Test Clinic, fila sin cita\. Responda FILA/);
    await patch(JSON.stringify({ default_language: 'en' }));
  });
});
