/**
 * Fans change events heard on Postgres LISTEN (from any process) out to the live connections in this
 * API process: the walk-in line's (`createQueueChangeHub`, for the board) and the appointments'
 * (`createAppointmentChangeHub`, for the Appointments page) and the waitlist's with its cancellations and
 * offers (`createWaitlistChangeHub`, for the Waitlist and Cancellations pages) and the message log's
 * (`createMessageLogChangeHub`, for the Messages page).
 */
import { listenAppointmentChanges } from '../appointments/appointmentEvents.js';
import { listenMessageLogChanges } from '../messaging/messageLogEvents.js';
import type { Sql } from '../db/sql.js';
import { listenQueueChanges } from '../queue/queueEvents.js';
import { listenWaitlistChanges } from '../waitlist/waitlistEvents.js';

/** Subscriptions to one kind of change, per clinic. */
export interface ClinicChangeHub {
  /** Calls `onChange` after each change at clinic `clinicId`, and after a lost connection to Postgres is back. @returns unsubscribe. */
  subscribe(clinicId: number, onChange: () => void): () => void;
  close(): Promise<void>;
}

/** Subscriptions to a clinic's line changes. */
export type QueueChangeHub = ClinicChangeHub;

/** A hub over `listen` (one LISTEN for the whole process). */
async function createClinicChangeHub(listen: (onChange: (clinicId: number | undefined) => void) => Promise<() => Promise<void>>): Promise<ClinicChangeHub> {
  const listeners = new Map<number, Set<() => void>>();
  // Undefined: the listening connection was lost for a while, so every clinic's rows may have changed.
  const unlisten = await listen((clinicId) => {
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

/** Starts listening for line changes on `sql`. */
export function createQueueChangeHub(sql: Sql): Promise<QueueChangeHub> {
  return createClinicChangeHub((onChange) => listenQueueChanges(sql, onChange));
}

/** Starts listening for appointment changes on `sql`. */
export function createAppointmentChangeHub(sql: Sql): Promise<ClinicChangeHub> {
  return createClinicChangeHub((onChange) => listenAppointmentChanges(sql, onChange));
}

/** Starts listening for changes to the waitlist, cancellations and offers on `sql`. */
export function createWaitlistChangeHub(sql: Sql): Promise<ClinicChangeHub> {
  return createClinicChangeHub((onChange) => listenWaitlistChanges(sql, onChange));
}

/** Starts listening for new and changed messages and calls on `sql`. */
export function createMessageLogChangeHub(sql: Sql): Promise<ClinicChangeHub> {
  return createClinicChangeHub((onChange) => listenMessageLogChanges(sql, onChange));
}
