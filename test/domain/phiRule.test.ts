/**
 * The PHI rule: no text or call Frontdesk sends carries health information. A message may say when
 * (date, time), where (the clinic, its phone), with whom (the provider) and whom it is for (the
 * patient's name); never the service, reason, diagnosis or specialty, and a voicemail not even the
 * provider. Every shipped template in every language (texts and spoken call texts) and every walk-in
 * text is rendered here with values that carry health information wherever a caller could slip it in,
 * and none of it may come out.
 */
import { describe, expect, it } from 'vitest';
import { SHIPPED_LANGUAGES } from '../../src/domain/languages.js';
import {
  DEFAULT_TEMPLATES,
  forbiddenPlaceholders,
  isCallKind,
  MESSAGE_KINDS,
  renderTemplate,
  validateTemplate,
  type MessageKind,
} from '../../src/domain/messageTemplates.js';
import { placeholderValues, sampleMessageValues, type MessageValues } from '../../src/domain/messageValues.js';
import { patientTextsIn, type TicketStanding } from '../../src/domain/patientTexts.js';

/** Health information as it sits in an appointment row or a walk-in note: none of it may reach a patient's phone. */
const HEALTH_INFORMATION = ['Oncology', 'chemotherapy review', 'HIV test result', 'back pain'];

/** Words that only health information would bring into a message, in the shipped languages. */
const HEALTH_WORDS = /diagnos|specialt|especialidad|oncolog|result|resultado|treatment|tratamiento|prescri|receta|symptom|s[ií]ntoma|reason|motivo/i;

/** Sample values, plus health information under every name a caller might try to pass it. */
const valuesWithHealthInformation = {
  ...sampleMessageValues('America/Chicago'),
  specialty: HEALTH_INFORMATION[0],
  service: HEALTH_INFORMATION[1],
  reason: HEALTH_INFORMATION[2],
  diagnosis: HEALTH_INFORMATION[2],
  note: HEALTH_INFORMATION[3],
} as MessageValues;

const context = (language: string, spoken: boolean) => ({
  clinicName: 'Frontdesk Clinic',
  officePhone: '(312) 555-0100',
  timezone: 'America/Chicago',
  country: 'US',
  language,
  spoken,
});

const shipped = SHIPPED_LANGUAGES.flatMap((language) => MESSAGE_KINDS.map((kind) => [language, kind] as const));

function expectNoHealthInformation(text: string, what: string): void {
  for (const detail of HEALTH_INFORMATION) expect(text, what).not.toContain(detail);
  expect(text, what).not.toMatch(HEALTH_WORDS);
}

describe('every shipped template, in every language', () => {
  it.each(shipped)('%s %s uses only allowed placeholders', (language, kind) => {
    const body = DEFAULT_TEMPLATES[language][kind];
    expect(validateTemplate(body, kind)).toEqual([]);
    expect(forbiddenPlaceholders(body, kind)).toEqual([]);
  });

  it.each(shipped)('%s %s, rendered, holds no health information', (language, kind) => {
    const text = renderTemplate(DEFAULT_TEMPLATES[language][kind], placeholderValues(valuesWithHealthInformation, context(language, isCallKind(kind))));
    expectNoHealthInformation(text, `${language} ${kind}: ${text}`);
  });

  it('a voicemail, which anyone may hear, names no provider either', () => {
    for (const language of SHIPPED_LANGUAGES) {
      const text = renderTemplate(DEFAULT_TEMPLATES[language].call_voicemail, placeholderValues(valuesWithHealthInformation, context(language, true)));
      expect(text).not.toContain('Dr Ramirez');
      expect(text).not.toContain('Maria Gonzalez');
    }
  });
});

describe("a clinic's own wording", () => {
  it('may not use {specialty} in any kind, nor {doctor_name} in a voicemail', () => {
    for (const kind of MESSAGE_KINDS) {
      expect(forbiddenPlaceholders('{clinic_name}: your {specialty} visit on {date}', kind), kind).toEqual(['{specialty}']);
    }
    expect(forbiddenPlaceholders('{clinic_name}: {doctor_name} on {date}', 'call_voicemail')).toEqual(['{doctor_name}']);
  });

  it('saved before the rule with {specialty} in it renders it as nothing', () => {
    const text = renderTemplate('{clinic_name}: your {specialty} visit', placeholderValues(valuesWithHealthInformation, context('en', false)));
    expect(text).toBe('Frontdesk Clinic: your  visit');
  });
});

describe('every walk-in text, in every language', () => {
  // A ticket standing as the workflow holds it, with the patient's JOIN note (`JOIN back pain`) riding along.
  const ticket = { code: 'V7', state: 'waiting', position: 3, etaMinutes: 20, note: HEALTH_INFORMATION[3] } as TicketStanding;
  const kinds = ['called', 'still_calling', 'closed_for_day', 'no_show'] as const;

  it.each([...SHIPPED_LANGUAGES])('%s holds no JOIN note and no health information', (language) => {
    const texts = patientTextsIn(language);
    const all = [
      texts.joined('Frontdesk Clinic', ticket),
      texts.joinedNextDay('Frontdesk Clinic', ticket, '2026-12-08'),
      texts.alreadyJoined('Frontdesk Clinic', ticket),
      texts.alreadyJoinedNextDay('Frontdesk Clinic', ticket, '2026-12-08'),
      texts.status('Frontdesk Clinic', ticket),
      texts.statusNextDay('Frontdesk Clinic', ticket, '2026-12-08'),
      texts.notInLine('Frontdesk Clinic'),
      texts.left('Frontdesk Clinic', ticket.code),
      texts.cannotLeaveInRoom('Frontdesk Clinic', ticket.code),
      texts.help('Frontdesk Clinic', '(312) 555-0100'),
      texts.unknown('Frontdesk Clinic'),
      texts.unknown('Frontdesk Clinic', ['YES', 'NO', 'CHANGE']),
      texts.optedIn('Frontdesk Clinic'),
      texts.languageSet('Frontdesk Clinic'),
      ...kinds.map((notice) => texts.notice('Frontdesk Clinic', ticket.code, notice)),
    ];
    for (const text of all) expectNoHealthInformation(text, `${language}: ${text}`);
  });
});

// Keeps the list of kinds above honest: a new kind is rendered by the tables without any change here.
const kindsCovered: readonly MessageKind[] = MESSAGE_KINDS;
it('covers every message kind', () => expect(shipped).toHaveLength(kindsCovered.length * SHIPPED_LANGUAGES.length));
