/**
 * The walk-in texts in English and Spanish: GSM-7, short, and Spanish where the patient reads Spanish.
 */
import { describe, expect, it } from 'vitest';
import { patientTexts, patientTextsIn } from '../../src/domain/patientTexts.js';
import { countSmsSegments } from '../../src/domain/smsSegments.js';

describe('the walk-in texts', () => {
  const ticket = { code: 'Q7', state: 'waiting', position: 12, etaMinutes: 110 } as const;
  const texts = (language: 'en' | 'es') => {
    const t = patientTexts[language];
    const clinic = 'Northside Family Clinic';
    return [
      t.joined(clinic, ticket),
      t.joined(clinic, { ...ticket, position: 1, etaMinutes: 0 }),
      t.joinedNextDay(clinic, ticket),
      t.joinedNextDay(clinic, { ...ticket, position: 1, etaMinutes: 0 }),
      t.alreadyJoined(clinic, { ...ticket, state: 'next' }),
      t.alreadyJoinedNextDay(clinic, ticket),
      t.status(clinic, { ...ticket, state: 'in_room' }),
      t.statusNextDay(clinic, ticket),
      t.notInLine(clinic),
      t.left(clinic, 'Q7'),
      t.cannotLeaveInRoom(clinic, 'Q7'),
      t.help(clinic, '(312) 555-0100'),
      t.unknown(clinic),
      t.optedIn(clinic),
      t.languageSet(clinic),
      ...(['called', 'still_calling', 'closed_for_day', 'no_show'] as const).map((n) => t.notice(clinic, 'Q7', n)),
    ];
  };

  it.each(['en', 'es'] as const)('exist in %s within the GSM-7 alphabet, at most two segments each', (language) => {
    for (const text of texts(language)) {
      const size = countSmsSegments(text);
      expect(size.encoding, text).toBe('GSM-7');
      expect(size.segments, text).toBeLessThanOrEqual(2);
    }
  });

  it('follow the patient, then the clinic default, then English', () => {
    expect(patientTextsIn('es-MX')).toBe(patientTexts.es);
    expect(patientTextsIn('fr', 'es')).toBe(patientTexts.es);
    expect(patientTextsIn('fr', 'de')).toBe(patientTexts.en);
  });

  it('are Spanish in Spanish, keeping the command words patients text back', () => {
    expect(patientTexts.es.joined('North', ticket)).toBe(
      'North: su turno es Q7 y tiene el lugar #12 en la fila, espera estimada 110 min. Le avisaremos cuando le toque. Responda STATUS para ver su lugar, LEAVE para dejar la fila.',
    );
    expect(patientTexts.es.languageSet('North')).toContain('español');
    expect(patientTexts.en.languageSet('North')).toContain('English');
  });

  it('tell a reader of the other language how to switch, in that language, in the help and when not understood', () => {
    expect(patientTexts.en.unknown('North')).toMatch(/ Para español, responda ESPAÑOL\.$/);
    expect(patientTexts.en.unknown('North', ['YES', 'NO'])).toMatch(/ Para español, responda ESPAÑOL\.$/);
    expect(patientTexts.en.help('North', '(312) 555-0100')).toMatch(/ Para español, responda ESPAÑOL\.$/);
    expect(patientTexts.es.unknown('North')).toMatch(/ For English, reply ENGLISH\.$/);
    expect(patientTexts.es.help('North', '(312) 555-0100')).toMatch(/ For English, reply ENGLISH\.$/);
  });

  it('say there is little or no wait, not "estimated wait 0 min", when a room is free', () => {
    const first = { ...ticket, position: 1, etaMinutes: 0 };
    expect(patientTexts.en.status('North', first)).toBe("North: ticket Q7, you're #1 in line, with little or no wait.");
    expect(patientTexts.es.status('North', first)).toBe('North: turno Q7, tiene el lugar #1 en la fila, con poca o ninguna espera.');
    expect(patientTexts.en.statusNextDay('North', first)).toBe(
      "North: ticket Q7 is for our next open day: you're #1 in line, with little or no wait once we open.",
    );
    expect(patientTexts.en.languageSet('North')).toContain('English');
  });
});
