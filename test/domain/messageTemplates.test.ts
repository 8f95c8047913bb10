/**
 * The wording of appointment messages: placeholders, the shipped English and Spanish defaults (one
 * segment each with typical values, also a text with its question line, never inviting CANCEL), and
 * dates in the reader's language.
 */
import { describe, expect, it } from 'vitest';
import { SHIPPED_LANGUAGES, isKnownLanguage, languageFallbacks } from '../../src/domain/languages.js';
import {
  CALL_KINDS,
  DEFAULT_TEMPLATES,
  forbiddenPlaceholders,
  isCallKind,
  MESSAGE_KINDS,
  missingPlaceholders,
  QUESTION_LINES,
  renderTemplate,
  validateTemplate,
  type LineKind,
  type TextKind,
} from '../../src/domain/messageTemplates.js';
import { formatDate, formatLocalDate, formatSlots, formatTime, placeholderValues, sampleMessageValues } from '../../src/domain/messageValues.js';
import { countSmsSegments } from '../../src/domain/smsSegments.js';
import { ZReminderRules } from '../../src/domain/reminderRules.js';

const CHICAGO = 'America/Chicago';
// A typical clinic: a name of 23 characters and a US office number.
const typical = (language: string) =>
  placeholderValues(sampleMessageValues(CHICAGO), { clinicName: 'Northside Family Clinic', officePhone: '(312) 555-0100', timezone: CHICAGO, language });

describe('placeholders', () => {
  it('names each unknown placeholder once, as written, and knows {slots} only in reschedule_options', () => {
    expect(validateTemplate('{clinic_name}: hi {patient_name}, {date} {time} {doctor_name} {specialty} {followup_date} {office_phone}')).toEqual([]);
    expect(validateTemplate('Hi {foo}, {patient_name} {foo} { date } {}')).toEqual(['{foo}', '{ date }', '{}']);
    expect(validateTemplate('{slots}', 'reschedule_options')).toEqual([]);
    expect(validateTemplate('{slots}', 'reminder')).toEqual(['{slots}']);
    expect(missingPlaceholders('Reply with a number', 'reschedule_options')).toEqual(['{slots}']);
    expect(missingPlaceholders('Reply YES', 'reminder')).toEqual([]);
  });

  it('fills known placeholders, writes a missing value as nothing, and leaves other braces as they are', () => {
    expect(renderTemplate('{clinic_name}: {patient_name}, see you {date}. {foo}', { clinic_name: 'North', date: 'Tue 12 Nov' })).toBe(
      'North: , see you Tue 12 Nov. {foo}',
    );
  });
});

describe('dates and times in the clinic time zone and the reader language', () => {
  it('writes a date as Tue 12 Nov in English and mar 12 nov in Spanish, times 24-hour', () => {
    const at = '2025-11-12T16:30:00Z'; // Wednesday 10:30 in Chicago
    expect(formatDate(at, CHICAGO, 'en')).toBe('Wed 12 Nov');
    expect(formatDate(at, CHICAGO, 'es')).toBe('mié 12 nov');
    expect(formatDate('2025-11-11T16:30:00Z', CHICAGO, 'es')).toBe('mar 11 nov');
    expect(formatTime(at, CHICAGO, 'es')).toBe('10:30');
    expect(formatTime(new Date(at), 'Asia/Kolkata', 'en')).toBe('22:00');
    expect(formatLocalDate('2025-02-17', 'es')).toBe('lun 17 feb');
    expect(formatSlots(['2025-11-12T16:30:00Z', '2025-11-13T15:00:00Z'], CHICAGO, 'es')).toBe('1) mié 12 nov 10:30\n2) jue 13 nov 09:00');
  });

  it('moves with daylight saving time: 10:00 local on either side of 1 Nov 2026', () => {
    expect(formatTime('2026-10-31T15:00:00Z', CHICAGO, 'en')).toBe('10:00');
    expect(formatTime('2026-11-02T16:00:00Z', CHICAGO, 'en')).toBe('10:00');
  });

  it('refuses a moment or a date that is not one', () => {
    expect(() => formatDate('tomorrow', CHICAGO, 'en')).toThrow(RangeError);
    expect(() => formatLocalDate('2025-02-30', 'en')).toThrow(RangeError);
  });

  it('takes any language Intl knows, falling back to the clinic default, then English', () => {
    expect(isKnownLanguage('pt-BR')).toBe(true);
    expect(isKnownLanguage('xx')).toBe(false);
    expect(isKnownLanguage('EN')).toBe(false);
    expect(languageFallbacks('es-MX', 'fr')).toEqual(['es-MX', 'es', 'fr', 'en']);
    expect(languageFallbacks('en', 'en')).toEqual(['en']);
  });
});

