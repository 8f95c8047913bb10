/**
 * A patient who answers a reminder after staff moved the appointment. The move closed the reminder's
 * question (and texted `rescheduled`), so the reply router finds nothing to give the answer to; without
 * this the patient would read "sorry, we didn't understand. Reply JOIN to get in line", as if they had
 * texted nonsense. They are told instead, in the clinic's `rescheduled` wording, when the visit is now.
 * The answer itself is not carried out: a YES or NO meant for the old time says nothing about the new
 * one (the chain's next planned reminder, if any, asks again).
 */
import type { Clinic } from '../clinics/clinics.js';
import { renderMessage } from '../clinics/messageTemplates.js';
import type { Sql } from '../db/sql.js';
import type { AppointmentPromptKind } from '../workflows/appointmentDefinitions.js';

/** The question a move leaves behind: a reminder's, which expires at the start it asked about. */
const REMINDER_QUESTION: AppointmentPromptKind = 'appointment_reminder';

/**
 * The reply to `answer` (normal form, `readAnswer`) from `phone` (E.164) at `clinic` that no open
 * question took, when the patient's latest question there was a reminder that accepted that answer,
 * has closed, and asked about another start than its appointment's now, and that appointment is still
 * open (booked or confirmed) and ahead: the `rescheduled` text for the appointment as it stands, in the
 * appointment's language. Otherwise null, and the caller answers as to any stray text.
 */
export async function answerMovedAppointment(sql: Sql, clinic: Clinic, phone: string, answer: string): Promise<string | null> {
  const [moved] = await sql<{ patient_name: string; provider_name: string; starts_at: Date; language: string }[]>`
    select a.patient_name, pr.name as provider_name, a.starts_at, a.language
    from (
      select workflow_id, kind, answers, expires_at, closed_at from patient_prompts
      where clinic_id = ${clinic.id} and phone = ${phone}
      order by asked_at desc, id desc limit 1
    ) p
    join appointments a on a.workflow_id = p.workflow_id and a.clinic_id = ${clinic.id}
    join providers pr on pr.id = a.provider_id
    where p.kind = ${REMINDER_QUESTION} and p.closed_at is not null and ${answer} = any (p.answers)
      and p.expires_at <> a.starts_at and a.status in ('booked', 'confirmed') and a.starts_at > now()`;
  if (moved === undefined) return null;
  const { text } = await renderMessage(sql, {
    clinic,
    kind: 'rescheduled',
    language: moved.language,
    values: { patientName: moved.patient_name, doctorName: moved.provider_name, startsAt: moved.starts_at },
  });
  return text;
}
