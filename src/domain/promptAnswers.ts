/**
 * How a patient's text is compared with the answers a prompt accepts: case, accents, punctuation and
 * extra spaces aside, so `Yes!`, `yes` and `YES` match `YES`, `Sí` matches `SI` and `2.` matches `2`;
 * and an answer followed only by words of courtesy is that answer (`readAnswer`): `yes please`,
 * `No, thanks`, `Yes, I'll take it`, `Sí, gracias 🙏`, `2 please` read as `YES`, `NO`, `YES`, `SI`, `2`.
 * A text that says anything more (`yes but not today`, `no I will come`) is not reduced: it matches
 * no answer, and the patient gets the help listing what they may answer. The answer word may be one
 * patients text for it (`SYNONYMS`: `Yep`, `Y`, `Confirmed`, `nope`, `cancelar`), read as the word the
 * question invited. Words that confirm only an open reminder question, not a waitlist offer (`OK`,
 * `vale`, 👍: `isReminderConfirmation`), are read by the reply router, which knows what was asked.
 */

/** Whether `text` is the word CANCEL alone (case, accents and punctuation aside): see src/appointments/cancelWord.ts. */
export const isBareCancel = (text: string): boolean => normaliseAnswer(text) === 'CANCEL';

/** The normal form of an answer: upper case, accents removed, letters and digits only, single spaces. */
export function normaliseAnswer(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .trim()
    .replace(/\s+/gu, ' ');
}

// Courtesy that may follow any answer without changing it (normal form: `I'll` is `I LL`).
const COURTESY = ['PLEASE', 'PLS', 'PLZ', 'THANKS', 'THANK YOU', 'THANKS SO MUCH', 'THANK YOU SO MUCH', 'THX', 'TY', 'POR FAVOR', 'GRACIAS', 'MUCHAS GRACIAS'];
// Words of agreement that may follow only an answer that agrees (YES, SI, CONFIRM): after `NO` or
// `CHANGE` they would contradict it (`no I'll take it`), and such a text is not an answer.
const AGREEMENT = [
  'OK',
  'OKAY',
  'I LL TAKE IT',
  'ILL TAKE IT',
  'I WILL TAKE IT',
  'I LL BE THERE',
  'I WILL BE THERE',
  'SEE YOU THEN',
  'CLARO',
  'DE ACUERDO',
  'VALE',
];
const AGREEING_ANSWERS = new Set(['YES', 'SI', 'CONFIRM']);

/**
 * Words patients text for an answer a question invites, each read as that answer: the short forms of
 * YES (and of SI, `sip`), and the Spanish words for CONFIRM and CANCEL (`Cancelar` is no carrier
 * opt-out word, so it is read as `cancel please` is: a cancellation, answered). `OK` is left out: it is as often an
 * acknowledgement (of "this slot has been taken") as a yes, and only follows YES as agreement; to an
 * open reminder question it confirms (`isReminderConfirmation`), and to nothing else.
 */
export const SYNONYMS: Readonly<Record<string, string>> = {
  Y: 'YES',
  YEP: 'YES',
  YEAH: 'YES',
  YUP: 'YES',
  SURE: 'YES',
  CONFIRMED: 'CONFIRM',
  NOPE: 'NO',
  CONFIRMAR: 'CONFIRM',
  CONFIRMO: 'CONFIRM',
  CONFIRMADO: 'CONFIRM',
  CONFIRMADA: 'CONFIRM',
  CANCELAR: 'CANCEL',
  SIP: 'SI',
};

/** Whether the words `rest` are courtesy only (phrases of `allowed`, in any order and number). */
function isCourtesyOnly(rest: string[], allowed: readonly string[]): boolean {
  if (rest.length === 0) return true;
  return allowed.some((phrase) => {
    const words = phrase.split(' ');
    return words.every((word, i) => rest[i] === word) && isCourtesyOnly(rest.slice(words.length), allowed);
  });
}

/**
 * The answer `text` gives, in normal form (`normaliseAnswer`): its first word, read through `SYNONYMS`,
 * when it is the whole text or every word after it is courtesy (see the module docstring), else the
 * whole normal form, which then matches no one-word answer. Emoji and punctuation are dropped with the
 * rest of the symbols.
 */
export function readAnswer(text: string): string {
  const normal = normaliseAnswer(text);
  const [word = '', ...rest] = normal.split(' ');
  const first = Object.hasOwn(SYNONYMS, word) ? SYNONYMS[word]! : word;
  const allowed = AGREEING_ANSWERS.has(first) ? [...COURTESY, ...AGREEMENT] : COURTESY;
  return isCourtesyOnly(rest, allowed) ? first : normal;
}

