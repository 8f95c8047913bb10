/**
 * How a patient's text is compared with the answers a prompt accepts: case, accents, punctuation and
 * extra spaces aside, so `Yes!`, `yes` and `YES` match `YES`, `Sí` matches `SI` and `2.` matches `2`.
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
