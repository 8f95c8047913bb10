/**
 * Whether staff should call a patient back about another time: on a reminder call to a landline the
 * patient pressed 2 (another time) and was asked to call the clinic. No text can reach a landline, so
 * the chain was not asked for a list of times (src/api/voiceWebhooks.ts) and its question stays open
 * until it lapses: the call log is the only record, and the Appointments page, `GET /api/appointments`
 * (each appointment) and `GET /api/appointments/{id}` show it from there (callBacks.ts), not the CSV export.
 */
import type { Sql } from '../db/sql.js';
import { isFixedLine } from '../domain/phone.js';
import { landlineReceiptExists } from '../messaging/knownLandlines.js';
import { appointmentMessageKey, isOpenAppointment } from '../workflows/appointmentDefinitions.js';
import type { Appointment } from './appointments.js';

/**
 * For each of `appointments` (by id): when the reminder call was placed (UTC) on which its patient, the
 * appointment still open and at the time that call was about, last chose on the keypad another time
 * from a known landline (knownLandlines.ts: by its numbering plan, a 30006 receipt in the message log, or
 * one the retention purge recorded on the appointment, `landline_known`). An appointment is absent when there is no such call, a
 * later call's choice was another (1 or 3), it was moved (a call about its earlier time was answered by
 * the move) or closed since, or the number takes texts (the open times were texted). One query for
 * all of them (a page of the list or of the Appointments page), none when none is open.
 */
export async function findAnotherTimeAsked(sql: Sql, appointments: readonly Appointment[]): Promise<Map<string, Date>> {
  const open = appointments.filter((a) => isOpenAppointment(a.status));
  if (open.length === 0) return new Map();
  // A call delivers one of the chain's messages about the appointment's time: its delivery key starts so.
  const aboutThisTime = open.map((a) => appointmentMessageKey(a.id, a.startsAt.toISOString(), ''));
  const rows = await sql<{ appointment_id: string; phone: string; placed_at: Date; landline_receipt: boolean }[]>`
    select last.appointment_id::text, last.phone, last.placed_at,
      (a.landline_known or ${landlineReceiptExists(sql, sql('last.phone'))}) as landline_receipt
    from (
      select distinct on (p.appointment_id) p.appointment_id, p.phone, c.choice, c.created_at as placed_at
      from unnest(${open.map((a) => a.id)}::bigint[], ${aboutThisTime}::text[], ${open.map((a) => a.phone)}::text[]) as p (appointment_id, key_prefix, phone)
      join calls c on c.appointment_id = p.appointment_id and starts_with(c.delivery_key, p.key_prefix) and c.choice is not null
      order by p.appointment_id, c.created_at desc, c.id desc
    ) last
    join appointments a on a.id = last.appointment_id
    where last.choice = 'reschedule'`;
  return new Map(rows.filter((row) => row.landline_receipt || isFixedLine(row.phone)).map((row) => [row.appointment_id, row.placed_at]));
}
