/**
 * A patient who answers a visit after it is confirmed (YES to a reminder, a time picked from the list,
 * a waitlist offer taken), when its question has closed, so the reply router finds nothing to give the
 * answer to; without this the patient would read "sorry, we didn't understand. Reply JOIN to get in
 * line". A YES again (a double tap, or no reply seen in a weak signal) is told, in the clinic's
 * `confirmed` wording, that the visit is confirmed; nothing changes. CHANGE (RESCHEDULE, CAMBIAR) and NO
 * do what the reminder said they do until the visit: the chain answers them (answerConfirmedVisitUpdate),
 * with the list of open times (or `no_open_slots`), or by cancelling the visit (`cancelled`).
 */
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Clinic } from '../clinics/clinics.js';
import { renderMessage } from '../clinics/messageTemplates.js';
import type { Sql } from '../db/sql.js';
import { readAppointmentAnswer } from '../domain/appointmentAnswers.js';
import { answerConfirmedVisitUpdate, type AppointmentPromptKind } from '../workflows/appointmentDefinitions.js';
import { FailureType } from '../workflows/definitions.js';
import { OFFER_PROMPT_KIND } from '../workflows/offerDefinitions.js';

/** The questions of an appointment's chain: a reminder's, and a numbered list of open times. */
const APPOINTMENT_QUESTIONS: AppointmentPromptKind[] = ['appointment_reminder', 'reschedule_slots'];

/** What answering a confirmed visit needs: the database, and Temporal for CHANGE and NO. */
export interface ConfirmedAnswerDeps {
  sql: Sql;
  temporal: Client;
}

/**
 * The reply to `answer` (normal form, `readAnswer`) from `phone` (E.164) at `clinic` that no open
 * question took, when the patient's latest question there was a reminder or a list of open times that
 * has closed, and its appointment is `confirmed` and ahead; or a waitlist offer whose hold is over and
 * whose cancellation booked this patient's visit (`filled_by_appointment_id`), `confirmed` and ahead. A YES (`SI`, `CONFIRM`): the `confirmed`
 * text for the appointment as it stands, in the appointment's language. CHANGE or NO: the chain's own
 * reply (the list of open times or `no_open_slots`; `cancelled`), from its update. Otherwise null (the
 * chain refused it: the visit changed meanwhile), and the caller answers as to any stray text.
 * @throws the update's other errors (Temporal unavailable, a step failing): the caller's apology path.
 */
export async function answerConfirmedAppointment(deps: ConfirmedAnswerDeps, clinic: Clinic, phone: string, answer: string): Promise<string | null> {
  const meaning = readAppointmentAnswer(answer);
  if (meaning !== 'confirm' && meaning !== 'reschedule' && meaning !== 'cancel') return null;
  const [confirmed] = await deps.sql<{ workflow_id: string; patient_name: string; provider_name: string; starts_at: Date; language: string }[]>`
    select a.workflow_id, a.patient_name, pr.name as provider_name, a.starts_at, a.language
    from (
      select workflow_id, kind, closed_at, expires_at from patient_prompts
      where clinic_id = ${clinic.id} and phone = ${phone}
      order by asked_at desc, id desc limit 1
    ) p
    left join cancellation_events c on p.kind = ${OFFER_PROMPT_KIND} and c.workflow_id = p.workflow_id and c.clinic_id = ${clinic.id}
    join appointments a on a.clinic_id = ${clinic.id}
      and ((p.kind in ${deps.sql(APPOINTMENT_QUESTIONS)} and a.workflow_id = p.workflow_id) or a.id = c.filled_by_appointment_id)
    join providers pr on pr.id = a.provider_id
    where (p.closed_at is not null or (p.kind = ${OFFER_PROMPT_KIND} and p.expires_at <= now()))
      and a.phone = ${phone} and a.status = 'confirmed' and a.starts_at > now()`;
  if (confirmed === undefined) return null;
  if (meaning !== 'confirm') return askChain(deps.temporal, confirmed.workflow_id, answer);
  const { text } = await renderMessage(deps.sql, {
    clinic,
    kind: 'confirmed',
    language: confirmed.language,
    values: { patientName: confirmed.patient_name, doctorName: confirmed.provider_name, startsAt: confirmed.starts_at },
  });
  return text;
}

/** The chain `workflowId`'s reply to `answer` after the confirmation; null when it refuses it or has ended. */
async function askChain(temporal: Client, workflowId: string, answer: string): Promise<string | null> {
  try {
    return (await temporal.workflow.getHandle(workflowId).executeUpdate(answerConfirmedVisitUpdate, { args: [{ answer }] })).reply;
  } catch (error) {
    const refused =
      error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === FailureType.AnswerNotAwaited;
    if (refused || error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}
