/**
 * A cancellation's slot as the offer activities read it (its provider, time, place and status), the
 * values of the texts about it, and the refusal of a step whose provider staff have made inactive.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../db/sql.js';
import type { MessageValues } from '../domain/messageValues.js';
import { FailureType } from '../workflows/definitions.js';
import type { CancellationStatus } from '../workflows/offerDefinitions.js';

/** A `cancellation_events` row with its provider's type; ids as text, instants as Dates. */
export interface SlotRow {
  id: string;
  clinic_id: number;
  provider_id: number;
  provider_type: string | null;
  location: string;
  slot_start_at: Date;
  slot_end_at: Date;
  status: CancellationStatus;
  appointment_id: string | null;
  filled_by_appointment_id: string | null;
}

/**
 * The refusal of an offer step whose slot's provider staff have made inactive (see src/activities/offers.ts):
 * a non-retryable ApplicationFailure `ProviderInactive`.
 */
export const providerInactive = (slot: Pick<SlotRow, 'id' | 'provider_id'>) =>
  ApplicationFailure.create({
    type: FailureType.ProviderInactive,
    message: `provider ${slot.provider_id} of cancellation ${slot.id} has been made inactive`,
    nonRetryable: true,
  });

/**
 * The slot of cancellation `cancellationId`.
 * @throws ApplicationFailure `InvalidData` (non-retryable) for an unknown cancellation.
 */
export async function findSlot(sql: Sql, cancellationId: string): Promise<SlotRow> {
  const [row] = await sql<SlotRow[]>`
    select c.id::text, c.clinic_id, c.provider_id, p.type as provider_type, c.location, c.slot_start_at, c.slot_end_at, c.status,
           c.appointment_id::text, c.filled_by_appointment_id::text
    from cancellation_events c join providers p on p.id = c.provider_id
    where c.id = ${cancellationId}`;
  if (row === undefined) throw ApplicationFailure.nonRetryable(`no cancellation ${cancellationId}`, FailureType.InvalidData);
  return row;
}

/** The values of an offer text: the slot's time and place only (no provider, service or name); `holdMinutes` for the offer itself. */
export const slotValues = (slot: SlotRow, holdMinutes?: number): MessageValues => ({
  startsAt: slot.slot_start_at,
  location: slot.location,
  ...(holdMinutes === undefined ? {} : { holdMinutes }),
});
