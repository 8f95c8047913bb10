/**
 * Whom staff should call back about another time: patients who asked for one and whose appointment
 * still stands as it was, because
 * - `landline`: on a reminder call to a landline they pressed 2 and were asked to call the clinic
 *   (anotherTimeAsked.ts: no text can reach them, so no list of times was sent);
 * - `no_open_times`: the chain told them no other time was open and to call the office (the
 *   `no_open_slots` reply; the chain records when, `appointments.no_open_times_at`);
 * - `no_time_chosen`: they were texted the numbered open times and the list lapsed without a choice
 *   (the chain records it at the lapse, `appointments.no_time_chosen_at`: when the list was asked).
 * The reasons live on the appointment row and the call log, never only in a question's row, so the
 * retention purge of closed questions takes none of them.
 * A request stands while the appointment is open, has not started, and is at the time it concerned
 * (not moved since), and the patient has answered no later question of the chain (a reminder's YES,
 * another CHANGE). Once the visit starts, staff see the patient, not a reason to phone them: a list
 * texted less than a day before the visit lapses at its start, so it never shows. The Appointments
 * page, `GET /api/appointments` (each appointment) and `GET /api/appointments/{id}` show the latest
 * one; the CSV export does not.
 */
import type { Sql } from '../db/sql.js';
import { isOpenAppointment } from '../workflows/appointmentDefinitions.js';
import { findAnotherTimeAsked } from './anotherTimeAsked.js';
import type { Appointment } from './appointments.js';

/** Why staff should call a patient back (see above). */
export const CALL_BACK_REASONS = ['landline', 'no_open_times', 'no_time_chosen'] as const;
/** Why staff should call a patient back. */
export type CallBackReason = (typeof CALL_BACK_REASONS)[number];

/** A request to call a patient back: when they asked for another time (UTC), and why nothing changed. */
export interface CallBack {
  /**
   * `landline`: when the reminder call was placed; `no_open_times`: when they were told none is open;
   * `no_time_chosen`: when the list of open times was texted.
   */
  askedAt: Date;
  reason: CallBackReason;
}

/**
 * For each of `appointments` (by id) that has one, the latest request to call its patient back (see
 * above); absent otherwise. Two queries for all of them (a page of the list), none when none is open
 * and still to start.
 */
export async function findCallBacks(sql: Sql, appointments: readonly Appointment[]): Promise<Map<string, CallBack>> {
  const now = Date.now();
  const waiting = appointments.filter((a) => isOpenAppointment(a.status) && a.startsAt.getTime() > now);
  if (waiting.length === 0) return new Map();
  const found = new Map<string, CallBack>();
  for (const [id, askedAt] of await findAnotherTimeAsked(sql, waiting)) found.set(id, { askedAt, reason: 'landline' });
  const rows = await sql<{ appointment_id: string; reason: Exclude<CallBackReason, 'landline'>; asked_at: Date }[]>`
    with asked (appointment_id, workflow_id, reason, asked_at) as (
      select a.id, a.workflow_id, r.reason, r.asked_at
      from appointments a cross join lateral (values
        ('no_open_times', a.no_open_times_at, a.no_open_times_starts_at),
        ('no_time_chosen', a.no_time_chosen_at, a.no_time_chosen_starts_at)
      ) r (reason, asked_at, starts_at)
      where a.id = any(${waiting.map((a) => a.id)}::bigint[]) and r.asked_at is not null and r.starts_at = a.starts_at
    )
    select asked.appointment_id::text, asked.reason, asked.asked_at from asked
    -- A question asked later and answered says the patient has moved on: closed before it lapsed, and
    -- not by a newer reminder asking again (which replaces it in the same transaction, at the same now()).
    where not exists (
      select 1 from patient_prompts later
      where later.workflow_id = asked.workflow_id and later.asked_at > asked.asked_at and later.closed_at < later.expires_at
        and not exists (
          select 1 from patient_prompts newer
          where newer.workflow_id = later.workflow_id and newer.asked_at = later.closed_at and newer.kind = 'appointment_reminder'
        )
    )`;
  for (const row of rows) {
    const earlier = found.get(row.appointment_id);
    if (earlier === undefined || earlier.askedAt < row.asked_at) found.set(row.appointment_id, { askedAt: row.asked_at, reason: row.reason });
  }
  return found;
}
