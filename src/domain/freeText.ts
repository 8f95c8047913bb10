/**
 * Free text from patients and visitors (JOIN notes, kiosk notes), cleaned before it is stored. Pure:
 * imported by workflow-side and API code alike.
 */

// Unicode control (Cc: NUL, tabs, newlines, escape sequences) and format (Cf: bidi overrides,
// zero-width characters) code points: Postgres refuses NUL in text (SQLSTATE 22021), and the others
// can hide or reorder what staff read on the board.
const CONTROL_CHARACTERS = /[\p{Cc}\p{Cf}]/gu;

/** `text` without Unicode control and format characters (`'hello\u0000world'` → `'helloworld'`). */
export function stripControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '');
}

/**
 * `text` as Postgres can store it: without NUL (U+0000), which a `text` column refuses (SQLSTATE
 * 22021). Everything else, line breaks included, is kept: a patient's message is logged as sent.
 */
export function withoutNul(text: string): string {
  return text.replaceAll('\u0000', '');
}
