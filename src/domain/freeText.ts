/**
 * Free text from patients, visitors and staff (names, JOIN notes, kiosk notes, staff notes), cleaned
 * before it is stored. Pure: imported by workflow-side and API code alike.
 */

// Unicode control (Cc: NUL, tabs, newlines, escape sequences) and format (Cf: bidi embeddings,
// overrides and isolates U+202A–U+202E and U+2066–U+2069, marks, zero-width space, soft hyphen, BOM,
// tag characters, …) code points: Postgres refuses NUL in text (SQLSTATE 22021), and the others can
// hide or reorder what staff read on the board. ZERO WIDTH NON-JOINER (U+200C) and ZERO WIDTH JOINER
// (U+200D) are kept: Persian and Indic spellings need them, and emoji ZWJ sequences (👨‍⚕️) are built
// with U+200D (Unicode 16.0 §23.2, "Layout Controls"; UTS #51 §2.3). Variation selectors (U+FE00–U+FE0F,
// U+E0100–U+E01EF) are Mn, not Cf, and are kept.
const CONTROL_CHARACTERS = /(?![\u200C\u200D])[\p{Cc}\p{Cf}]/gu;
const JOINERS = /[\u200C\u200D]+/gu;
const VISIBLE = /\S/u;

/**
 * `text` as stored and shown to staff: control and format characters removed except the two joiners,
 * joiners kept only between two visible characters (one alone, at an edge or beside a space joins
 * nothing and would let a name look empty), normalised to NFC (Unicode 16.0 §3.11, UAX #15) so that
 * `é` typed as e + U+0301 and as U+00E9 are the same name, then trimmed.
 * `'he\u202Ello\u0000 '` → `'hello'`; `'می\u200Cخواهم'` is kept as it is.
 */
export function cleanFreeText(text: string): string {
  const withoutControls = text.replace(CONTROL_CHARACTERS, '');
  const joinersInside = withoutControls.replace(JOINERS, (run: string, offset: number) => {
    const before = withoutControls[offset - 1];
    const after = withoutControls[offset + run.length];
    return before !== undefined && after !== undefined && VISIBLE.test(before) && VISIBLE.test(after) ? run : '';
  });
  return joinersInside.normalize('NFC').trim();
}

/**
 * `text` as Postgres can store it: without NUL (U+0000), which a `text` column refuses (SQLSTATE
 * 22021). Everything else, line breaks included, is kept: a patient's message is logged as sent.
 */
export function withoutNul(text: string): string {
  return text.replaceAll('\u0000', '');
}
