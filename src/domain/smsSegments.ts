/**
 * How many SMS segments a text takes, as carriers bill it and as Twilio counts it.
 *
 * Sources: 3GPP TS 23.038 §6.2.1 (the GSM 7-bit default alphabet) and §6.2.1.1 (its extension table,
 * whose characters are sent as ESC plus a character, so each counts 2 septets); 3GPP TS 23.040
 * §9.2.3.24.1 (a concatenated message carries a 6-octet header, leaving 153 septets or 67 UCS-2
 * characters per part); Twilio, "How long can a message be?" (twilio.com/docs/glossary/what-sms-character-limit)
 * and "What is UCS-2 character encoding?" (twilio.com/docs/glossary/what-is-ucs-2-character-encoding).
 * As Twilio's message-segment-calculator (github.com/TwilioDevEd/message-segment-calculator) does, an
 * escaped character or a surrogate pair is never split between two parts. National language shift
 * tables are not used: Twilio and US carriers send GSM-7 with the default alphabet only, so one
 * character outside it (an emoji, `á`, a curly quote) makes the whole text UCS-2.
 */

/** How a text is encoded on the air. */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** A text's size: `units` is septets (GSM-7) or UTF-16 code units (UCS-2). */
export interface SmsSize {
  encoding: SmsEncoding;
  segments: number;
  units: number;
}

/** Septets in one GSM-7 message / in each part of a split one. */
export const GSM7_SINGLE = 160;
export const GSM7_PART = 153;
/** UTF-16 code units in one UCS-2 message / in each part of a split one. */
export const UCS2_SINGLE = 70;
export const UCS2_PART = 67;

// The default alphabet (3GPP TS 23.038 §6.2.1) without ESC, and the extension table (§6.2.1.1).
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

/** Whether every character of `text` is in the GSM 7-bit default alphabet or its extension table. */
export function isGsm7(text: string): boolean {
  for (const char of text) if (!GSM7_BASIC.has(char) && !GSM7_EXTENSION.has(char)) return false;
  return true;
}

/**
 * `text` with each letter outside the GSM-7 alphabet that is an accented form of one inside it written
 * without its accent (`sábado` → `sabado`; `é`, `ñ`, `ü` are in the alphabet and stay), as the walk-in
 * texts write Spanish, so a word from `Intl` (a day's name) keeps a text GSM-7. Anything else stays.
 */
export function withGsm7Letters(text: string): string {
  return Array.from(text, (char) => {
    if (isGsm7(char)) return char;
    const bare = char.normalize('NFD').replace(/\p{M}/gu, '');
    return bare !== '' && isGsm7(bare) ? bare : char;
  }).join('');
}

/**
 * `text` with every space separator (Unicode `Zs`) written as a plain space: `Intl` writes `2:30 PM`
 * with a narrow no-break space (U+202F) under ICU 72 and later where the runtime does not undo it, and
 * `p. m.` (es-CO) with a no-break space (U+00A0); neither is in the GSM-7 alphabet, so one would make
 * a whole text UCS-2 (70 characters a segment instead of 160).
 */
export function withPlainSpaces(text: string): string {
  return text.replace(/\p{Zs}/gu, ' ');
}

/** Parts needed for `sizes` (each character's units, never split) at `single` units whole or `part` units per part. */
function countParts(sizes: number[], single: number, part: number): number {
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total <= single) return 1;
  let parts = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > part) {
      parts += 1;
      used = 0;
    }
    used += size;
  }
  return parts;
}

/**
 * The encoding, segments and units of `text` (see the module docstring): GSM-7 when every character
 * is in the GSM alphabet, 160 septets in one segment, else 153 per segment, extension characters
 * (`€ [ ] { } \ ^ ~ |`, form feed) counting 2; otherwise UCS-2, 70 UTF-16 code units in one segment,
 * else 67 per segment (an emoji outside the BMP counts 2). An empty text is one segment.
 */
export function countSmsSegments(text: string): SmsSize {
  const chars = Array.from(text);
  if (isGsm7(text)) {
    const sizes = chars.map((char) => (GSM7_EXTENSION.has(char) ? 2 : 1));
    return { encoding: 'GSM-7', segments: countParts(sizes, GSM7_SINGLE, GSM7_PART), units: sizes.reduce((a, b) => a + b, 0) };
  }
  const sizes = chars.map((char) => char.length);
  return { encoding: 'UCS-2', segments: countParts(sizes, UCS2_SINGLE, UCS2_PART), units: text.length };
}
