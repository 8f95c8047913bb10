/**
 * A patient who confirms a visit again after it is confirmed: a YES sent twice (a double tap, or no
 * reply seen in a weak signal), or a YES after picking a time from the list, which already confirmed
 * it. The question has closed, so the reply router finds nothing to give the answer to; without this
 * the patient would read "sorry, we didn't understand. Reply JOIN to get in line", as if their visit
 * were not confirmed. They are told instead, in the clinic's `confirmed` wording, that it is.
 */
import type { Clinic } from '../clinics/clinics.js';
import { renderMessage } from '../clinics/messageTemplates.js';
import type { Sql } from '../db/sql.js';
import { readAppointmentAnswer } from '../domain/appointmentAnswers.js';
import type { AppointmentPromptKind } from '../workflows/appointmentDefinitions.js';

/** The questions of an appointment's chain: a reminder's, and a numbered list of open times. */
const APPOINTMENT_QUESTIONS: AppointmentPromptKind[] = ['appointment_reminder', 'reschedule_slots'];

/**
 * The reply to `answer` (normal form, `readAnswer`) from `phone` (E.164) at `clinic` that no open
 * question took, when it confirms (`YES`, `SI`, `CONFIRM`), the patient's latest question there was a
 * reminder or a list of open times that has closed, and its appointment is `confirmed` and ahead: the
 * `confirmed` text for the appointment as it stands, in the appointment's language. Otherwise null,
 * and the caller answers as to any stray text. Nothing changes: the visit is confirmed already.
 */
export async function answerConfirmedAppointment(sql: Sql, clinic: Clinic, phone: string, answer: string): Promise<string | null> {
  if (readAppointmentAnswer(answer) !== 'confirm') return null;
  const [confirmed] = await sql<{ patient_name: string; provider_name: string; starts_at: Date; language: string }[]>`
    select a.patient_name, pr.name as provider_name, a.starts_at, a.language
    from (
      select workflow_id, kind, closed_at from patient_prompts
      where clinic_id = ${clinic.id} and phone = ${phone}
      order by asked_at desc, id desc limit 1
    ) p
    join appointments a on a.workflow_id = p.workflow_id and a.clinic_id = ${clinic.id}
    join providers pr on pr.id = a.provider_id
    where p.kind in ${sql(APPOINTMENT_QUESTIONS)} and p.closed_at is not null and a.status = 'confirmed' and a.starts_at > now()`;
  if (confirmed === undefined) return null;
  const { text } = await renderMessage(sql, {
    clinic,
    kind: 'confirmed',
    language: confirmed.language,
    values: { patientName: confirmed.patient_name, doctorName: confirmed.provider_name, startsAt: confirmed.starts_at },
  });
  return text;
}
