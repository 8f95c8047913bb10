/**
 * A clinic's message templates (`message_templates`) over the shipped defaults, and the rendering of
 * an appointment message for a patient.
 *
 * Which wording a message takes: for the patient's language, then its base language (`es-MX` → `es`),
 * then the clinic's default language, then English, the first that has either the clinic's own
 * template for the kind or a shipped default. A clinic may add templates in any language, one kind at
 * a time: kinds it has not written in that language fall back along the same order.
 */
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { FALLBACK_LANGUAGE, languageFallbacks, shippedLanguageOf, SHIPPED_LANGUAGES, type ShippedLanguage } from '../domain/languages.js';
import {
  DEFAULT_TEMPLATES,
  forbiddenPlaceholders,
  HEALTH_INFORMATION_PLACEHOLDERS,
  isOfferKind,
  isCallKind,
  MESSAGE_KINDS,
  missingPlaceholders,
  renderTemplate,
  validateTemplate,
  hasStrayBrace,
  type LineKind,
  type MessageKind,
  type PlaceholderValues,
} from '../domain/messageTemplates.js';
import { placeholderValues, sampleMessageValues, type MessageValues } from '../domain/messageValues.js';
import { formatPhoneForPeople } from '../domain/phone.js';
import { countSmsSegments, type SmsEncoding, type SmsSize } from '../domain/smsSegments.js';
import { phoneToCall, type Clinic } from './clinics.js';

/** The wording in effect for one kind and language at a clinic. */
export interface TemplateInEffect {
  kind: MessageKind;
  /** The language asked for. */
  language: string;
  /** The language of `body`: `language`, or the one it fell back to. */
  bodyLanguage: string;
  /** `clinic`: the clinic's own; `default`: shipped with Frontdesk. */
  source: 'clinic' | 'default';
  body: string;
  /** When the clinic last saved it; null for a default. */
  updatedAt: Date | null;
}

/** A message ready to send: its text, SMS size and the language it is written in. */
export interface RenderedMessage {
  text: string;
  segments: number;
  encoding: SmsEncoding;
  language: string;
}

type OwnTemplates = Map<string, { body: string; updatedAt: Date }>;

const ownKey = (kind: string, language: string) => `${kind}/${language}`;

/** The clinic's own templates (of `kinds` only, when given), by `kind/language`. */
async function readOwnTemplates(sql: Sql, clinicId: number, kinds?: readonly MessageKind[]): Promise<OwnTemplates> {
  const rows = await sql`
    select kind, language, body, updated_at from message_templates
    where clinic_id = ${clinicId} ${kinds === undefined ? sql`` : sql`and kind = any(${kinds})`}`;
  return new Map(rows.map((r) => [ownKey(r.kind as string, r.language as string), { body: r.body as string, updatedAt: r.updated_at as Date }]));
}

/** The wording of `kind` for a reader of `language` (see the module docstring for the order). */
function pickTemplate(own: OwnTemplates, kind: MessageKind, language: string, clinicDefault: string): TemplateInEffect {
  const isShipped = (candidate: string): candidate is ShippedLanguage => shippedLanguageOf(candidate) === candidate;
  const chosen = languageFallbacks(language, clinicDefault).find((candidate) => own.has(ownKey(kind, candidate)) || isShipped(candidate)) ?? FALLBACK_LANGUAGE;
  const mine = own.get(ownKey(kind, chosen));
  if (mine !== undefined) return { kind, language, bodyLanguage: chosen, source: 'clinic', body: mine.body, updatedAt: mine.updatedAt };
  return {
    kind,
    language,
    bodyLanguage: chosen,
    source: 'default',
    body: DEFAULT_TEMPLATES[isShipped(chosen) ? chosen : FALLBACK_LANGUAGE][kind],
    updatedAt: null,
  };
}

/**
 * What each placeholder stands for in a message from `clinic` written in `language`: dates and times
 * in the clinic's time zone, in `language` as written in the clinic's `defaultCountry` (`en` at a US
 * clinic: `Tue, Nov 10` at `2:30 PM`; at a UK one `Tue 10 Nov` at `14:30`; see messageValues.ts),
 * written out to be read aloud when `spoken`, for a call's text; `{clinic_name}` and `{office_phone}`
 * (the office phone, else the clinic's SMS number, as people write it) from the clinic. The one source of every value a text template, a call's text or
 * a WhatsApp template's variable is filled with.
 * @throws RangeError for an invalid date or moment in `values`.
 */
