/**
 * What a patient's text asks for. Commands are case-insensitive and surrounding spaces are ignored.
 * Opt-out and opt-in words are the ones Twilio itself honours on long codes
 * (Twilio, "Advanced Opt-Out": STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT; START, UNSTOP).
 * CANCEL is left out of the opt-out words here: later features read it as cancelling an appointment.
 */

/** The parsed intent of one inbound text. `note` is at most 140 characters. */
export type PatientCommand =
  | { kind: 'join'; note: string | null }
  | { kind: 'status' }
  | { kind: 'leave' }
  | { kind: 'help' }
  | { kind: 'opt_out'; keyword: string }
  | { kind: 'opt_in' }
  | { kind: 'unknown' };

/** Longest note kept from `JOIN <note>`, in characters. */
export const MAX_NOTE_LENGTH = 140;

const OPT_OUT_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN_WORDS = new Set(['START', 'UNSTOP']);

/** Reads a message body into a command; anything unrecognised is `unknown`. */
export function parseCommand(body: string): PatientCommand {
  const text = body.trim();
  const [first = '', ...rest] = text.split(/\s+/u);
  const word = first.toUpperCase();
  if (word === 'JOIN') {
    const note = Array.from(rest.join(' ').replace(/[\p{Cc}\p{Cf}]/gu, ''))
      .slice(0, MAX_NOTE_LENGTH)
      .join('')
      .trim();
    return { kind: 'join', note: note === '' ? null : note };
  }
  if (rest.length > 0) return { kind: 'unknown' };
  if (word === 'STATUS') return { kind: 'status' };
  if (word === 'LEAVE') return { kind: 'leave' };
  if (word === 'HELP' || word === 'INFO') return { kind: 'help' };
  if (OPT_OUT_WORDS.has(word)) return { kind: 'opt_out', keyword: word };
  if (OPT_IN_WORDS.has(word)) return { kind: 'opt_in' };
  return { kind: 'unknown' };
}
