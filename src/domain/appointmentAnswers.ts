/**
 * What a patient's answer to an appointment prompt means. Answers arrive normalised
 * (`normaliseAnswer`: upper case, no accents, so `Sí` is `SI`).
 */

/** Answers a reminder accepts. CANCEL is understood but never invited (it is a carrier opt-out word). */
export const REMINDER_ANSWERS = ['YES', 'CONFIRM', 'SI', 'NO', 'CANCEL', 'CHANGE', 'RESCHEDULE', 'CAMBIAR'] as const;

/**
 * The answers a reminder invites, in the words its text uses (the templates' YES / NO / CHANGE, or
 * SI / NO / CAMBIAR in Spanish): what the help lists when the patient texts something else.
 */
export function invitedReminderAnswers(language: string): string[] {
  return language.split('-')[0] === 'es' ? ['SI', 'NO', 'CAMBIAR'] : ['YES', 'NO', 'CHANGE'];
}

/** Most slots offered in one list, and so the answers a list of slots accepts: `1`…`5`. */
export const MAX_SLOT_CHOICES = 5;
/** Answers a list of slots accepts (an out-of-range one gets the list again). */
export const SLOT_ANSWERS: readonly string[] = Array.from({ length: MAX_SLOT_CHOICES }, (_, i) => String(i + 1));

/**
 * The reminder's answers a list of slots also accepts (lists asked from `patched('list-takes-reminder-answers')`
 * on), so a patient who changes their mind while choosing keeps the visit at its time (YES) or cancels it
 * (NO), as the reminder's answer would. Not CHANGE: the list already is the other times.
 */
export const LIST_WORD_ANSWERS = ['YES', 'CONFIRM', 'SI', 'NO', 'CANCEL'] as const;
/** Every answer a list of slots accepts: its numbers and `LIST_WORD_ANSWERS`. */
export const LIST_ANSWERS: readonly string[] = [...SLOT_ANSWERS, ...LIST_WORD_ANSWERS];

/**
 * The answers a list of `count` slots invites, for the help: its numbers, then YES / NO (SI / NO in
 * Spanish), the reminder's words for keeping and cancelling the visit (CANCEL is never invited).
 */
export function invitedListAnswers(language: string, count: number): string[] {
  const numbers = Array.from({ length: count }, (_, i) => String(i + 1));
  return [...numbers, language.split('-')[0] === 'es' ? 'SI' : 'YES', 'NO'];
}

/** The meaning of an answer: a word, or the number of a slot (1-based). */
export type AppointmentAnswer = 'confirm' | 'cancel' | 'reschedule' | { pick: number };

const WORDS: Record<string, 'confirm' | 'cancel' | 'reschedule'> = {
  YES: 'confirm',
  CONFIRM: 'confirm',
  SI: 'confirm',
  NO: 'cancel',
  CANCEL: 'cancel',
  CHANGE: 'reschedule',
  RESCHEDULE: 'reschedule',
  CAMBIAR: 'reschedule',
};

/** Reads a normalised answer; null when it means nothing to an appointment. */
export function readAppointmentAnswer(answer: string): AppointmentAnswer | null {
  if (/^[1-9]$/.test(answer) && Number(answer) <= MAX_SLOT_CHOICES) return { pick: Number(answer) };
  return Object.hasOwn(WORDS, answer) ? WORDS[answer]! : null;
}
