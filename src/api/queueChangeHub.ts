/**
 * Fans "the line changed" events (Postgres LISTEN, from any process) out to the board's live
 * connections in this API process.
 */
import type { Sql } from '../db/sql.js';
import { listenQueueChanges } from '../queue/queueEvents.js';

/** Subscriptions to a clinic's line changes. */
export interface QueueChangeHub {
  /** Calls `onChange` after each change to clinic `clinicId`'s line, and after a lost connection to Postgres is back. @returns unsubscribe. */
  subscribe(clinicId: number, onChange: () => void): () => void;
  close(): Promise<void>;
}

/** Starts listening on `sql` (one connection for the whole process). */
export async function createQueueChangeHub(sql: Sql): Promise<QueueChangeHub> {
  const listeners = new Map<number, Set<() => void>>();
  // Undefined: the listening connection was lost for a while, so every line may have changed.
  const unlisten = await listenQueueChanges(sql, (clinicId) => {
    const told = clinicId === undefined ? [...listeners.values()] : [listeners.get(clinicId) ?? new Set<() => void>()];
    for (const set of told) for (const listener of set) listener();
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
