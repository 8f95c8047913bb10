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
import { formatDate, formatLocalDate, formatSlots, formatTime, placeholderValues, sampleMessageValues, textLocale } from '../../src/domain/messageValues.js';
import { countSmsSegments, withPlainSpaces } from '../../src/domain/smsSegments.js';
import { ZReminderRules } from '../../src/domain/reminderRules.js';

const CHICAGO = 'America/Chicago';
// A typical clinic: a name of 23 characters and a US office number; in the US unless told.
const typical = (language: string, country = 'US') =>
  placeholderValues(sampleMessageValues(CHICAGO), {
    clinicName: 'Northside Family Clinic',
    officePhone: '(312) 555-0100',
    timezone: CHICAGO,
    country,
    language,
  });
// Clinics whose clocks differ: 12-hour (US, MX) and 24-hour (GB, ES).
const COUNTRIES = ['US', 'MX', 'GB', 'ES'];

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

describe("dates and times in the clinic time zone, the reader's language and the clinic's country", () => {
  it('reads the locale from the language and the clinic country, the country giving the region', () => {
    expect(textLocale('en', 'US')).toBe('en-US');
    expect(textLocale('es', 'ES')).toBe('es-ES');
    expect(textLocale('es-MX', 'US')).toBe('es-US');
    expect(() => textLocale('en', 'U1')).toThrow(RangeError);
  });

  it('writes a time as the locale does: 2:30 PM in the US, 2:30 p.m. in Spanish there and in Mexico, 14:30 in the UK and Spain', () => {
    const at = '2025-11-12T20:30:00Z'; // Wednesday 14:30 in Chicago
    expect(formatTime(at, CHICAGO, 'en-US')).toBe('2:30 PM');
    expect(formatTime(at, CHICAGO, 'es-US')).toBe('2:30 p.m.');
    expect(formatTime(at, CHICAGO, 'es-MX')).toBe('2:30 p.m.');
    expect(formatTime(at, CHICAGO, 'en-GB')).toBe('14:30');
    expect(formatTime(at, CHICAGO, 'es-ES')).toBe('14:30');
    expect(formatTime(new Date(at), 'Asia/Kolkata', 'en-IN')).toBe('2:00 am');
    expect(formatTime('2025-11-12T15:05:00Z', CHICAGO, 'en-GB')).toBe('09:05');
    expect(formatTime('2025-11-12T15:05:00Z', CHICAGO, 'es-ES')).toBe('9:05');
  });

  it('writes a date as the locale does: Wed, Nov 12 in the US, Wed 12 Nov in the UK, mié, 12 nov in Spain; a spoken one in full', () => {
    const at = '2025-11-12T16:30:00Z'; // Wednesday 10:30 in Chicago
    expect(formatDate(at, CHICAGO, 'en-US')).toBe('Wed, Nov 12');
    expect(formatDate(at, CHICAGO, 'en-GB')).toBe('Wed 12 Nov');
    expect(formatDate(at, CHICAGO, 'es-ES')).toBe('mié, 12 nov');
    expect(formatDate(at, CHICAGO, 'es-US')).toBe('mié, 12 de nov');
    expect(formatDate(at, CHICAGO, 'es-MX', true)).toBe('miércoles, 12 de noviembre');
    expect(formatLocalDate('2025-02-17', 'es-ES')).toBe('lun, 17 feb');
    expect(formatLocalDate('2025-02-17', 'en-US')).toBe('Mon, Feb 17');
  });

  it("lists open times under each day's date, each time in the locale's hour cycle", () => {
    const slots = ['2025-11-12T16:30:00Z', '2025-11-12T19:00:00Z', '2025-11-13T15:00:00Z'];
    expect(formatSlots(slots, CHICAGO, 'en-US')).toBe('Wed, Nov 12\n1) 10:30 AM\n2) 1:00 PM\nThu, Nov 13\n3) 9:00 AM');
    expect(formatSlots(slots, CHICAGO, 'es-ES')).toBe('mié, 12 nov\n1) 10:30\n2) 13:00\njue, 13 nov\n3) 9:00');
  });

  it('writes every space of a date or time as a plain one, so a text stays GSM-7', () => {
    // ICU 72 and later write "2:30 PM" with a narrow no-break space, which this Node undoes and others do not.
    expect(withPlainSpaces('2:30\u202fPM, 2:30\u00a0p.\u00a0m.')).toBe('2:30 PM, 2:30 p. m.');
    expect(countSmsSegments(`${'a'.repeat(150)} 2:30\u202fPM`).encoding).toBe('UCS-2');
    // As such a runtime does: Intl's format writes every space as U+202F.
    const real = Object.getOwnPropertyDescriptor(Intl.DateTimeFormat.prototype, 'format')!;
    Object.defineProperty(Intl.DateTimeFormat.prototype, 'format', {
      ...real,
      get(this: Intl.DateTimeFormat) {
        const format = real.get!.call(this) as (date?: Date | number) => string;
        return (date?: Date | number) => format(date).replace(/ /g, '\u202f');
      },
    });
    try {
      expect(formatTime('2025-11-12T20:31:00Z', CHICAGO, 'en-US')).toBe('2:31 PM');
      expect(formatTime('2025-11-12T20:31:00Z', CHICAGO, 'es-CO')).toBe('2:31 p. m.');
      expect(formatDate('2025-11-12T20:31:00Z', CHICAGO, 'es-US')).toBe('mié, 12 de nov');
    } finally {
      Object.defineProperty(Intl.DateTimeFormat.prototype, 'format', real);
    }
  });

  it('moves with daylight saving time: 10:00 local on either side of 1 Nov 2026', () => {
    expect(formatTime('2026-10-31T15:00:00Z', CHICAGO, 'en-GB')).toBe('10:00');
    expect(formatTime('2026-11-02T16:00:00Z', CHICAGO, 'en-US')).toBe('10:00 AM');
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
  it.each(SHIPPED_LANGUAGES.flatMap((language) => MESSAGE_KINDS.flatMap((kind) => COUNTRIES.map((country) => [language, kind, country] as const))))(
    '%s %s uses only known placeholders and, when texted, fits one GSM-7 segment with typical values at a clinic in %s',
    (language, kind, country) => {
      const body = DEFAULT_TEMPLATES[language][kind];
      expect(validateTemplate(body, kind)).toEqual([]);
      expect(missingPlaceholders(body, kind)).toEqual([]);
      expect(forbiddenPlaceholders(body, kind)).toEqual([]);
      const text = renderTemplate(body, typical(language, country));
      expect(text).not.toMatch(/\{\w+\}/);
      // A call's text is spoken, not texted: its size and alphabet do not matter.
      if (!isCallKind(kind)) expect(countSmsSegments(text), text).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    },
  );

  it.each(
    SHIPPED_LANGUAGES.flatMap((language) =>
      (Object.entries(QUESTION_LINES) as [TextKind, LineKind][]).flatMap(([kind, line]) =>
        COUNTRIES.map((country) => [language, kind, line, country] as const),
      ),
    ),
  )(
    "%s %s followed by its question line (%s) still fits one GSM-7 segment with typical values at a clinic in %s, and asks with the reminder's words",
    (language, kind, line, country) => {
      const values = typical(language, country);
      const text = `${renderTemplate(DEFAULT_TEMPLATES[language][kind], values)}\n${renderTemplate(DEFAULT_TEMPLATES[language][line], values)}`;
      expect(countSmsSegments(text), text).toMatchObject({ encoding: 'GSM-7', segments: 1 });
      expect(DEFAULT_TEMPLATES[language][line]).toMatch(language === 'es' ? /\bSI\b.*\bNO\b.*\bCAMBIAR\b/ : /\bYES\b.*\bNO\b.*\bCHANGE\b/);
    },
  );

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
      country: 'US',
      language: 'es',
      spoken: true,
    });
    expect(spoken.date).toBe('martes, 10 de noviembre');
    expect(formatDate('2025-11-12T16:30:00Z', CHICAGO, 'en-US', true)).toBe('Wednesday, November 12');
    expect(formatDate('2025-11-12T16:30:00Z', CHICAGO, 'en-GB', true)).toBe('Wednesday 12 November');
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

  it('writes a Spanish reminder with a Spanish date, its clock as the clinic country has it', () => {
    expect(renderTemplate(DEFAULT_TEMPLATES.es.reminder, typical('es', 'ES'))).toBe(
      'Northside Family Clinic: Maria Gonzalez, cita con Dr Ramirez el mar, 10 nov, 10:30. Responda SI para confirmar, NO para cancelar, CAMBIAR para otra hora.',
    );
    expect(renderTemplate(DEFAULT_TEMPLATES.es.reschedule_options, typical('es', 'ES'))).toContain('\nmié, 11 nov\n3) 9:00\n');
    expect(renderTemplate(DEFAULT_TEMPLATES.es.reminder, typical('es', 'US'))).toContain(' el mar, 10 de nov, 10:30 a.m. Responda SI');
  });

  it("writes a US clinic's reminder with a 12-hour clock and a UK clinic's with a 24-hour one, one segment either way", () => {
    const afternoon = { ...sampleMessageValues(CHICAGO), startsAt: '2026-11-10T20:30:00Z' }; // Tuesday 14:30 in Chicago
    const reminder = (language: 'en' | 'es', country: string) =>
      renderTemplate(
        DEFAULT_TEMPLATES[language].reminder,
        placeholderValues(afternoon, { clinicName: 'Northside Family Clinic', officePhone: '(312) 555-0100', timezone: CHICAGO, country, language }),
      );
    expect(reminder('en', 'US')).toContain('your visit with Dr Ramirez is Tue, Nov 10 at 2:30 PM. Reply YES');
    expect(reminder('en', 'GB')).toContain('your visit with Dr Ramirez is Tue 10 Nov at 14:30. Reply YES');
    expect(reminder('es', 'ES')).toContain('cita con Dr Ramirez el mar, 10 nov, 14:30. Responda SI');
    for (const text of [reminder('en', 'US'), reminder('en', 'GB'), reminder('es', 'ES'), reminder('es', 'US')]) {
      expect(countSmsSegments(text), text).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    }
  });

  it('writes a Saturday in a Spanish text without the accent GSM-7 lacks (sab), so the reminder stays one segment; a call says sábado', () => {
    const saturday = { ...sampleMessageValues(CHICAGO), startsAt: '2026-11-14T16:30:00Z', followUpDate: '2026-11-28' }; // Saturdays
    const context = { clinicName: 'Northside Family Clinic', officePhone: '(312) 555-0100', timezone: CHICAGO, country: 'US', language: 'es' };
    const texted = placeholderValues(saturday, context);
    expect([texted.date, texted.followup_date]).toEqual(['sab, 14 de nov', 'sab, 28 de nov']);
    expect(formatSlots(['2026-11-14T16:30:00Z'], CHICAGO, 'es-ES')).toBe('sab, 14 nov\n1) 10:30');
    const reminder = renderTemplate(DEFAULT_TEMPLATES.es.reminder, texted);
    expect(countSmsSegments(reminder), reminder).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(placeholderValues(saturday, { ...context, spoken: true }).date).toBe('sábado, 14 de noviembre');
  });

  it("reads one o'clock right in every Spanish text and call: the time follows the date after a comma, never 'a las 1:00'", () => {
    const oneOClock = { ...sampleMessageValues(CHICAGO), startsAt: '2026-11-10T19:00:00Z' }; // Tuesday 13:00 in Chicago
    const values = (country: string, spoken = false) =>
      placeholderValues(oneOClock, {
        clinicName: 'Northside Family Clinic',
        officePhone: '(312) 555-0100',
        timezone: CHICAGO,
        country,
        language: 'es',
        spoken,
      });
    expect(renderTemplate(DEFAULT_TEMPLATES.es.reminder, values('US'))).toContain('cita con Dr Ramirez el mar, 10 de nov, 1:00 p.m. Responda SI');
    expect(renderTemplate(DEFAULT_TEMPLATES.es.confirmed, values('US'))).toBe(
      'Northside Family Clinic: gracias, Maria Gonzalez. Su cita con Dr Ramirez el mar, 10 de nov, 1:00 p.m. queda confirmada. Le esperamos.',
    );
    expect(renderTemplate(DEFAULT_TEMPLATES.es.confirmed, values('ES'))).toContain('Su cita con Dr Ramirez el mar, 10 nov, 13:00 queda confirmada.');
    expect(renderTemplate(DEFAULT_TEMPLATES.es.booking_confirmation, values('MX'))).toContain('queda reservada para el mar 10 de nov, 1:00 p.m. ¿Dudas?');
    expect(renderTemplate(DEFAULT_TEMPLATES.es.call_reminder, values('US', true))).toContain(
      'su cita con Dr Ramirez es el martes, 10 de noviembre, 1:00 p.m. Para confirmar, marque 1.',
    );
    for (const kind of MESSAGE_KINDS) {
      const body = DEFAULT_TEMPLATES.es[kind];
      expect(body, kind).not.toMatch(/\ba las? \{time\}/);
      if (body.includes('{time}')) expect(body, kind).toContain('{date}, {time}');
      for (const country of COUNTRIES) expect(renderTemplate(body, values(country, isCallKind(kind))), `${kind} ${country}`).not.toMatch(/\ba las 1:/);
    }
  });

  it("reads a confirmed visit's reminder as a sentence: 'your visit with Dr Ramirez on Tue, Nov 10 at 10:30 AM', as the confirmation says it", () => {
    expect(renderTemplate(DEFAULT_TEMPLATES.en.confirmed_reminder, typical('en'))).toBe(
      "Northside Family Clinic: Maria Gonzalez, a reminder of your visit with Dr Ramirez on Tue, Nov 10 at 10:30 AM. See you then! Can't come? Call (312) 555-0100.",
    );
  });

  it("says in Spanish that SI keeps the visit from the list's help ('mantener su cita'), not 'dejar su cita', which reads as giving it up", () => {
    const help = renderTemplate(DEFAULT_TEMPLATES.es.list_help, typical('es'));
    expect(help).toContain(', SI para mantener su cita, NO para cancelar.');
    expect(help).not.toMatch(/dejar su cita/);
  });

  it("says the visit stays on its day when no other time is open, as the call says it: 'Your visit stays on Tue, Nov 10 at 10:30 AM'", () => {
    expect(renderTemplate(DEFAULT_TEMPLATES.en.no_open_slots, typical('en'))).toContain('. Your visit stays on Tue, Nov 10 at 10:30 AM. Call (312) 555-0100');
  });

  it('writes one full stop after a time that ends with one', () => {
    expect(renderTemplate('at {time}. Reply', { time: '2:30 p.m.' })).toBe('at 2:30 p.m. Reply');
    expect(renderTemplate('at {time}, then {time}.', { time: '2:30 p.m.' })).toBe('at 2:30 p.m., then 2:30 p.m.');
  });

  it('asks for the number of a time from the list, in Spanish as in English (a time such as 12:00 is no answer)', () => {
    expect(renderTemplate(DEFAULT_TEMPLATES.en.reschedule_options, typical('en'))).toMatch(
      /^Northside Family Clinic: reply with the number of a time:\nTue, Nov 10\n1\) 2:00 PM\n/,
    );
    expect(renderTemplate(DEFAULT_TEMPLATES.es.reschedule_options, typical('es'))).toMatch(
      /^Northside Family Clinic: responda con el numero de una hora:\nmar, 10 de nov\n1\) 2:00 p\.m\.\n/,
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