describe('the shipped templates', () => {
  it.each(SHIPPED_LANGUAGES.flatMap((language) => MESSAGE_KINDS.map((kind) => [language, kind] as const)))(
    '%s %s uses only known placeholders and, when texted, fits one GSM-7 segment with typical values',
    (language, kind) => {
      const body = DEFAULT_TEMPLATES[language][kind];
      expect(validateTemplate(body, kind)).toEqual([]);
      expect(missingPlaceholders(body, kind)).toEqual([]);
      expect(forbiddenPlaceholders(body, kind)).toEqual([]);
      const text = renderTemplate(body, typical(language));
      expect(text).not.toMatch(/\{\w+\}/);
      // A call's text is spoken, not texted: its size and alphabet do not matter.
      if (!isCallKind(kind)) expect(countSmsSegments(text), text).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    },
  );

  it.each(
    SHIPPED_LANGUAGES.flatMap((language) => (Object.entries(QUESTION_LINES) as [TextKind, LineKind][]).map(([kind, line]) => [language, kind, line] as const)),
  )("%s %s followed by its question line (%s) still fits one GSM-7 segment with typical values, and asks with the reminder's words", (language, kind, line) => {
    const text = `${renderTemplate(DEFAULT_TEMPLATES[language][kind], typical(language))}\n${renderTemplate(DEFAULT_TEMPLATES[language][line], typical(language))}`;
    expect(countSmsSegments(text), text).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(DEFAULT_TEMPLATES[language][line]).toMatch(language === 'es' ? /\bSI\b.*\bNO\b.*\bCAMBIAR\b/ : /\bYES\b.*\bNO\b.*\bCHANGE\b/);
  });

  it('keeps health information out of a voicemail: no provider or service, but the time and the office phone', () => {
    expect(forbiddenPlaceholders('{clinic_name}: see {doctor_name} for {specialty} on {date}', 'call_voicemail')).toEqual(['{doctor_name}', '{specialty}']);
    expect(forbiddenPlaceholders('{doctor_name}', 'call_reminder')).toEqual([]);
    for (const language of SHIPPED_LANGUAGES) {
      expect(DEFAULT_TEMPLATES[language].call_voicemail).toMatch(/\{time\}.*\{office_phone\}/);
      expect(DEFAULT_TEMPLATES[language].call_reminder).toMatch(/1.*2.*3/);
    }
    expect(CALL_KINDS.every((kind) => MESSAGE_KINDS.includes(kind))).toBe(true);
  });

  it('writes a spoken date out in full', () => {
    const spoken = placeholderValues(sampleMessageValues(CHICAGO), {
      clinicName: 'North',
      officePhone: '(312) 555-0100',
      timezone: CHICAGO,
      language: 'es',
      spoken: true,
    });
    expect(spoken.date).toBe('martes, 10 de noviembre');
    expect(formatDate('2025-11-12T16:30:00Z', CHICAGO, 'en', true)).toBe('Wednesday, November 12');
  });

  it('never invites CANCEL or CANCELAR, a carrier opt-out word: reminders ask for YES / NO / CHANGE, SI / NO / CAMBIAR', () => {
    // A command word is written in capitals (YES, NO, CHANGE); "reply cancel" in any case is an invitation too.
    const invitation = /\b(reply|text|send|responda|conteste|escriba|env[ií]e)\s+(with\s+|con\s+)?["']?cancel(ar)?\b/i;
    expect('Reply YES to confirm or CANCEL to cancel').toMatch(/\bCANCEL(AR)?\b/);
    expect('Responda cancelar para anular').toMatch(invitation);
    for (const language of SHIPPED_LANGUAGES) {
      for (const kind of MESSAGE_KINDS) {
        const body = DEFAULT_TEMPLATES[language][kind];
        expect(body, `${language} ${kind}`).not.toMatch(/\bCANCEL(AR)?\b/);
        expect(body, `${language} ${kind}`).not.toMatch(invitation);
      }
    }
    expect(DEFAULT_TEMPLATES.en.reminder).toMatch(/Reply YES to confirm, NO to cancel, CHANGE for another time/);
    expect(DEFAULT_TEMPLATES.es.reminder).toMatch(/Responda SI para confirmar, NO para cancelar, CAMBIAR para otra hora/);
  });

  it('writes a Spanish reminder with a Spanish date', () => {
    expect(renderTemplate(DEFAULT_TEMPLATES.es.reminder, typical('es'))).toBe(
      'Northside Family Clinic: Maria Gonzalez, cita con Dr Ramirez el mar 10 nov a las 10:30. Responda SI para confirmar, NO para cancelar, CAMBIAR para otra hora.',
    );
    expect(renderTemplate(DEFAULT_TEMPLATES.es.reschedule_options, typical('es'))).toContain('\n3) mié 11 nov 09:00\n');
  });

  it('asks for the number of a time from the list, in Spanish as in English (a time such as 12:00 is no answer)', () => {
    expect(renderTemplate(DEFAULT_TEMPLATES.en.reschedule_options, typical('en'))).toMatch(/^Northside Family Clinic: reply with the number of a time:\n1\) /);
    expect(renderTemplate(DEFAULT_TEMPLATES.es.reschedule_options, typical('es'))).toMatch(
      /^Northside Family Clinic: responda con el numero de una hora:\n1\) /,
    );
  });
});

describe('reminder rules', () => {
  it('take "before" in minutes and "day_before_at" a local time, and nothing else', () => {
    expect(
      ZReminderRules.parse([
        { kind: 'before', minutes: 1440 },
        { kind: 'day_before_at', time: '10:00' },
      ]),
    ).toHaveLength(2);
    for (const bad of [
      [{ kind: 'before', minutes: 0 }],
      [{ kind: 'day_before_at', time: '25:00' }],
      [{ kind: 'after', minutes: 5 }],
      [{ kind: 'before', minutes: 5, extra: 1 }],
    ]) {
      expect(ZReminderRules.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