export function clinicPlaceholderValues(clinic: Clinic, language: string, values: MessageValues, spoken = false): PlaceholderValues {
  const phone = phoneToCall(clinic);
  return placeholderValues(values, {
    clinicName: clinic.name,
    officePhone: phone === null ? '' : formatPhoneForPeople(phone),
    timezone: clinic.timezone,
    country: clinic.defaultCountry,
    language,
    spoken,
  });
}

/**
 * `body` (a `kind` template written in `language`) filled with `values` for `clinic`, with its SMS
 * size; a call's text has its dates written out to be spoken. @throws RangeError for an invalid date or moment in `values`.
 */
function renderBody(clinic: Clinic, kind: MessageKind, body: string, language: string, values: MessageValues): RenderedMessage {
  const text = renderTemplate(body, clinicPlaceholderValues(clinic, language, values, isCallKind(kind)));
  const { segments, encoding } = countSmsSegments(text);
  return { text, segments, encoding, language };
}

/** A template in effect with how it reads with typical values (`sampleMessageValues`). */
export type TemplateWithSample = TemplateInEffect & { sample: RenderedMessage };

const withSample = (clinic: Clinic, template: TemplateInEffect): TemplateWithSample => ({
  ...template,
  sample: renderBody(clinic, template.kind, template.body, template.bodyLanguage, sampleMessageValues(clinic.timezone)),
});

/**
 * Every kind in every language in effect at `clinic` (the shipped ones, the clinic's default, and
 * each language it has a template in), kinds in `MESSAGE_KINDS` order within each language, languages
 * sorted, each with its sample rendering.
 */
export async function listTemplates(sql: Sql, clinic: Clinic): Promise<TemplateWithSample[]> {
  const own = await readOwnTemplates(sql, clinic.id);
  const languages = new Set<string>([...SHIPPED_LANGUAGES, clinic.defaultLanguage, ...[...own.keys()].map((key) => key.split('/')[1]!)]);
  return [...languages]
    .sort()
    .flatMap((language) => MESSAGE_KINDS.map((kind) => withSample(clinic, pickTemplate(own, kind, language, clinic.defaultLanguage))));
}

/** The wording of `kind` in effect for a reader of `language` at `clinic` (see the module docstring), with its sample rendering. */
export async function findTemplate(sql: Sql, clinic: Clinic, kind: MessageKind, language: string): Promise<TemplateWithSample> {
  return withSample(clinic, pickTemplate(await readOwnTemplates(sql, clinic.id, [kind]), kind, language, clinic.defaultLanguage));
}

/**
 * What is wrong with `body` as a `kind` template, or undefined when it is good: a brace outside a
 * placeholder (`{patient_name` would be texted as written), an unknown placeholder
 * (`body: unknown placeholder {foo}`; `{slots}` is known in `reschedule_options` only), the one a kind
 * requires and the body lacks (`{slots}` in `reschedule_options`), or one a kind may not use
 * (`{doctor_name}` or `{specialty}` in `call_voicemail`). The one rule for saving and for previews.
 */
function templateProblem(body: string, kind: MessageKind): AppError | undefined {
  if (hasStrayBrace(body)) return new AppError('bad_request', 'body: has a { or } that is not part of a placeholder such as {patient_name}', 'body');
  const unknown = validateTemplate(body, kind);
  if (unknown.length > 0) return new AppError('bad_request', `body: unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`, 'body');
  const missing = missingPlaceholders(body, kind);
  if (missing.length > 0) {
    const why = missing.includes('{slots}') ? ' (the numbered list of open times)' : '';
    return new AppError('bad_request', `body: must contain ${missing.join(', ')}${why}`, 'body');
  }
  const forbidden = forbiddenPlaceholders(body, kind);
  if (forbidden.length > 0) {
    const why = forbidden.every((written) => HEALTH_INFORMATION_PLACEHOLDERS.some((name) => written === `{${name}}`))
      ? 'no text or call may carry health information (the service, reason, diagnosis or specialty)'
      : isOfferKind(kind)
        ? 'an offer says the time and the place only'
        : 'anyone may hear a voicemail: the time and the office phone only';
    return new AppError('bad_request', `body: ${forbidden.join(', ')} may not be used in ${kind} (${why})`, 'body');
  }
  return undefined;
}

