/**
 * Whom staff should call back about another time: patients who asked for one and whose appointment
 * still stands as it was, because
 * - `landline`: on a reminder call to a landline they pressed 2 and were asked to call the clinic
 *   (anotherTimeAsked.ts: no text can reach them, so no list of times was sent);
 * - `no_open_times`: the chain told them no other time was open and to call the office (the
 *   `no_open_slots` reply; the chain records when, `appointments.no_open_times_at`);
 * - `no_time_chosen`: they were texted the numbered open times and the list lapsed without a choice
 *   (the chain's `reschedule_slots` question in `patient_prompts`, closed at or after its expiry).
 * A request stands while the appointment is open, has not started, and is at the time it concerned
 * (not moved since), and the patient has answered no later question of the chain (a reminder's YES,
 * another CHANGE). Once the visit starts, staff see the patient, not a reason to phone them: a list
 * texted less than a day before the visit lapses at its start, so it never shows. The Appointments
 * page, `GET /api/appointments` (each appointment) and `GET /api/appointments/{id}` show the latest
 * one; the CSV export does not.
 */
import type { Sql } from '../db/sql.js';
import { appointmentMessageKey, isOpenAppointment } from '../workflows/appointmentDefinitions.js';
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
  const open = appointments.filter((a) => isOpenAppointment(a.status) && a.startsAt.getTime() > now);
  if (open.length === 0) return new Map();
  const found = new Map<string, CallBack>();
  for (const [id, askedAt] of await findAnotherTimeAsked(sql, open)) found.set(id, { askedAt, reason: 'landline' });
  // A message or call about the appointment's current time has a delivery key starting so: a list
  // texted after one was texted about this time (not before a move to it).
  const aboutThisTime = open.map((a) => appointmentMessageKey(a.id, a.startsAt.toISOString(), ''));
  const rows = await sql<{ appointment_id: string; reason: 'no_open_times' | 'no_time_chosen'; asked_at: Date }[]>`
    with p (appointment_id, workflow_id, key_prefix) as (
      select * from unnest(${open.map((a) => a.id)}::bigint[], ${open.map((a) => a.workflowId)}::text[], ${aboutThisTime}::text[])
    ), asked (appointment_id, workflow_id, reason, asked_at) as (
      select p.appointment_id, p.workflow_id, 'no_open_times', a.no_open_times_at
      from p join appointments a on a.id = p.appointment_id
      where a.no_open_times_at is not null and a.no_open_times_starts_at = a.starts_at
      union all
      select p.appointment_id, p.workflow_id, 'no_time_chosen', list.asked_at
      from p cross join lateral (
        select asked_at, expires_at, closed_at from patient_prompts
        where workflow_id = p.workflow_id and kind = 'reschedule_slots'
        order by asked_at desc, id desc limit 1
      ) list
      where list.expires_at <= now() and (list.closed_at is null or list.closed_at >= list.expires_at)
        and (exists (select 1 from messages m where m.appointment_id = p.appointment_id and starts_with(m.delivery_key, p.key_prefix) and m.created_at <= list.asked_at)
          or exists (select 1 from calls c where c.appointment_id = p.appointment_id and starts_with(c.delivery_key, p.key_prefix) and c.created_at <= list.asked_at))
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
