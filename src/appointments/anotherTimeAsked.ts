/**
 * Whether staff should call a patient back about another time: on a reminder call to a landline the
 * patient pressed 2 (another time) and was asked to call the clinic. No text can reach a landline, so
 * the chain was not asked for a list of times (src/api/voiceWebhooks.ts) and its question stays open
 * until it lapses: the call log is the only record, and the Appointments page and
 * `GET /api/appointments/{id}` show it from there.
 */
import type { Sql } from '../db/sql.js';
import { isKnownLandline } from '../messaging/knownLandlines.js';
import { appointmentMessageKey, isOpenAppointment } from '../workflows/appointmentDefinitions.js';
import type { Appointment } from './appointments.js';
import type { Delivery } from './deliveryAttempts.js';

/**
 * When the reminder call was placed (UTC) on which the patient of `appointment`, still open and at the
 * time that call was about, last chose on the keypad another time from a known landline
 * (knownLandlines.ts); null when no such call, when a later call's choice was another (1 or 3), when
 * the appointment was moved or closed since, or when the number takes texts (the open times were
 * texted). `deliveries` are the appointment's (`listDeliveries`).
 */
export async function findAnotherTimeAskedByPhone(sql: Sql, appointment: Appointment, deliveries: readonly Delivery[]): Promise<Date | null> {
  if (!isOpenAppointment(appointment.status)) return null;
  // A call about an earlier time of a moved appointment was answered by the move.
  const aboutThisTime = appointmentMessageKey(appointment.id, appointment.startsAt.toISOString(), '');
  const choices = deliveries
    .filter((delivery) => delivery.key.startsWith(aboutThisTime))
    .flatMap((delivery) => delivery.attempts)
    .filter((attempt) => attempt.channel === 'voice' && attempt.choice !== null)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const last = choices.at(-1);
  if (last?.choice !== 'reschedule') return null;
  return (await isKnownLandline(sql, appointment.phone)) ? last.at : null;
}
