/**
 * The live preview of a message template on the Settings page: the wording filled with sample values,
 * its SMS size and, past one segment, a warning naming what it costs. The page renders it and the
 * preview route renders it again as staff type (the script swaps it in), so the words and the count
 * come from one place on the server (`previewTemplate`, `countSmsSegments`).
 */
import { html } from 'hono/html';
import type { TemplatePreview } from '../../clinics/messageTemplates.js';
import { GSM7_PART, GSM7_SINGLE, isGsm7, UCS2_PART, UCS2_SINGLE, type SmsEncoding } from '../../domain/smsSegments.js';
import type { Html } from './layout.js';

/** Characters a segment holds for a text of `segments` in `encoding`: 160 / 153 (GSM-7), 70 / 67 (UCS-2) for one / several. */
function segmentLength(encoding: SmsEncoding, segments: number): number {
  if (encoding === 'GSM-7') return segments === 1 ? GSM7_SINGLE : GSM7_PART;
  return segments === 1 ? UCS2_SINGLE : UCS2_PART;
}

/** `1 SMS segment · GSM-7 · 143 of 160 characters`, `2 SMS segments · UCS-2 · 90 characters, 67 a segment`. */
function describeSize(preview: TemplatePreview): string {
  const { encoding, segments, units } = preview.size;
  const count = `${segments} SMS segment${segments === 1 ? '' : 's'} · ${encoding}`;
  const length = segmentLength(encoding, segments);
  return segments === 1 ? `${count} · ${units} of ${length} characters` : `${count} · ${units} characters, ${length} a segment`;
}

/** The characters of `text` outside the GSM-7 alphabet (each once), which make it UCS-2. */
function nonGsmCharacters(text: string): string[] {
  return [...new Set(Array.from(text).filter((char) => !isGsm7(char)))];
}

/**
 * The preview's content (the page wraps it in `#template-preview`): the sample text, the size with
 * `data-segments`, the warning past one segment, and the refusal saving would give.
 */
export function renderTemplatePreview(preview: TemplatePreview): Html {
  const { segments, encoding } = preview.size;
  const outside = encoding === 'UCS-2' ? nonGsmCharacters(preview.text) : [];
  return html`<p class="preview-label">${preview.spoken ? 'Read aloud on a reminder call, with sample values' : 'Preview with sample values'}</p>
<p class="preview-text" data-preview-text>${preview.text}</p>
${
  preview.spoken
    ? html`<p class="preview-size" data-segments="0">Spoken on a call: no SMS segments.</p>`
    : html`<p class="preview-size" data-segments="${segments}">${describeSize(preview)}</p>
${
  segments > 1
    ? html`<p class="warning" data-segment-warning>This text takes ${segments} SMS segments with sample values: each segment is billed as one text.${
        outside.length > 0
          ? html` Characters outside GSM-7 (${outside.join(' ')}) make the whole text UCS-2, ${segmentLength(encoding, segments)} characters a segment.`
          : null
      }</p>`
    : null
}`
}
${preview.problem === undefined ? null : html`<p class="field-message" data-preview-problem>${preview.problem.message}</p>`}`;
}
