/**
 * The walk-in texts in English and Spanish: GSM-7, short, and Spanish where the patient reads Spanish.
 */
import { describe, expect, it } from 'vitest';
import { patientTexts, patientTextsIn } from '../../src/domain/patientTexts.js';
import { countSmsSegments } from '../../src/domain/smsSegments.js';

describe('the walk-in texts', () => {
  const ticket = { code: 'Q7', state: 'waiting', position: 12, etaMinutes: 110 } as const;
  // The longest day names (Wednesday, miércoles) and sábado, whose á is not in GSM-7.
  const days = ['2026-12-09', '2026-12-12'];
  const texts = (language: 'en' | 'es') => {
    const t = patientTexts[language];
    const clinic = 'Northside Family Clinic';
    return [
      t.joined(clinic, ticket),
      t.joined(clinic, { ...ticket, position: 1, etaMinutes: 0 }),
      ...days.flatMap((day) => [
        t.joinedNextDay(clinic, ticket, day),
        t.joinedNextDay(clinic, { ...ticket, position: 1, etaMinutes: 0 }, day),
        t.alreadyJoinedNextDay(clinic, ticket, day),
        t.statusNextDay(clinic, ticket, day),
      ]),
      t.alreadyJoined(clinic, { ...ticket, state: 'next' }),
      t.status(clinic, { ...ticket, state: 'in_room' }),
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
      'North: su turno es Q7 y tiene el lugar #12 en la fila, espera estimada 110 min. Le avisaremos cuando le toque. Responda ESTADO para ver su lugar, SALIR para dejar la fila.',
    );
    expect(patientTexts.es.languageSet('North')).toContain('español');
    expect(patientTexts.en.languageSet('North')).toContain('English');
  });

  it('tell a reader of the other language how to switch, in that language, in the help and when not understood', () => {
    expect(patientTexts.en.unknown('North')).toMatch(/ Para español, responda ESPAÑOL\.$/);
    expect(patientTexts.en.unknown('North', ['YES', 'NO'])).toMatch(/ Para español, responda ESPAÑOL\.$/);
    expect(patientTexts.en.help('North', '(312) 555-0100')).toMatch(/ Para español, responda ESPAÑOL\.$/);
    expect(patientTexts.es.unknown('North')).toMatch(/ For English, reply ENGLISH\.$/);
    // The walk-in commands in the Spanish texts' own words: what a Spanish reader types back.
    expect(patientTexts.es.unknown('North', ['SI', 'NO', 'STATUS', 'LEAVE'])).toMatch(
      /^North: perdone, no le entendimos\. Puede responder SI, NO, ESTADO o SALIR\. Responda AYUDA para ayuda\./,
    );
    expect(patientTexts.es.unknown('North')).toMatch(/Responda FILA para pedir turno, ESTADO para ver su lugar, SALIR para dejar la fila, AYUDA para ayuda\./);
    expect(patientTexts.es.help('North', '(312) 555-0100')).toMatch(/ For English, reply ENGLISH\.$/);
  });

  it("name the next open day a ticket taken after closing time is for, in the reader's language and GSM-7", () => {
    expect(patientTexts.en.joinedNextDay('North', ticket, '2026-12-08')).toContain('your ticket Q7 is for our next open day, Tuesday, Dec 8: ');
    expect(patientTexts.es.joinedNextDay('North', ticket, '2026-12-08')).toContain('su turno Q7 es para nuestra siguiente jornada, el martes, 8 dic: ');
    expect(patientTexts.es.statusNextDay('North', ticket, '2026-12-12')).toContain('siguiente jornada, el sabado, 12 dic: ');
    expect(patientTexts.es.alreadyJoinedNextDay('North', ticket, '2026-12-09')).toContain('siguiente jornada, el miércoles, 9 dic: ');
  });

  it('say there is little or no wait, not "estimated wait 0 min", when a room is free', () => {
    const first = { ...ticket, position: 1, etaMinutes: 0 };
    expect(patientTexts.en.status('North', first)).toBe("North: ticket Q7, you're #1 in line, with little or no wait.");
    expect(patientTexts.es.status('North', first)).toBe('North: turno Q7, tiene el lugar #1 en la fila, con poca o ninguna espera.');
    expect(patientTexts.en.statusNextDay('North', first, '2026-12-08')).toBe(
      "North: ticket Q7 is for our next open day, Tuesday, Dec 8: you're #1 in line, with little or no wait once we open.",
    );
    expect(patientTexts.en.languageSet('North')).toContain('English');
  });
});
