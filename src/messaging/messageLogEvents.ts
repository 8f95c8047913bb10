/**
 * "A clinic's message log changed" events over Postgres LISTEN/NOTIFY. The NOTIFY comes from triggers
 * on `messages` and `calls` (migration 1763806500000_message-log-change-events), so every writer in
 * every process is heard: a text in, a text or call out, a delivery status, a call's progress.
 */
import { listenChannel } from '../db/listenChannel.js';
import type { Sql } from '../db/sql.js';

const CHANNEL = 'frontdesk_messages';

/**
 * Calls `onChange(clinicId)` on every new or changed message or call of a clinic, and `onChange(undefined)`
 * when it listens again after losing its connection (changes in between went unheard; src/db/listenChannel.ts).
 * @returns a function that stops listening.
 */
export async function listenMessageLogChanges(sql: Sql, onChange: (clinicId: number | undefined) => void): Promise<() => Promise<void>> {
  return listenChannel(sql, CHANNEL, { onPayload: (payload) => onChange(Number(payload)), onResync: () => onChange(undefined) });
}
