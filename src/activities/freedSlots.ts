/**
 * A cancelled appointment's slot handed to the waitlist: logged as a cancellation and its offer
 * workflow started, on behalf of the appointment's chain (the chain's `offerFreedSlot`).
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { getClinicById } from '../clinics/clinics.js';
import type { Sql } from '../db/sql.js';
import { createCancellation } from '../waitlist/cancellations.js';
import { startOfferWorkflow } from '../waitlist/offerWorkflows.js';
import { FailureType } from '../workflows/definitions.js';
import { failPermanentErrorsFast } from './permanentFailures.js';

/** The freed-slot activity (`offerFreedSlot`), bound to a Postgres pool, and a Temporal client and task queue to start offer workflows on. */
export function createFreedSlotActivities({ sql, temporal, taskQueue }: { sql: Sql; temporal: Client; taskQueue: string }) {
  return {
    /**
     * Logs the slot of cancelled appointment `appointmentId` at `startsAt` (ISO 8601) as a
     * cancellation to offer, at the clinic's name as its location, and starts its offer workflow on
     * `taskQueue`; once per appointment and start (a retry finds both). Nothing when the slot has
     * begun by `now` (the chain's clock, ISO 8601), nor when staff have made its provider inactive:
     * a provider who no longer works at the clinic has no slot to give a waitlist patient.
     * @returns the offer workflow's ID, or null when nothing is offered.
     * @throws ApplicationFailure `InvalidData` (non-retryable) for an unknown appointment.
     */
    async offerFreedSlot(input: { appointmentId: string; startsAt: string; now: string }): Promise<string | null> {
      return failPermanentErrorsFast('offerFreedSlot', async () => {
        const [appointment] = await sql<{ clinic_id: number; provider_id: number; provider_active: boolean; duration_minutes: number }[]>`
          select a.clinic_id, a.provider_id, p.active as provider_active, a.duration_minutes
          from appointments a join providers p on p.id = a.provider_id where a.id = ${input.appointmentId}`;
        if (appointment === undefined) throw ApplicationFailure.nonRetryable(`no appointment ${input.appointmentId}`, FailureType.InvalidData);
        const startsAt = new Date(input.startsAt);
        if (startsAt <= new Date(input.now) || !appointment.provider_active) return null;
        const clinic = await getClinicById(sql, appointment.clinic_id);
        const cancellation = await createCancellation(sql, clinic, {
          providerId: appointment.provider_id,
          location: clinic.name,
          slotStartAt: startsAt,
          slotEndAt: new Date(startsAt.getTime() + appointment.duration_minutes * 60_000),
          reason: 'appointment cancelled',
          createdBy: 'appointment',
          appointmentId: input.appointmentId,
        });
        await startOfferWorkflow({ sql, temporal, taskQueue }, clinic, cancellation);
        return cancellation.workflowId;
      });
    },
  };
}
