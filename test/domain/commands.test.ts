import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/domain/commands.js';

describe('reading a patient\'s text', () => {
  it('reads commands whatever their case and surrounding spaces', () => {
    expect(parseCommand('  join ')).toEqual({ kind: 'join', note: null });
    expect(parseCommand('Status')).toEqual({ kind: 'status' });
    expect(parseCommand('\tLEAVE\n')).toEqual({ kind: 'leave' });
    expect(parseCommand('help')).toEqual({ kind: 'help' });
  });

  it('keeps a short note after JOIN, trimmed to 140 characters, without control characters', () => {
    expect(parseCommand('JOIN back pain')).toEqual({ kind: 'join', note: 'back pain' });
    expect(parseCommand('JOIN  fever\u0000 since   monday')).toEqual({ kind: 'join', note: 'fever since monday' });
    const long = parseCommand(`JOIN ${'é'.repeat(300)}`);
    expect(long.kind === 'join' && Array.from(long.note!).length).toBe(140);
  });

  it('knows the opt-out and opt-in words, and not CANCEL (kept for appointments)', () => {
    for (const word of ['STOP', 'stopall', 'Unsubscribe', 'END', 'QUIT', 'REVOKE', 'OPTOUT']) {
      expect(parseCommand(word)).toEqual({ kind: 'opt_out', keyword: word.toUpperCase() });
    }
    expect(parseCommand('start')).toEqual({ kind: 'opt_in' });
    expect(parseCommand('UNSTOP')).toEqual({ kind: 'opt_in' });
    expect(parseCommand('CANCEL')).toEqual({ kind: 'unknown' });
  });

  it('does not read a sentence that starts with a command word as that command', () => {
    expect(parseCommand('stop texting me at night please').kind).toBe('unknown');
    expect(parseCommand('status?').kind).toBe('unknown');
    expect(parseCommand('').kind).toBe('unknown');
  });
});
