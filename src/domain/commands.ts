/**
 * What a patient's text asks for. Commands are case-insensitive, surrounding spaces are ignored, and so
 * is punctuation right after the command word (`Join!`, `status?`, `JOIN: chest pain`). `STATUS`,
 * `LEAVE` and `JOIN` may be followed by courtesy only, read as an answer's is (`readAnswer`,
 * promptAnswers.ts): `STATUS please`, `leave, thanks`, `Join por favor` (a JOIN with no note).
 * `HELP` / `INFO` and the opt-in words must stand alone, as Twilio reads them: Twilio acts on an
 * opt-in or help word only when it is the whole message (help.twilio.com, "Twilio support for
 * opt-out keywords (SMS STOP filtering)"), and the product must agree with Twilio on whether a number
 * may be texted.
 *
 * Opt-out and opt-in are read as carriers and the FCC read them, not only as one exact word:
 * - Twilio honours STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE and OPTOUT (case aside, as the
 *   whole message) on long codes, and START, UNSTOP and YES to opt back in (Twilio, "Advanced Opt-Out",
 *   twilio.com/docs/messaging/tutorials/advanced-opt-out; REVOKE and OPTOUT since May 2025).
 * - The FCC's 2024 TCPA order (FCC 24-24, 47 CFR 64.1200(a)(10)) treats a reply using stop, quit, end,
 *   revoke, opt out, cancel or unsubscribe as a revocation of consent, by "any reasonable means".
 * So a message is an opt-out when, case and punctuation aside, its FIRST word is an opt-out word and it
 * has at most 6 words (`STOP!`, `Stop texting me`, `quit please`), or its LAST word is one and every word
 * before it is a word of courtesy (`please stop`, `pls just stop now`); `OPT OUT` / `opt-out` count as
 * the word OPTOUT. A sentence that only mentions a word (`when does it end?`, `JOIN my friend`) is not.
 * CANCEL is left out here: the appointment feature reads it as cancelling an appointment.
 *
 * Spanish speakers revoke consent in Spanish, which the FCC's "any reasonable means" covers and Twilio
 * does not read: `ALTO`, `PARAR`, `PARA`, `PARE`, `DETENER`, `BAJA` and `BASTA`
 * (`SPANISH_OPT_OUT_WORDS`) are opt-outs when they are the whole message, courtesy aside (`alto por
 * favor`, `ya basta`), since most of them are ordinary words too (`para mañana`). Not `CANCELAR`, the
 * appointment's answer word. Twilio confirms an opt-out only when the message is exactly one of its
 * keywords (`twilioConfirmsOptOut`), so Frontdesk confirms every other one itself.
 *
 * `ESPAÑOL` (or `ESPANOL`) and `ENGLISH`, alone and case aside, choose the language the patient's texts
 * come in.
 *
 * The walk-in commands have Spanish words too (`SPANISH_COMMAND_WORDS`), read as the English ones are,
 * case and accents aside (`Únete`, `estado por favor`, `UNIRSE dolor de espalda`): `UNIRSE`, `UNIR`,
 * `ÚNETE` and `FILA` are `JOIN`, `ESTADO` is `STATUS`, `SALIR` is `LEAVE`, `AYUDA` is `HELP`. None is an
 * answer word (`SI`, `NO`, `CAMBIAR`, `CONFIRMO`, `CANCELAR`, …, promptAnswers.ts) or a courtesy word.
 * `AYUDA` may be followed by courtesy (`ayuda por favor`): it is no Twilio keyword, so Twilio's
 * whole-message rule for `HELP` does not bind it. The opt words have none: Twilio acts only on its own.
 * A command given in a Spanish word says so (`wordLanguage: 'es'`), so it is answered in Spanish; the
 * English words say nothing of the patient's language (the Spanish texts invite them too).
 */
import { cleanFreeText } from './freeText.js';
import type { ShippedLanguage } from './languages.js';
import { normaliseAnswer, readAnswer } from './promptAnswers.js';

/**
 * The parsed intent of one inbound text. `note` is at most 140 characters. `wordLanguage` is the
 * language of the command word when only that language's texts use it (a Spanish word); absent for
 * the English words, which the texts of every language invite.
 */