// Words that acknowledge a text without asking or answering anything (normal form), with COURTESY.
const ACKNOWLEDGEMENT = ['OK', 'OKAY', 'K', 'GOT IT', 'GREAT', 'PERFECT', 'COOL', 'SEE YOU THEN', 'PERFECTO', 'LISTO', 'VALE', 'DE ACUERDO'];

/**
 * Whether `text` only acknowledges what it answers (`thanks`, `ok`, `Ok, thank you!`, `gracias`,
 * `perfecto`): courtesy and acknowledgement words alone, or symbols with no words at all (`👍`, `🙏`).
 * With no question open to take it, such a text needs no reply (handleInboundText.ts). An empty text
 * (a picture sent with no words) is not one: it is answered with the help.
 */
export function isAcknowledgement(text: string): boolean {
  const normal = normaliseAnswer(text);
  if (normal === '') return text.trim() !== '';
  return isCourtesyOnly(normal.split(' '), [...COURTESY, ...ACKNOWLEDGEMENT]);
}

/**
 * Words (normal form) that, to an open reminder question ("Reply YES to confirm, NO to cancel,
 * CHANGE …"), can only mean yes: `OK`, `okay`, `vale`, `claro (que sí)`, `de acuerdo`, `I'll be
 * there`, `see you then`. Elsewhere each is as often an acknowledgement, so none is a `SYNONYMS` entry.
 */
const REMINDER_CONFIRMATIONS = [
  'OK',
  'OKAY',
  'OKEY',
  'VALE',
  'CLARO',
  'CLARO QUE SI',
  'DE ACUERDO',
  'I LL BE THERE',
  'ILL BE THERE',
  'I WILL BE THERE',
  'SEE YOU THEN',
];
// Yes-words that may stand beside a confirmation (`ok yes`, `sí, vale`): the question's own yes.
const YES_WORDS = ['YES', 'SI', 'CONFIRM', ...Object.keys(SYNONYMS).filter((word) => AGREEING_ANSWERS.has(SYNONYMS[word]!))];
// Thumbs up, OK hand (either in any skin tone), check marks.
const CONFIRMING_SYMBOLS = new Set(['\u{1F44D}', '\u{1F44C}', '\u2705', '\u2714', '\u2611']);
// Symbols of thanks or a smile, which may go with a confirmation (`ok 🙏`) but are none on their own.
const FRIENDLY_SYMBOLS = new Set(['\u{1F64F}', '\u{1F642}', '\u{1F60A}', '\u263A', '\u2764']);
// Emoji modifiers and presentation selectors: a 👍🏽 is a 👍.
const SYMBOL_MODIFIERS = /[\u{1F3FB}-\u{1F3FF}]|\uFE0E|\uFE0F/gu;

/**
 * Whether `text` confirms an open reminder question though it is no word the question invited: a
 * confirmation word (`REMINDER_CONFIRMATIONS`: `OK`, `Okay!`, `vale`, `claro`, `de acuerdo`) or a
 * confirming symbol (👍 in any skin tone, 👌, ✅, ✔️, ☑️), with nothing else but more of them, the
 * question's yes-words (`ok yes`, `Sí, vale`), courtesy (`ok thanks`, `vale, gracias`) and symbols of
 * thanks or a smile (🙏 🙂 😊 ☺️ ❤️). Case, accents and punctuation aside, but a question mark makes it
 * a question (`ok?`), not an answer. A text with any other word or symbol is not one: `ok no`,
 * `ok but can I change`, `👍 STOP`, `👎`; nor is courtesy alone (`thanks`, 🙏). The reply router
 * gives it to a reminder question only, never to a waitlist offer or a list of times, where an
 * acknowledgement taken for a yes would book or move a visit the patient did not choose.
 */
export function isReminderConfirmation(text: string): boolean {
  if (text.includes('?') || text.includes('\u00BF')) return false;
  const symbols = Array.from(text.replace(SYMBOL_MODIFIERS, '')).filter((char) => /\p{S}/u.test(char));
  if (!symbols.every((symbol) => CONFIRMING_SYMBOLS.has(symbol) || FRIENDLY_SYMBOLS.has(symbol))) return false;
  const normal = normaliseAnswer(text);
  const words = normal === '' ? [] : normal.split(' ');
  const confirms = symbols.some((symbol) => CONFIRMING_SYMBOLS.has(symbol)) || REMINDER_CONFIRMATIONS.some((phrase) => ` ${normal} `.includes(` ${phrase} `));
  return confirms && isCourtesyOnly(words, [...REMINDER_CONFIRMATIONS, ...YES_WORDS, ...COURTESY, ...AGREEMENT]);
}
