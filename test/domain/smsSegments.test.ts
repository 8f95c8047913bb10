/**
 * Segment counts as carriers bill them (3GPP TS 23.038 / 23.040, Twilio's segment rules).
 */
import { describe, expect, it } from 'vitest';
import { countSmsSegments, isGsm7 } from '../../src/domain/smsSegments.js';

describe('counting SMS segments', () => {
  it('fits 160 GSM-7 characters in one segment, and splits 161 into two of at most 153', () => {
    expect(countSmsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSmsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2, units: 161 });
    expect(countSmsSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSmsSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('counts the extension characters (€ [ ] { } \\ ^ ~ |) as two, and never splits one between parts', () => {
    expect(countSmsSegments('€')).toEqual({ encoding: 'GSM-7', segments: 1, units: 2 });
    expect(countSmsSegments(`${'a'.repeat(158)}€`)).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSmsSegments(`${'a'.repeat(159)}€`)).toEqual({ encoding: 'GSM-7', segments: 2, units: 161 });
    for (const char of ['[', ']', '{', '}', '\\', '^', '~', '|']) expect(countSmsSegments(char).units, char).toBe(2);
    // 152 septets, then an escaped character that would straddle the 153-septet boundary: it moves to part two.
    const straddling = countSmsSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`);
    expect(straddling).toEqual({ encoding: 'GSM-7', segments: 3, units: 306 });
  });

  it('keeps GSM letters such as é, ñ, ü, ¿ and ¡ in GSM-7, and sends á, í, ó, ú, curly quotes and emoji as UCS-2', () => {
    expect(isGsm7('¿Dudas? ¡Gracias! mié, Ñandu, über, à')).toBe(true);
    for (const text of ['sáb', 'María', 'opción', 'número', 'it’s', 'ok 👍']) expect(isGsm7(text), text).toBe(false);
  });

  it('fits 70 UCS-2 code units in one segment, splits 71 into two of at most 67', () => {
    expect(countSmsSegments('á'.repeat(70))).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    expect(countSmsSegments('á'.repeat(71))).toEqual({ encoding: 'UCS-2', segments: 2, units: 71 });
    expect(countSmsSegments('á'.repeat(134)).segments).toBe(2);
    expect(countSmsSegments('á'.repeat(135)).segments).toBe(3);
  });

  it('counts an emoji outside the BMP as two code units, and never splits its pair between parts', () => {
    expect(countSmsSegments('👍')).toEqual({ encoding: 'UCS-2', segments: 1, units: 2 });
    expect(countSmsSegments(`${'a'.repeat(68)}👍`)).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    // 134 code units would fill two parts of 67, but the pair cannot straddle the boundary.
    expect(countSmsSegments(`${'a'.repeat(66)}👍${'a'.repeat(66)}`)).toEqual({ encoding: 'UCS-2', segments: 3, units: 134 });
  });
});
