/**
 * An appointment's row as the chain's activities read it: the patient, the provider (and whether staff
 * made them inactive), the channel, the start and the follow-up date.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../db/sql.js';
import { FailureType } from '../workflows/definitions.js';

/** An appointment joined with its provider; `starts_at` UTC, `follow_up_date` `YYYY-MM-DD`. */
export interface AppointmentRow {
  id: string;
  clinic_id: number;
  patient_name: string;
  language: string;
  service: string;
  provider_id: number;
  provider_name: string;
  /** false once staff have made the provider inactive. */
  provider_active: boolean;
  phone: string;
  channel: 'sms' | 'whatsapp' | 'voice';
  starts_at: Date;
  duration_minutes: number;
  follow_up_date: string | null;
}

/**
 * The appointment `appointmentId` and its provider.
 * @throws ApplicationFailure `InvalidData` (non-retryable) when there is no such appointment.
 */
export async function findAppointment(sql: Sql, appointmentId: string): Promise<AppointmentRow> {
  const [row] = await sql<AppointmentRow[]>`
    select a.id::text as id, a.clinic_id, a.patient_name, a.language, a.service, a.provider_id, p.name as provider_name, p.active as provider_active, a.phone, a.channel,
           a.starts_at, a.duration_minutes, a.follow_up_date::text as follow_up_date
    from appointments a join providers p on p.id = a.provider_id
    where a.id = ${appointmentId}`;
  if (row === undefined) throw ApplicationFailure.nonRetryable(`no appointment ${appointmentId}`, FailureType.InvalidData);
  return row;
}
