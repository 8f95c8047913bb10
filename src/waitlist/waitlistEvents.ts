/**
 * "A clinic's waitlist or cancellations changed" events over Postgres LISTEN/NOTIFY. The NOTIFY comes
 * from triggers on `waitlist_entries`, `cancellation_events` and `offers` (migration
 * 1763801500000_waitlist-change-events) and on `cancellation_abort_requests` (migration
 * 1763804900000_call-placing-and-abort-events), so every writer in every process is heard: staff (an
 * abort recorded while the offer workflow has not taken it yet included), the offer workflow's
 * activities, a patient's YES, a hold that expires.
 */
import { listenChannel } from '../db/listenChannel.js';
import type { Sql } from '../db/sql.js';

const CHANNEL = 'frontdesk_waitlist';

/**
 * Calls `onChange(clinicId)` on every change to a clinic's waitlist, cancellations, offers or recorded aborts, and `onChange(undefined)` when it
 * listens again after losing its connection (changes in between went unheard; src/db/listenChannel.ts).
 * @returns a function that stops listening.
 */
export async function listenWaitlistChanges(sql: Sql, onChange: (clinicId: number | undefined) => void): Promise<() => Promise<void>> {
  return listenChannel(sql, CHANNEL, { onPayload: (payload) => onChange(Number(payload)), onResync: () => onChange(undefined) });
}