export type PatientCommand =
  | { kind: 'join'; note: string | null; wordLanguage?: ShippedLanguage }
  | { kind: 'status'; wordLanguage?: ShippedLanguage }
  | { kind: 'leave'; wordLanguage?: ShippedLanguage }
  | { kind: 'help'; wordLanguage?: ShippedLanguage }
  | { kind: 'opt_out'; keyword: OptOutWord; wordLanguage?: ShippedLanguage }
  | { kind: 'opt_in'; keyword: OptInWord }
  | { kind: 'language'; language: ShippedLanguage }
  | { kind: 'unknown' };

/** Longest note kept from `JOIN <note>`, in characters. */
export const MAX_NOTE_LENGTH = 140;
/** Most words a message led by an opt-out word may have and still be read as an opt-out. */
export const MAX_OPT_OUT_WORDS = 6;

const OPT_OUT_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'END', 'QUIT', 'REVOKE', 'OPTOUT'] as const;
const SPANISH_OPT_OUT_WORDS = ['ALTO', 'PARAR', 'PARA', 'PARE', 'DETENER', 'BAJA', 'BASTA'] as const;
const OPT_IN_WORDS = ['START', 'UNSTOP', 'YES'] as const;
/** An opt-out word as the patient used it (`OPT OUT` is `OPTOUT`), English or Spanish. */
export type OptOutWord = (typeof OPT_OUT_WORDS)[number] | (typeof SPANISH_OPT_OUT_WORDS)[number];
/** An opt-in word. `YES` opts back in only a number that opted out; otherwise it means what it says. */
export type OptInWord = (typeof OPT_IN_WORDS)[number];

// Words that may stand before a trailing opt-out word without changing what the message asks.
const COURTESY_WORDS = new Set([
  'PLEASE',
  'PLS',
  'PLZ',
  'KINDLY',
  'JUST',
  'OK',
  'OKAY',
  'HI',
  'HELLO',
  'THANKS',
  'THANK',
  'YOU',
  'NOW',
  'SO',
  'POR',
  'FAVOR',
  'GRACIAS',
  'YA',
]);

/**
 * The opt-out keywords Twilio acts on for a long code (Twilio, "Advanced Opt-Out"), which it confirms
 * to the patient itself; CANCEL among them.
 */
const TWILIO_OPT_OUT_KEYWORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);

/**
 * Whether Twilio acts on `body` as an opt-out keyword and sends the patient its own confirmation: the
 * whole message, spaces around it and case aside, is one of its keywords. Frontdesk answers any other
 * opt-out (`stop texting me`, `ALTO`) with its own confirmation; where Twilio did act after all (it is
 * lenient with punctuation), that reply is refused with 21610 and nothing goes twice.
 */
export function twilioConfirmsOptOut(body: string): boolean {
  return TWILIO_OPT_OUT_KEYWORDS.has(body.trim().toUpperCase());
}

/**
 * The Spanish words of the walk-in commands, in normal form (`normaliseAnswer`: upper case, no accents,
 * so `Únete` is `UNETE`), and the English command each stands for.
 */
export const SPANISH_COMMAND_WORDS: Readonly<Record<string, 'JOIN' | 'STATUS' | 'LEAVE' | 'HELP'>> = {
  UNIRSE: 'JOIN',
  UNIR: 'JOIN',
  UNETE: 'JOIN',
  FILA: 'JOIN',
  ESTADO: 'STATUS',
  SALIR: 'LEAVE',
  AYUDA: 'HELP',
};

/** The English command `word` (normal form) stands for, and the language it is in when it is a Spanish word. */
function commandWord(word: string): { command: string; wordLanguage?: ShippedLanguage } {
  const english = Object.hasOwn(SPANISH_COMMAND_WORDS, word) ? SPANISH_COMMAND_WORDS[word] : undefined;
  return english === undefined ? { command: word } : { command: english, wordLanguage: 'es' };
}

// The words that choose a language; ESPANOL is ESPAÑOL typed without an Ñ.
const LANGUAGE_WORDS: Record<string, ShippedLanguage> = { ESPAÑOL: 'es', ESPANOL: 'es', ENGLISH: 'en' };

