/**
 * Booking a freed slot for the patient whose YES won it: an appointment row with the slot's provider,
 * time and length, the winner's waitlist entry closed and their offer question closed, once per
 * cancellation.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { appointmentSnapshot } from '../appointments/bookAppointment.js';
import { getAppointment, insertAppointment } from '../appointments/appointments.js';
import { getClinicById } from '../clinics/clinics.js';
import { getClinicSettings } from '../clinics/clinicSettings.js';
import type { Sql } from '../db/sql.js';
import type { AppointmentSnapshot } from '../workflows/appointmentDefinitions.js';
import { FailureType } from '../workflows/definitions.js';
import { OFFER_PROMPT_KIND } from '../workflows/offerDefinitions.js';
import { findSlot, providerInactive } from './offerSlots.js';
import { failPermanentErrorsFast } from './permanentFailures.js';

/**
 * The service of a visit booked from a waitlist offer when nothing says what it is for: the patient's
 * waitlist entry names no later appointment of theirs this one brings forward.
 */
export const UNKNOWN_OFFER_SERVICE = 'Not given (booked from a waitlist offer)';

/** The booking activity (`bookOfferedSlot`), bound to a Postgres pool. */
export function createOfferBookingActivities({ sql }: { sql: Sql }) {
  return {
    /**
     * Books the slot for the winner of offer `offerId`: a `booked` appointment with the slot's
     * provider, time and length, on the patient's channel and language, for the service of the
     * winner's own appointment their waitlist entry is waiting to bring forward (its `current_appt_at`,
     * same phone), else `UNKNOWN_OFFER_SERVICE`: never the cancelled appointment's (another patient's
     * reason); the winner's waitlist entry and offer question are closed. Once per cancellation: a retry returns the same appointment. Written in one
     * transaction under the provider's row lock, as every booking of their time.
     * @returns the appointment's chain snapshot, to start its reminder chain with.
     * @throws ApplicationFailure `ProviderInactive` (non-retryable, nothing written; the entry stays
     *   active) when staff made the provider inactive before the slot was booked.
     */
    async bookOfferedSlot(input: { cancellationId: string; offerId: string }): Promise<AppointmentSnapshot> {
      return failPermanentErrorsFast('bookOfferedSlot', async () => {
        const slot = await findSlot(sql, input.cancellationId);
        const clinic = await getClinicById(sql, slot.clinic_id);
        const settings = await getClinicSettings(sql, clinic.id);
        const appointmentId = await sql.begin(async (tx) => {
          const [provider] = await tx<{ active: boolean }[]>`select active from providers where id = ${slot.provider_id} for update`;
          // Read after the lock, in a statement of its own: it sees what an attempt before this one committed.
          const [cancellation] = await tx<{ filled: string | null }[]>`
            select filled_by_appointment_id::text as filled from cancellation_events where id = ${slot.id}`;
          // Booked before the provider was made inactive (a retry): the booking stands, as their other appointments do.
          if (cancellation!.filled !== null) return cancellation!.filled;
          if (!provider!.active) throw providerInactive(slot);
          const [winner] = await tx<{ phone: string; channel: 'sms' | 'whatsapp'; language: string; display_name: string | null; entry_id: string }[]>`
            select o.phone, o.channel, o.language, p.display_name, o.entry_id::text from offers o join patients p on p.id = o.patient_id
            where o.id = ${input.offerId}`;
          if (winner === undefined) throw ApplicationFailure.nonRetryable(`no offer ${input.offerId}`, FailureType.InvalidData);
          // The visit the patient waits to bring forward, if the entry names one: this one is for the same reason.
          const [current] = await tx<{ service: string }[]>`
            select a.service from waitlist_entries e
            join appointments a on a.clinic_id = e.clinic_id and a.phone = ${winner.phone} and a.starts_at = e.current_appt_at
            where e.id = ${winner.entry_id}
            order by a.id desc limit 1`;
          const booked = await insertAppointment(tx, {
            clinicId: clinic.id,
            clinicSlug: clinic.slug,
            providerId: slot.provider_id,
            patientName: winner.display_name ?? 'Waitlist patient',
            phone: winner.phone,
            language: winner.language,
            // Never the cancelled appointment's service: that is the other patient's reason for their visit.
            service: current?.service ?? UNKNOWN_OFFER_SERVICE,
            channel: winner.channel,
            startsAt: slot.slot_start_at,
            durationMinutes: Math.max(5, Math.min(480, Math.round((slot.slot_end_at.getTime() - slot.slot_start_at.getTime()) / 60_000))),
          });
          // Attempts take the provider's row lock in turn, so the one that finds the slot unfilled fills it.
          await tx`update cancellation_events set filled_by_appointment_id = ${booked.id} where id = ${slot.id}`;
          await tx`update waitlist_entries set active = false, updated_at = now() where id = ${winner.entry_id}`;
          // The winner's offer question is answered: what they text next (NO, CHANGE, YES again) is about the
          // visit now (answerConfirmedAppointment.ts), not the offer, whose hold may still be running.
          await tx`
            update patient_prompts set closed_at = now()
            where phone = ${winner.phone} and kind = ${OFFER_PROMPT_KIND} and closed_at is null
              and workflow_id = (select workflow_id from cancellation_events where id = ${slot.id})`;
          return booked.id;
        });
        return appointmentSnapshot(clinic, settings, await getAppointment(sql, clinic.id, appointmentId));
      });
    },
  };
}