/** How a wording not yet saved reads: its sample rendering, its SMS size, and why it could not be saved, if so. */
export interface TemplatePreview {
  /** The body filled with `sampleMessageValues`; an unknown placeholder stays as written. */
  text: string;
  /** Its SMS size (a spoken kind is not texted: `spoken` says so). */
  size: SmsSize;
  /** Whether the kind is read aloud on a call rather than texted. */
  spoken: boolean;
  /** The refusal `saveTemplate` would give (`body: unknown placeholder {foo}`), or undefined. */
  problem: AppError | undefined;
}

/**
 * `body` as a `kind` template in `language` at `clinic` would read with typical values
 * (`sampleMessageValues`), its SMS size, and the refusal `saveTemplate` would give: the board's live
 * preview, with the same rules and rendering as saving and sending.
 */
export function previewTemplate(clinic: Clinic, template: { kind: MessageKind; language: string; body: string }): TemplatePreview {
  const { kind, language, body } = template;
  const { text } = renderBody(clinic, kind, body, language, sampleMessageValues(clinic.timezone));
  return { text, size: countSmsSegments(text), spoken: isCallKind(kind), problem: templateProblem(body, kind) };
}

/**
 * Saves `clinic`'s own wording of `kind` in `language` (a valid tag, see languages.ts), replacing any
 * earlier one. @returns it, with its sample rendering.
 * @throws AppError bad_request (field `body`) for a body `templateProblem` refuses: an unknown
 *   placeholder, one the kind requires and the body lacks, or one the kind may not use (`{specialty}`
 *   anywhere: health information; `{doctor_name}` in `call_voicemail`; names in offer texts); nothing is saved.
 */
export async function saveTemplate(sql: Sql, clinic: Clinic, template: { kind: MessageKind; language: string; body: string }): Promise<TemplateWithSample> {
  const { kind, language, body } = template;
  const problem = templateProblem(body, kind);
  if (problem !== undefined) throw problem;
  const [row] = await sql`
    insert into message_templates (clinic_id, kind, language, body) values (${clinic.id}, ${kind}, ${language}, ${body})
    on conflict (clinic_id, kind, language) do update set body = excluded.body, updated_at = now()
    returning updated_at`;
  return withSample(clinic, { kind, language, bodyLanguage: language, source: 'clinic', body, updatedAt: row!.updated_at as Date });
}

/**
 * The `kind` message for a patient who reads `language` at `clinic`, filled with `values`: dates and
 * times in the clinic's time zone and the language of the wording chosen (see the module docstring),
 * `{clinic_name}` and `{office_phone}` (the office phone, else the clinic's SMS number) from the
 * clinic. With `first` (a line kind, such as `slot_taken`), that line comes before on a line of its
 * own; with `then` (such as `rescheduled_question`), that line follows on a line of its own; each
 * line's wording is chosen the same way (the clinic's own, else the shipped one), so a clinic's own
 * wording of `kind` goes with them too.
 * @returns the text, its SMS segments and encoding, and the language it is written in (`kind`'s).
 * @throws RangeError for an invalid date or moment in `values`.
 */
export async function renderMessage(
  sql: Sql,
  message: { clinic: Clinic; kind: MessageKind; language: string; values: MessageValues; first?: LineKind; then?: LineKind },
): Promise<RenderedMessage> {
  const { clinic, kind, language, values, first, then } = message;
  const lines = [first, kind, then].filter((k): k is MessageKind => k !== undefined);
  const own = await readOwnTemplates(sql, clinic.id, lines);
  const template = pickTemplate(own, kind, language, clinic.defaultLanguage);
  const rendered = renderBody(clinic, kind, template.body, template.bodyLanguage, values);
  if (lines.length === 1) return rendered;
  const renderLine = (line: LineKind) => {
    const wording = pickTemplate(own, line, language, clinic.defaultLanguage);
    return renderBody(clinic, line, wording.body, wording.bodyLanguage, values).text;
  };
  const text = [first === undefined ? [] : [renderLine(first)], [rendered.text], then === undefined ? [] : [renderLine(then)]].flat().join('\n');
  const { segments, encoding } = countSmsSegments(text);
  return { text, segments, encoding, language: rendered.language };
}
