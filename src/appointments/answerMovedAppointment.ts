/**
 * A patient who answers a question of an appointment's chain after staff moved the appointment, while
 * no question about the new time is open: a reminder's (YES, NO, CHANGE), or a numbered list of open
 * times (`1`…`5`) texted before the move. The move closed the question, and its `rescheduled` text,
 * which asks the question again about the new time, has not gone yet (held until contact hours open;
 * chains that took a move before `patched('move-asks-to-confirm')` never ask it). The reply router
 * finds nothing to give the answer to; without this the patient would read "sorry, we didn't
 * understand. Reply JOIN to get in line", as if they had texted nonsense. They are told instead, in the
 * clinic's `rescheduled` wording (without its question line: nothing can take an answer yet), when the
 * visit is now. The answer itself is not carried out: a YES, NO or choice of a time meant for the old
 * time says nothing about the new one (the move's text asks when it goes).
 */
import type { Clinic } from '../clinics/clinics.js';
import { renderMessage } from '../clinics/messageTemplates.js';
import type { Sql } from '../db/sql.js';
import { appointmentMessageKey, type AppointmentPromptKind } from '../workflows/appointmentDefinitions.js';

/** The question a reminder asks, which expires at the start it asked about. */
const REMINDER_QUESTION: AppointmentPromptKind = 'appointment_reminder';
/** The numbered list of open times, which expires a day after it was texted (never past the start). */
const LIST_QUESTION: AppointmentPromptKind = 'reschedule_slots';

/**
 * The reply to `answer` (normal form, `readAnswer`) from `phone` (E.164) at `clinic` that no open
 * question took, when the patient's latest question there was a reminder or a list of open times that
 * accepted that answer and has closed, its appointment is still open (booked or confirmed) and ahead,
 * and staff moved it since the question was asked: for a reminder, its expiry is not the start (it
 * expires at the start it asked about); for a list, the appointment is `booked` (a time the patient
 * picks from a list confirms it, a staff move makes it `booked` again) and no message or call about
 * the start now (its delivery key names the start: `appointmentMessageKey`) had gone out when the list
 * was texted. Then the `rescheduled` text for the appointment as it stands, in the appointment's
 * language; otherwise null, and the caller answers as to any stray text.
 */
export async function answerMovedAppointment(sql: Sql, clinic: Clinic, phone: string, answer: string): Promise<string | null> {
  const [asked] = await sql<
    {
      kind: string;
      asked_at: Date;
      expires_at: Date;
      appointment_id: string;
      status: string;
      patient_name: string;
      provider_name: string;
      starts_at: Date;
      language: string;
    }[]
  >`
    select p.kind, p.asked_at, p.expires_at, a.id::text as appointment_id, a.status, a.patient_name, pr.name as provider_name, a.starts_at, a.language
    from (
      select workflow_id, kind, answers, asked_at, expires_at, closed_at from patient_prompts
      where clinic_id = ${clinic.id} and phone = ${phone}
      order by asked_at desc, id desc limit 1
    ) p
    join appointments a on a.workflow_id = p.workflow_id and a.clinic_id = ${clinic.id}
    join providers pr on pr.id = a.provider_id
    where p.kind in (${REMINDER_QUESTION}, ${LIST_QUESTION}) and p.closed_at is not null and ${answer} = any (p.answers)
      and a.status in ('booked', 'confirmed') and a.starts_at > now()`;
  if (asked === undefined) return null;
  const movedByStaff =
    asked.kind === REMINDER_QUESTION
      ? asked.expires_at.getTime() !== asked.starts_at.getTime()
      : asked.status === 'booked' && !(await wasAboutTheStartNow(sql, asked));
  if (!movedByStaff) return null;
  const { text } = await renderMessage(sql, {
    clinic,
    kind: 'rescheduled',
    language: asked.language,
    values: { patientName: asked.patient_name, doctorName: asked.provider_name, startsAt: asked.starts_at },
  });
  return text;
}

/**
 * Whether a list of times was about its appointment's start now: a message or call about appointment
 * `appointment_id` at `starts_at` had gone out by the time the list was texted (`asked_at`).
 */
async function wasAboutTheStartNow(sql: Sql, list: { appointment_id: string; starts_at: Date; asked_at: Date }): Promise<boolean> {
  const aboutTheStart = appointmentMessageKey(list.appointment_id, list.starts_at.toISOString(), '');
  const [row] = await sql<{ about: boolean }[]>`
    select exists (
      select 1 from messages where appointment_id = ${list.appointment_id} and starts_with(delivery_key, ${aboutTheStart}) and created_at <= ${list.asked_at}
    ) or exists (
      select 1 from calls where appointment_id = ${list.appointment_id} and starts_with(delivery_key, ${aboutTheStart}) and created_at <= ${list.asked_at}
    ) as about`;
  return row!.about;
}
