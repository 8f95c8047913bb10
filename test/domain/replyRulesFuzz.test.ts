/**
 * The reply router's pure rules under generated text (fast-check): reading a command, normalising
 * an answer and reading one (`readAnswer`: the whole text or its first word, read through its synonyms) are total (no text
 * throws), agree with each other on CANCEL, ignore surrounding space, and never keep a character
 * Postgres or the board cannot take in a JOIN note (joiners only where they join).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NOTE_LENGTH, parseCommand } from '../../src/domain/commands.js';
import { isBareCancel, normaliseAnswer, readAnswer, SYNONYMS } from '../../src/domain/promptAnswers.js';

const RUNS = 2_000;
const SEED = 20261123;

/** Any text a phone can send, with command words mixed in so the interesting branches are reached. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc
    .tuple(
      fc.string({ unit: 'grapheme', maxLength: 6 }),
      fc.constantFrom('join', 'STOP', 'opt out', 'please stop', 'Sí', 'CANCEL', 'cancel!', 'yes', 'ESPAÑOL', 'status', 'help', 'END'),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
    )
    .map((parts) => parts.join('')),
);
const space = fc.constantFrom('', ' ', '  ', '\t', '\n', ' \r\n ');

describe('parseCommand', () => {
  it('reads any text into exactly one command, and a JOIN note is short, in NFC and free of control characters but joiners', () => {
    fc.assert(
      fc.property(text, (body) => {
        const command = parseCommand(body);
        expect(['join', 'status', 'leave', 'help', 'opt_out', 'opt_in', 'language', 'unknown']).toContain(command.kind);
        if (command.kind === 'join' && command.note !== null) {
          expect(Array.from(command.note).length).toBeLessThanOrEqual(MAX_NOTE_LENGTH);
          // Only the joiners U+200C / U+200D are kept of Cc and Cf, and only between two visible characters.
          expect(command.note).not.toMatch(/(?![\u200C\u200D])[\p{Cc}\p{Cf}]/u);
          expect(command.note).not.toMatch(/(^|\s)[\u200C\u200D]|[\u200C\u200D]($|\s)/u);
          expect(command.note).toBe(command.note.normalize('NFC'));
          expect(command.note).toBe(command.note.trim());
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('ignores surrounding spaces and line breaks', () => {
    fc.assert(
      fc.property(text, space, space, (body, before, after) => {
        expect(parseCommand(`${before}${body}${after}`)).toEqual(parseCommand(body));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

describe('normaliseAnswer', () => {
  it('gives upper-case letters and digits in single spaces, and is idempotent', () => {
    fc.assert(
      fc.property(text, (body) => {
        const answer = normaliseAnswer(body);
        expect(answer).toMatch(/^(?:[\p{L}\p{N}]+(?: [\p{L}\p{N}]+)*)?$/u);
        expect(normaliseAnswer(answer)).toBe(answer);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('reads an answer as the whole normal form or its first word (as a synonym reads), never anything else', () => {
    fc.assert(
      fc.property(text, (body) => {
        const normal = normaliseAnswer(body);
        const first = normal.split(' ')[0]!;
        expect([normal, SYNONYMS[first] ?? first]).toContain(readAnswer(body));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('a bare CANCEL, however written, is never read as a queue command or an opt-out', () => {
    fc.assert(
      fc.property(text, (body) => {
        if (isBareCancel(body)) expect(parseCommand(body).kind).toBe('unknown');
      }),
      { numRuns: RUNS, seed: SEED },
    );
    for (const written of ['CANCEL', 'cancel', ' Cancel! ', 'CÁNCEL.']) expect(isBareCancel(written), written).toBe(true);
  });
});
