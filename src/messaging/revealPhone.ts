/**
 * Staff's deliberate "show" of one log entry's full number: records who (staff session and client
 * address), when, which number and which entry in `phone_reveals`, then returns the number. The row is
 * written before the number leaves the server, so no number is shown unlogged.
 */
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import type { LogEntryKind } from './messageLog.js';

/** Who asked, and for which of the clinic's log entries. */
export interface PhoneReveal {
  clinicId: number;
  staffSessionId: string;
  clientAddress: string;
  entry: { kind: LogEntryKind; id: string };
}

/**
 * Logs the reveal and returns the entry's E.164 number.
 * @throws AppError not_found (field `entry`) when the clinic has no such entry.
 */
export async function revealPhone(sql: Sql, reveal: PhoneReveal): Promise<string> {
  const { kind, id } = reveal.entry;
  const [row] = await sql<{ phone: string }[]>`
    insert into phone_reveals (clinic_id, staff_session_id, client_address, phone, entry_kind, entry_id)
    select ${reveal.clinicId}, ${reveal.staffSessionId}, ${reveal.clientAddress}, phone, ${kind}, id
    from ${kind === 'message' ? sql`messages` : sql`calls`}
    where clinic_id = ${reveal.clinicId} and id = ${id}
    returning phone`;
  if (row === undefined) throw new AppError('not_found', `entry: no ${kind} ${id} in this clinic's log`, 'entry');
  return row.phone;
}
