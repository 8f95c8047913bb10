/**
 * "A clinic's appointments changed" events over Postgres LISTEN/NOTIFY. The NOTIFY comes from triggers
 * on `appointments` and on an appointment's `messages` and `calls` (migration
 * 1763801000000_appointment-change-events), so every writer in every process is heard.
 */
import type { Sql } from '../db/sql.js';

const CHANNEL = 'frontdesk_appointments';

/** Calls `onChange(clinicId)` on every change to a clinic's appointments. @returns a function that stops listening. */
export async function listenAppointmentChanges(sql: Sql, onChange: (clinicId: number) => void): Promise<() => Promise<void>> {
  const listening = await sql.listen(CHANNEL, (payload) => onChange(Number(payload)));
  return () => listening.unlisten();
}
