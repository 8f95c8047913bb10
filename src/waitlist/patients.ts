/**
 * A clinic's patients (the `patients` table, db/migrations/1763800800000_waitlist.sql): one row per
 * E.164 number, with the name staff gave and how the clinic got consent to text them. Opt-outs stay in
 * `opt_outs`.
 */
import type { TransactionSql } from 'postgres';
import type { Sql } from '../db/sql.js';

/** How a patient added by staff through the API consented to be texted (`patients.consent_source`). */
export const STAFF_CONSENT_SOURCE = 'staff';

/**
 * The id of the clinic's patient with `phone` (E.164), created (consent source `staff`) when the clinic
 * has none; a `displayName` given replaces the stored one, null clears it, undefined keeps it.
 * @returns the patient's id (bigserial, as a string).
 */
export async function findOrCreatePatient(sql: Sql | TransactionSql, clinicId: number, phone: string, displayName: string | null | undefined): Promise<string> {
  const keep = displayName === undefined;
  const [row] = await sql<{ id: string }[]>`
    insert into patients (clinic_id, phone_e164, display_name, consent_source)
    values (${clinicId}, ${phone}, ${displayName ?? null}, ${STAFF_CONSENT_SOURCE})
    on conflict (clinic_id, phone_e164) do update
      set display_name = case when ${keep} then patients.display_name else excluded.display_name end
    returning id`;
  return row!.id;
}
