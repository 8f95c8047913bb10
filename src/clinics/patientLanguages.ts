/**
 * The language each patient reads, per clinic and phone (`patient_languages`): set at booking or by
 * texting ESPAÑOL / ENGLISH. A patient who never chose reads the clinic's default language.
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
