/**
 * Whom staff should call back about another time: patients who asked for one and whose appointment
 * still stands as it was, because
 * - `landline`: on a reminder call to a landline they pressed 2 and were asked to call the clinic
 *   (anotherTimeAsked.ts: no text can reach them, so no list of times was sent);
 * - `no_open_times`: the chain told them no other time was open and to call the office (the
 *   `no_open_slots` reply; the chain records when, `appointments.no_open_times_at`);
 * - `no_time_chosen`: they were texted the numbered open times and the list lapsed without a choice
 *   (the chain records it at the lapse, `appointments.no_time_chosen_at`: when the list was asked);
 * - `times_not_sent`: on a reminder call to a mobile they pressed 2 and the text with the open times
 *   could not be sent (the voice webhook records it, `appointments.times_not_sent_at`: `recordTimesNotSent`).
 * The reasons live on the appointment row and the call log, never only in a question's row, so the
 * retention purge of closed questions takes none of them.
 * A request stands while the appointment is open, has not started, and is at the time it concerned
 * (not moved since), and the patient has answered no later question of the chain (a reminder's YES,
 * another CHANGE): the row records the latest question settled (`settled_question_asked_at`,
 * settledQuestions.ts), so that, too, outlives the purge of the question. Once the visit starts, staff see the patient, not a reason to phone them: a list
 * texted less than a day before the visit lapses at its start, so it never shows. The Appointments
 * page, `GET /api/appointments` (each appointment) and `GET /api/appointments/{id}` show the latest
 * one; the CSV export does not.
 */
import type { TransactionSql } from 'postgres';
import type { Sql } from '../db/sql.js';
import { isOpenAppointment } from '../workflows/appointmentDefinitions.js';
import { findAnotherTimeAsked } from './anotherTimeAsked.js';
import type { Appointment } from './appointments.js';

/** Why staff should call a patient back (see above). */
export const CALL_BACK_REASONS = ['landline', 'no_open_times', 'no_time_chosen', 'times_not_sent'] as const;
/** Why staff should call a patient back. */
export type CallBackReason = (typeof CALL_BACK_REASONS)[number];

/** A request to call a patient back: when they asked for another time (UTC), and why nothing changed. */
export interface CallBack {
  /**
   * `landline`: when the reminder call was placed; `no_open_times`: when they were told none is open;
   * `no_time_chosen`: when the list of open times was texted; `times_not_sent`: when its text failed.
   */
  askedAt: Date;
  reason: CallBackReason;
}

/**
 * For each of `appointments` (by id) that has one, the latest request to call its patient back (see
 * above); absent otherwise. Two queries for all of them (a page of the list), none when none is open
 * and still to start; none reads `patient_prompts`.
 */
export async function findCallBacks(sql: Sql, appointments: readonly Appointment[]): Promise<Map<string, CallBack>> {
  const now = Date.now();
  const waiting = appointments.filter((a) => isOpenAppointment(a.status) && a.startsAt.getTime() > now);
  if (waiting.length === 0) return new Map();
  const found = new Map<string, CallBack>();
  for (const [id, askedAt] of await findAnotherTimeAsked(sql, waiting)) found.set(id, { askedAt, reason: 'landline' });
  const rows = await sql<{ appointment_id: string; reason: Exclude<CallBackReason, 'landline'>; asked_at: Date }[]>`
    select a.id::text as appointment_id, r.reason, r.asked_at
    from appointments a cross join lateral (values
      ('no_open_times', a.no_open_times_at, a.no_open_times_starts_at),
      ('no_time_chosen', a.no_time_chosen_at, a.no_time_chosen_starts_at),
      ('times_not_sent', a.times_not_sent_at, a.times_not_sent_starts_at)
    ) r (reason, asked_at, starts_at)
    where a.id = any(${waiting.map((a) => a.id)}::bigint[]) and r.asked_at is not null and r.starts_at = a.starts_at
      -- A question asked later and settled (settledQuestions.ts) says the patient has moved on.
      and (a.settled_question_asked_at is null or a.settled_question_asked_at <= r.asked_at)`;
  for (const row of rows) {
    const earlier = found.get(row.appointment_id);
    if (earlier === undefined || earlier.askedAt < row.asked_at) found.set(row.appointment_id, { askedAt: row.asked_at, reason: row.reason });
  }
  return found;
}

/**
 * Records that the patient of appointment `appointmentId`, who pressed 2 (another time) on a reminder
 * call to a mobile and heard that the open times would be texted, could not be texted them (the text
 * failed, or the number has opted out of texts): staff are asked to call them back (`times_not_sent`),
 * from this moment, while the appointment is at its current start. `q` may be a transaction: the
 * time is the clock's, not the transaction's start, so it comes after the list the chain opened
 * meanwhile (whose lapse, later, must not read as a list the patient saw and let lapse).
 */
export async function recordTimesNotSent(q: Sql | TransactionSql, appointmentId: string): Promise<void> {
  await q`update appointments set times_not_sent_at = clock_timestamp(), times_not_sent_starts_at = starts_at where id = ${appointmentId}`;
}
