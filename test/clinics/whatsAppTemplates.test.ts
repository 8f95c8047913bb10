/**
 * A reminder outside WhatsApp's 24-hour window goes as the clinic's approved template: its Content SID
 * and its numbered variables filled as the text templates fill the same placeholders.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Clinic } from '../../src/clinics/clinics.js';
import { saveWhatsAppTemplate, whatsAppTemplateFor } from '../../src/clinics/whatsAppTemplates.js';
import { createSql } from '../../src/db/sql.js';
import { createTestClinic } from '../support/clinic.js';

const sql = createSql(inject('databaseUrl'));
afterAll(() => sql.end());

const SPANISH_SID = `HX${'a'.repeat(32)}`;
const ENGLISH_SID = `HX${'b'.repeat(32)}`;
// 20:30 UTC on Thursday 12 November is 02:00 on Friday 13 November in Kolkata (UTC+05:30); the clinic is in the US (2:00 AM).
const values = { patientName: 'Ana Ruiz', doctorName: 'Dr Mehta', startsAt: new Date('2026-11-12T20:30:00Z'), followUpDate: '2026-11-26' };

let clinic: Clinic;
beforeAll(async () => {
  const created = await createTestClinic(sql);
  clinic = { ...created.clinic, timezone: 'Asia/Kolkata', officePhone: '+13125550142' };
  const variables = { '1': '{patient_name}', '2': '{date}', '3': '{time}', '4': '{office_phone}' };
  await saveWhatsAppTemplate(sql, clinic.id, { kind: 'reminder', language: 'es', contentSid: SPANISH_SID, variables });
  await saveWhatsAppTemplate(sql, clinic.id, { kind: 'reminder', language: 'en', contentSid: ENGLISH_SID, variables });
});

const variablesOf = (template: { contentVariables: string } | undefined) => JSON.parse(template!.contentVariables) as unknown;

describe('the WhatsApp template for a message', () => {
  it("is the one in the patient's language, its variables filled with the date in the clinic's time zone, written in that language", async () => {
    const template = await whatsAppTemplateFor(sql, { clinic, kind: 'reminder', language: 'es', values });
    expect(template?.contentSid).toBe(SPANISH_SID);
    expect(template?.contentVariables).toBe('{"1":"Ana Ruiz","2":"vie, 13 de nov","3":"2:00 a.m.","4":"(312) 555-0142"}');
  });

  it('takes the base language for a regional one (es-MX reads the es template)', async () => {
    const template = await whatsAppTemplateFor(sql, { clinic, kind: 'reminder', language: 'es-MX', values });
    expect(template?.contentSid).toBe(SPANISH_SID);
  });

  it("falls back to the clinic's default language, with dates written in it", async () => {
    const template = await whatsAppTemplateFor(sql, { clinic, kind: 'reminder', language: 'de', values });
    expect(template?.contentSid).toBe(ENGLISH_SID);
    expect(variablesOf(template)).toEqual({ '1': 'Ana Ruiz', '2': 'Fri, Nov 13', '3': '2:00 AM', '4': '(312) 555-0142' });
  });

  it('is none for a kind without a template, or when neither the patient nor the clinic default has one (never English by default)', async () => {
    expect(await whatsAppTemplateFor(sql, { clinic, kind: 'followup_reminder', language: 'es', values })).toBeUndefined();
    const portuguese = { ...clinic, defaultLanguage: 'pt-BR' };
    expect(await whatsAppTemplateFor(sql, { clinic: portuguese, kind: 'reminder', language: 'de', values })).toBeUndefined();
    expect((await whatsAppTemplateFor(sql, { clinic: portuguese, kind: 'reminder', language: 'es', values }))?.contentSid).toBe(SPANISH_SID);
  });

  it('fills a follow-up date and a missing value as the text templates do', async () => {
    await saveWhatsAppTemplate(sql, clinic.id, {
      kind: 'followup_reminder',
      language: 'en',
      contentSid: ENGLISH_SID,
      variables: { '2': '{followup_date}', '1': '{patient_name}', '3': '{clinic_name}' },
    });
    const template = await whatsAppTemplateFor(sql, { clinic, kind: 'followup_reminder', language: 'en', values: { followUpDate: '2026-11-26' } });
    expect(template?.contentVariables).toBe('{"1":"","2":"Thu, Nov 26","3":"Test Clinic"}');
  });

  it("fills {question} with the question a staff move's text asks, in the template's language, and only for a text that asks it", async () => {
    const variables = { '1': '{patient_name}', '2': '{date}', '3': '{time}', '4': '{question}' };
    await saveWhatsAppTemplate(sql, clinic.id, { kind: 'rescheduled', language: 'es', contentSid: SPANISH_SID, variables });
    const asking = await whatsAppTemplateFor(sql, { clinic, kind: 'rescheduled', language: 'es-MX', values, then: 'rescheduled_question' });
    expect(variablesOf(asking)).toEqual({
      '1': 'Ana Ruiz',
      '2': 'vie, 13 de nov',
      '3': '2:00 a.m.',
      '4': 'SI para confirmar, NO para cancelar, CAMBIAR para otra hora.',
    });
    // The same kind asking nothing (the reply to a pick from the list) cannot go with a template that asks.
    expect(await whatsAppTemplateFor(sql, { clinic, kind: 'rescheduled', language: 'es', values })).toBeUndefined();
    // A template without {question} cannot carry the question: the text goes by SMS instead.
    await saveWhatsAppTemplate(sql, clinic.id, { kind: 'rescheduled', language: 'en', contentSid: ENGLISH_SID, variables: { '1': '{patient_name}' } });
    expect(await whatsAppTemplateFor(sql, { clinic, kind: 'rescheduled', language: 'en', values, then: 'rescheduled_question' })).toBeUndefined();
    expect((await whatsAppTemplateFor(sql, { clinic, kind: 'rescheduled', language: 'en', values }))?.contentSid).toBe(ENGLISH_SID);
  });
});
