/**
 * The language each patient reads, per clinic and phone (`patient_languages`): set at booking or by
 * texting ESPAÑOL / ENGLISH, or, when neither has, by the first command the patient texts in a Spanish
 * word (`UNIRSE`, `AYUDA`, …: `answerLanguage`). A patient who never chose reads the clinic's default
 * language.
 */
import type { Sql } from '../db/sql.js';
import type { Clinic } from './clinics.js';

/** The language `phone` (E.164) chose at clinic `clinicId`, if any. */
export async function getPatientLanguage(sql: Sql, clinicId: number, phone: string): Promise<string | undefined> {
  const [row] = await sql`select language from patient_languages where clinic_id = ${clinicId} and phone = ${phone}`;
  return row?.language as string | undefined;
}

/** Records that `phone` (E.164) reads `language` (a valid tag, see languages.ts) at clinic `clinicId`, replacing any earlier choice. */
export async function setPatientLanguage(sql: Sql, clinicId: number, phone: string, language: string): Promise<void> {
  await sql`
    insert into patient_languages (clinic_id, phone, language) values (${clinicId}, ${phone}, ${language})
    on conflict (clinic_id, phone) do update set language = excluded.language, updated_at = now()`;
}

/** The language to write to `phone` in: its own choice at `clinic`, else the clinic's default language. */
export async function resolvePatientLanguage(sql: Sql, clinic: Pick<Clinic, 'id' | 'defaultLanguage'>, phone: string): Promise<string> {
  return (await getPatientLanguage(sql, clinic.id, phone)) ?? clinic.defaultLanguage;
}

/**
 * The language to answer `phone` (E.164) in at `clinic` when their text used a command word of
 * `wordLanguage` (a Spanish word, commands.ts), else `resolvePatientLanguage`'s. A number with no
 * language of its own is recorded as reading `wordLanguage` (only if still none, so a choice made at
 * the same moment wins), so the texts that follow (the ticket's "your turn") come in it too; a choice
 * already made (ESPAÑOL / ENGLISH, at booking) stands, and only this answer is in `wordLanguage`.
 */
export async function answerLanguage(sql: Sql, clinic: Pick<Clinic, 'id' | 'defaultLanguage'>, phone: string, wordLanguage?: string): Promise<string> {
  if (wordLanguage === undefined) return resolvePatientLanguage(sql, clinic, phone);
  await sql`insert into patient_languages (clinic_id, phone, language) values (${clinic.id}, ${phone}, ${wordLanguage}) on conflict (clinic_id, phone) do nothing`;
  return wordLanguage;
}
