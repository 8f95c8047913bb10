/**
 * A reminder call not placed yet (Twilio throttled or failed its earlier tries) whose question has
 * closed meanwhile: the patient answered the reminder by text (YES, NO, CHANGE), or staff moved or
 * cancelled the visit. Its next try must not ring the patient to ask what is settled, so the call
 * activity asks here before each try, and the call ends `canceled` in the call log (the Messages and
 * calls page: "Not placed: no longer needed before Twilio took it."). A call Twilio has placed is left
 * alone: what it reads when answered is decided then (`closedBeforeAnswer`, reminderCalls.ts). That
 * includes one an earlier try placed although Twilio's answer was lost (src/messaging/lostAnswers.ts):
 * before withdrawing such a row, Twilio is asked as the messenger's retry would ask, and a call it
 * made is adopted (its CallSid on the row), not withdrawn while the patient's phone rings.
 */
import type { Sql } from '../db/sql.js';
import type { Messenger } from '../messaging/messenger.js';
import { startOfMessageKey } from '../workflows/appointmentDefinitions.js';

/** The call to maybe withdraw: its appointment (`appointments.id`), its reminder's delivery key and the attempt's idempotency key. */
export interface UnplacedCall {
  appointmentId: string;
  /** `appointment:<id>:<start ISO>:reminder:<n>`: the start it asks about. */
  deliveryKey: string;
  /** The call log's key of this attempt (`calls.idempotency_key`). */
  idempotencyKey: string;
}

/**
 * Withdraws `call` if the question it would ask has closed: the chain asked its reminder question
 * (`appointment_reminder`) about the start the delivery key names, and none is open now (answered,
 * dropped by a move or cancellation, or lapsed at the start). A question the chain could not record
 * (Postgres away when it asked) withdraws nothing. A row whose earlier try got no answer from Twilio
 * is first looked up there (`messenger.recoverLostCall`): a call Twilio made is adopted, not withdrawn.
 * Idempotent: each try of the activity asks again.
 * @returns true when the call must not be placed (its row, if a try logged one, now `canceled`, or
 *   already ended unplaced); false while its question is open, or when Twilio has placed it (the
 *   messenger answers `already_placed`).
 * @throws what Twilio answers the lookup of a lost try's call (the activity's next try asks again).
 */
export async function withdrawCallIfQuestionClosed(sql: Sql, messenger: Messenger, call: UnplacedCall): Promise<boolean> {
  const askedAbout = startOfMessageKey(call.deliveryKey);
  if (askedAbout === undefined) return false;
  const [question] = await sql<{ asked: boolean; open: boolean }[]>`
    select count(*) > 0 as asked, coalesce(bool_or(p.closed_at is null and p.expires_at > now()), false) as open
    from appointments a join patient_prompts p on p.workflow_id = a.workflow_id
    where a.id = ${call.appointmentId} and p.kind = 'appointment_reminder' and p.expires_at = ${new Date(askedAbout)}`;
  if (question === undefined || !question.asked || question.open) return false;
  if ((await messenger.recoverLostCall(call.idempotencyKey)) !== undefined) return false;
  await sql`
    update calls set status = 'canceled', updated_at = now()
    where idempotency_key = ${call.idempotencyKey} and call_sid is null and status = 'queued'`;
  const [placed] = await sql`select 1 from calls where idempotency_key = ${call.idempotencyKey} and call_sid is not null`;
  return placed === undefined;
}
