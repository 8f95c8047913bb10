/**
 * "The line changed" events over Postgres LISTEN/NOTIFY, so the board in the API process updates
 * live when the worker's activities write a ticket, whichever process that is.
 */
import { listenChannel } from '../db/listenChannel.js';
import type { Sql } from '../db/sql.js';

const CHANNEL = 'frontdesk_queue';

/** Tells listeners that clinic `clinicId`'s line changed. */
export async function notifyQueueChanged(sql: Sql, clinicId: number): Promise<void> {
  await sql.notify(CHANNEL, String(clinicId));
}

/**
 * The same notice as `notifyQueueChanged`, as an expression to select inside the statement that
 * changes the line (`with moved as (update …) select <this> from moved`): Postgres sends it when that
 * statement's transaction commits, so listeners never read the line before the change, and the
 * change and its notice cost one round trip.
 */
export function queueChangedNotice(sql: Sql, clinicId: number): ReturnType<Sql> {
  return sql`pg_notify(${CHANNEL}, ${String(clinicId)})`;
}

/**
 * Calls `onChange(clinicId)` on every change, and `onChange(undefined)` when it listens again on a
 * new connection after losing one (a Postgres restart): changes in between went unheard, so every
 * line may have changed (src/db/listenChannel.ts). @returns a function that stops listening.
 */
export async function listenQueueChanges(sql: Sql, onChange: (clinicId: number | undefined) => void): Promise<() => Promise<void>> {
  return listenChannel(sql, CHANNEL, { onPayload: (payload) => onChange(Number(payload)), onResync: () => onChange(undefined) });
}
