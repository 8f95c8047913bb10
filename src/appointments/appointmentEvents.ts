/**
 * "A clinic's appointments changed" events over Postgres LISTEN/NOTIFY. The NOTIFY comes from triggers
 * on `appointments` and on an appointment's `messages` and `calls` (migration
 * 1763801000000_appointment-change-events), so every writer in every process is heard.
 */
import { listenChannel } from '../db/listenChannel.js';
import type { Sql } from '../db/sql.js';

const CHANNEL = 'frontdesk_appointments';

/**
 * Calls `onChange(clinicId)` on every change to a clinic's appointments, and `onChange(undefined)` when it
 * listens again after losing its connection (changes in between went unheard; src/db/listenChannel.ts).
 * @returns a function that stops listening.
 */
export async function listenAppointmentChanges(sql: Sql, onChange: (clinicId: number | undefined) => void): Promise<() => Promise<void>> {
  return listenChannel(sql, CHANNEL, { onPayload: (payload) => onChange(Number(payload)), onResync: () => onChange(undefined) });
}