const isOptOutWord = (word: string): word is (typeof OPT_OUT_WORDS)[number] => (OPT_OUT_WORDS as readonly string[]).includes(word);
const isSpanishOptOutWord = (word: string): word is (typeof SPANISH_OPT_OUT_WORDS)[number] => (SPANISH_OPT_OUT_WORDS as readonly string[]).includes(word);
const isOptInWord = (word: string): word is OptInWord => (OPT_IN_WORDS as readonly string[]).includes(word);

/** The message's words, upper case, punctuation and symbols dropped, `OPT OUT` joined into `OPTOUT`. */
function wordsOf(text: string): string[] {
  const words = text
    .normalize('NFC')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/u)
    .filter((word) => word !== '');
  const joined: string[] = [];
  for (const word of words) {
    if (word === 'OUT' && joined.at(-1) === 'OPT') joined[joined.length - 1] = 'OPTOUT';
    else joined.push(word);
  }
  return joined;
}

/** The opt-out word `words` revoke consent with, and its language when it is Spanish, by the rule in this module's docstring. */
function optOutWordOf(words: string[]): { keyword: OptOutWord; wordLanguage?: ShippedLanguage } | undefined {
  const first = words[0];
  const last = words.at(-1);
  if (first !== undefined && isOptOutWord(first) && words.length <= MAX_OPT_OUT_WORDS) return { keyword: first };
  if (last !== undefined && isOptOutWord(last) && words.slice(0, -1).every((word) => COURTESY_WORDS.has(word))) return { keyword: last };
  const spoken = words.filter((word) => !COURTESY_WORDS.has(word));
  const [only] = spoken;
  if (spoken.length === 1 && only !== undefined && isSpanishOptOutWord(only)) return { keyword: only, wordLanguage: 'es' };
  return undefined;
}

/** Punctuation a patient may type right after a command word (`JOIN:`, `Status?`); it does not change the command. */
const TRAILING_PUNCTUATION = /[.!?,:;]+$/u;

/** `{ wordLanguage }` when `word` is in one language only, else nothing: spread into a command. */
const languageOf = (word: { wordLanguage?: ShippedLanguage }) => (word.wordLanguage === undefined ? {} : { wordLanguage: word.wordLanguage });

/** Reads a message body into a command; anything unrecognised is `unknown`. */
export function parseCommand(body: string): PatientCommand {
  const text = body.trim();
  const [first = '', ...rest] = text.split(/\s+/u);
  const word = commandWord(normaliseAnswer(first.replace(TRAILING_PUNCTUATION, '')));
  // The command a text of one command word and courtesy gives (`STATUS please` is `STATUS`).
  const said = commandWord(readAnswer(text));
  if (word.command === 'JOIN') {
    if (said.command === 'JOIN') return { kind: 'join', note: null, ...languageOf(word) };
    // Cleaned again after the cut, so a joiner left at the new end goes too.
    const note = cleanFreeText(
      Array.from(cleanFreeText(rest.join(' ')))
        .slice(0, MAX_NOTE_LENGTH)
        .join(''),
    );
    return { kind: 'join', note: note === '' ? null : note, ...languageOf(word) };
  }
  const words = wordsOf(text);
  const optOut = optOutWordOf(words);
  if (optOut !== undefined) return { kind: 'opt_out', ...optOut };
  const [only] = words;
  if (words.length === 1 && only !== undefined && isOptInWord(only)) return { kind: 'opt_in', keyword: only };
  const language = words.length === 1 && only !== undefined ? LANGUAGE_WORDS[only] : undefined;
  if (language !== undefined) return { kind: 'language', language };
  if (said.command === 'STATUS') return { kind: 'status', ...languageOf(said) };
  if (said.command === 'LEAVE') return { kind: 'leave', ...languageOf(said) };
  // AYUDA, no Twilio keyword, may have courtesy after it; HELP and INFO stand alone.
  if (said.command === 'HELP' && said.wordLanguage !== undefined) return { kind: 'help', ...languageOf(said) };
  if (rest.length > 0) return { kind: 'unknown' };
  if (word.command === 'HELP' || word.command === 'INFO') return { kind: 'help' };
  return { kind: 'unknown' };
}
