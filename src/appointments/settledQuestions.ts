/**
 * Which question of an appointment's chain the patient has moved on from, kept on the appointment row
 * (`appointments.settled_question_asked_at`) so that a call-back request stays cleared after the
 * retention purge deletes the closed question (callBacks.ts). A question settles the matter when it is
 * closed before it lapses, other than by a newer reminder asking again: the patient answered it (a
 * reminder's YES, a CHANGE, a pick from the list of open times, a slot taken meanwhile and a fresh list
 * sent), or it was dropped by a staff move or the appointment's close. Any call-back request asked
 * before that question was asked is answered.
 */
import type { TransactionSql } from 'postgres';
import type { Sql } from '../db/sql.js';

/** The question a reminder asks: a newer one replacing an open question asks again and settles nothing. */
const REMINDER_KIND = 'appointment_reminder';

/**
 * Records, in `q` (the transaction that closed them), the questions `promptIds` (`patient_prompts` ids)
 * that settle the matter on their appointments' rows: those closed before they lapsed, when not replaced
 * by a question of kind `askedNext` that is a reminder (null: closed, nothing asked in their place).
 * Keeps the latest settled question's `asked_at`; a question of another workflow (a waitlist offer)
 * matches no appointment. A retry writes the same value.
 */
export async function recordSettledQuestions(q: Sql | TransactionSql, promptIds: readonly string[], askedNext: string | null): Promise<void> {
  if (promptIds.length === 0 || askedNext === REMINDER_KIND) return;
  await q`
    update appointments a set settled_question_asked_at = greatest(a.settled_question_asked_at, settled.asked_at)
    from (
      select workflow_id, max(asked_at) as asked_at from patient_prompts
      where id = any(${promptIds}::bigint[]) and closed_at < expires_at
      group by workflow_id
    ) settled
    where a.workflow_id = settled.workflow_id`;
}
