/**
 * Staff set how many rooms are seeing patients. The ETA divides by it, so every open board and
 * every position read afterwards shows the new waits.
 */
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { notifyQueueChanged } from '../queue/queueEvents.js';

/**
 * Sets clinic `clinicId`'s rooms open to `rooms` (MIN_ROOMS_OPEN to MAX_ROOMS_OPEN, checked at the
 * edge; the table refuses anything else) and tells listeners the line changed.
 * @throws AppError not_found when there is no such clinic.
 */
export async function setRoomsOpen(sql: Sql, clinicId: number, rooms: number): Promise<void> {
  const updated = await sql`update clinics set rooms_open = ${rooms} where id = ${clinicId} returning id`;
  if (updated.length === 0) throw new AppError('not_found', `no clinic ${clinicId}`, 'clinic');
  await notifyQueueChanged(sql, clinicId);
}
