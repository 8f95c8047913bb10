/**
 * A clinic's WhatsApp templates (`whatsapp_templates`): per message kind and language, the Content SID
 * of a template Meta approved, and which of our placeholders fills each of its numbered variables.
 *
 * Meta and Twilio require a business-initiated WhatsApp message outside the 24-hour customer-service
 * window to be a pre-approved template, sent with `contentSid` and `contentVariables` (a JSON object
 * of strings keyed `"1"`, `"2"`, … as the template numbers its `{{1}}`, `{{2}}`) and no body
 * (twilio.com/docs/whatsapp/tutorial/send-whatsapp-notification-messages-templates,
 * twilio.com/docs/content). A Content SID (`HX` and 32 hex digits) is one approved template in one
 * language, so a clinic keeps one per kind AND language.
 *
 * A variable is filled with one placeholder's value exactly as the clinic's text templates write it
 * (`clinicPlaceholderValues`): `{date}` is `Tue, Nov 12` / `mar, 12 de nov` in the clinic's time zone,
 * the template's language and the clinic's country, `{time}` `2:30 PM` / `2:30 p.m.` at a US clinic
 * (`14:30` at a Spanish one), `{office_phone}` the office phone as people write it.
 *
 * A text that asks the reminder's question on a line after it (`QUESTION_LINES`: a staff move's
 * `rescheduled`, whose question line is `rescheduled_question`) cannot add that line to an approved
 * template, whose body is Meta's: the template carries it in a variable of its own, `{question}`,
 * filled with the clinic's wording of that line in the template's language. So a template goes with
 * such a text only when it has a `{question}` variable, and with the same kind's text that asks
 * nothing (a pick from the list of open times, already confirmed) only when it has none; otherwise the
 * text goes by SMS, where its question line is written as for any text.
 */
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { readerLanguages } from '../domain/languages.js';
import {
  HEALTH_INFORMATION_PLACEHOLDERS,
  PLACEHOLDERS,
  QUESTION_LINES,
  validateTemplate,
  type LineKind,
  type Placeholder,
  type TextKind,
} from '../domain/messageTemplates.js';
import type { MessageValues } from '../domain/messageValues.js';
import type { ProviderTemplate } from '../messaging/sender.js';
import type { Clinic } from './clinics.js';
import { clinicPlaceholderValues, renderMessage } from './messageTemplates.js';

/**
 * Placeholders a WhatsApp variable may take: all but `{slots}`, a list with one time a line, which
 * WhatsApp refuses in a variable (Meta error 132018, "param text can't have new-line/tab characters",
 * developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes), and `{specialty}`, health
 * information no message carries (messageTemplates.ts, the PHI rule).
 */
export const WHATSAPP_PLACEHOLDERS = PLACEHOLDERS.filter((name) => name !== 'slots' && !HEALTH_INFORMATION_PLACEHOLDERS.includes(name));

/**
 * The WhatsApp-only placeholder `{question}`: the question line a text asks after it (`QUESTION_LINES`),
 * in the clinic's wording and the template's language. Only for a kind with such a line.
 */
export const QUESTION_VARIABLE = 'question';

/** What fills a WhatsApp variable: a placeholder of the text templates, or `{question}`. */
export type WhatsAppVariable = Placeholder | typeof QUESTION_VARIABLE;

/** A clinic's WhatsApp template for one kind in one language. `variables`: variable number (`"1"`) → placeholder. */
export interface WhatsAppTemplate {
  kind: TextKind;
  language: string;
  /** Twilio's Content SID, `HX` and 32 hex digits. */
  contentSid: string;
  variables: Record<string, WhatsAppVariable>;
  updatedAt: Date;
}

const byNumber = (a: [string, unknown], b: [string, unknown]) => Number(a[0]) - Number(b[0]);

function toWhatsAppTemplate(row: Record<string, unknown>): WhatsAppTemplate {
  return {
    kind: row.kind as TextKind,
    language: row.language as string,
    contentSid: row.content_sid as string,
    variables: Object.fromEntries(Object.entries(row.variables as Record<string, WhatsAppVariable>).sort(byNumber)),
    updatedAt: row.updated_at as Date,
  };
}

/** Every WhatsApp template of clinic `clinicId`, by kind then language. */
export async function listWhatsAppTemplates(sql: Sql, clinicId: number): Promise<WhatsAppTemplate[]> {
  const rows = await sql`
    select kind, language, content_sid, variables, updated_at from whatsapp_templates
    where clinic_id = ${clinicId} order by kind, language`;
  return rows.map(toWhatsAppTemplate);
}

/**
 * The placeholder `written` names, when it can fill a variable of a `kind` template: exactly one
 * placeholder in braces that a `kind` text template may use (`validateTemplate`), not `{slots}`
 * and not health information (`{specialty}`), or `{question}` for a kind that asks a question after it.
 * @throws AppError bad_request naming `variables.<number>`.
 */
