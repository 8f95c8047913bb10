/**
 * Fans "the line changed" events (Postgres LISTEN, from any process) out to the board's live
 * connections in this API process.
 */
import type { Sql } from '../db/sql.js';
import { listenQueueChanges } from '../queue/queueEvents.js';

/** Subscriptions to a clinic's line changes. */
export interface QueueChangeHub {
  /** Calls `onChange` after each change to clinic `clinicId`'s line. @returns unsubscribe. */
  subscribe(clinicId: number, onChange: () => void): () => void;
  close(): Promise<void>;
}

/** Starts listening on `sql` (one connection for the whole process). */
export async function createQueueChangeHub(sql: Sql): Promise<QueueChangeHub> {
  const listeners = new Map<number, Set<() => void>>();
  const unlisten = await listenQueueChanges(sql, (clinicId) => {
    for (const listener of listeners.get(clinicId) ?? []) listener();
  });
  return {
    subscribe(clinicId, onChange) {
      const set = listeners.get(clinicId) ?? new Set();
      listeners.set(clinicId, set.add(onChange));
      return () => void set.delete(onChange);
    },
    close: unlisten,
  };
}