function placeholderOf(number: string, written: string, kind: TextKind): WhatsAppVariable {
  const field = `variables.${number}`;
  const refuse = (message: string) => new AppError('bad_request', `${field}: ${message}`, field);
  if (written === `{${QUESTION_VARIABLE}}`) {
    if (QUESTION_LINES[kind] !== undefined) return QUESTION_VARIABLE;
    const asking = Object.keys(QUESTION_LINES).join(', ');
    throw refuse(`{${QUESTION_VARIABLE}} fills only a template of a text that asks its question on a line after it (${asking})`);
  }
  const unknown = validateTemplate(written, kind);
  if (unknown.length > 0) throw refuse(`unknown placeholder ${unknown.join(', ')}`);
  const name = WHATSAPP_PLACEHOLDERS.find((candidate) => written === `{${candidate}}`);
  if (name !== undefined) return name;
  if (written === '{slots}') throw refuse('{slots} cannot fill a WhatsApp variable: it lists one time a line, and WhatsApp refuses line breaks in a variable');
  if (HEALTH_INFORMATION_PLACEHOLDERS.some((health) => written === `{${health}}`)) {
    throw refuse(`${written} may not be used: no message may carry health information (the service, reason, diagnosis or specialty)`);
  }
  throw refuse('must be exactly one placeholder in braces, such as {patient_name}');
}

/**
 * Saves clinic `clinicId`'s WhatsApp template for `kind` in `language` (a valid tag), replacing any
 * earlier one. `variables` maps each variable number (`"1"`…`"n"`, no gaps: the API's schema checks)
 * to a placeholder as written, `{patient_name}`. @returns the saved template.
 * @throws AppError bad_request naming `variables.<number>` for an unknown placeholder (`{slots}`
 *   outside `reschedule_options` included, as in text templates), `{slots}` itself, `{specialty}`,
 *   `{question}` for a kind that asks no question after its text, or anything but one placeholder in
 *   braces; nothing is saved.
 */
export async function saveWhatsAppTemplate(
  sql: Sql,
  clinicId: number,
  template: { kind: TextKind; language: string; contentSid: string; variables: Record<string, string> },
): Promise<WhatsAppTemplate> {
  const { kind, language, contentSid } = template;
  const variables = Object.fromEntries(
    Object.entries(template.variables)
      .sort(byNumber)
      .map(([n, written]) => [n, placeholderOf(n, written, kind)]),
  );
  const [row] = await sql`
    insert into whatsapp_templates (clinic_id, kind, language, content_sid, variables)
    values (${clinicId}, ${kind}, ${language}, ${contentSid}, ${sql.json(variables)})
    on conflict (clinic_id, kind, language) do update set content_sid = excluded.content_sid, variables = excluded.variables, updated_at = now()
    returning kind, language, content_sid, variables, updated_at`;
  return toWhatsAppTemplate(row!);
}

/** Deletes clinic `clinicId`'s WhatsApp template for `kind` in `language`. @throws AppError not_found when it has none. */
export async function deleteWhatsAppTemplate(sql: Sql, clinicId: number, kind: TextKind, language: string): Promise<void> {
  const deleted = await sql`delete from whatsapp_templates where clinic_id = ${clinicId} and kind = ${kind} and language = ${language} returning kind`;
  if (deleted.length === 0) throw new AppError('not_found', `no WhatsApp template for ${kind} in ${language}`);
}

/**
 * The WhatsApp template to send a `kind` message to a patient who reads `language` at `clinic`: the
 * clinic's template in that language, else its base language (`es-MX` → `es`), else the clinic's
 * default language (and its base); never English by default, since a template in a language the
 * patient may not read is worse than a text in theirs. `contentVariables` is the JSON object
 * `{"1": …, "2": …}` of each variable's placeholder filled from `values` as the text templates fill it
 * (dates and times in the clinic's time zone, written in the template's language; a value missing from
 * `values` is empty), and `{question}` with the clinic's wording of `then`, the question line the text
 * asks after it, in the template's language. @returns undefined when the clinic has no template for
 * `kind` in those languages, or the one chosen cannot carry the text (see the module docstring: a
 * `{question}` variable without `then`, or `then` without one): the message then cannot go by WhatsApp
 * outside the 24-hour window.
 * @throws RangeError for an invalid date or moment in `values`.
 */
export async function whatsAppTemplateFor(
  sql: Sql,
  message: { clinic: Clinic; kind: TextKind; language: string; values: MessageValues; then?: LineKind },
): Promise<ProviderTemplate | undefined> {
  const { clinic, kind, language, values, then } = message;
  const candidates = readerLanguages(language, clinic.defaultLanguage);
  const rows = await sql`
    select kind, language, content_sid, variables, updated_at from whatsapp_templates
    where clinic_id = ${clinic.id} and kind = ${kind} and language in ${sql(candidates)}`;
  const templates = rows.map(toWhatsAppTemplate);
  const chosen = candidates.map((candidate) => templates.find((t) => t.language === candidate)).find((t) => t !== undefined);
  if (chosen === undefined) return undefined;
  const asks = Object.values(chosen.variables).includes(QUESTION_VARIABLE);
  if (asks !== (then !== undefined)) return undefined;
  const filled: Partial<Record<WhatsAppVariable, string>> = clinicPlaceholderValues(clinic, chosen.language, values);
  if (then !== undefined) filled[QUESTION_VARIABLE] = (await renderMessage(sql, { clinic, kind: then, language: chosen.language, values })).text;
  const contentVariables = Object.fromEntries(Object.entries(chosen.variables).map(([number, name]) => [number, filled[name] ?? '']));
  return { contentSid: chosen.contentSid, contentVariables: JSON.stringify(contentVariables) };
}
