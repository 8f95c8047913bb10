/**
 * The offer workflow's writes of what it decided: offers' ends, late answers, closed prompts and the
 * cancellation's own end. The workflow is the authority; each write is idempotent (a retry changes nothing).
 */
import { closePrompt } from '../inbound/patientPrompts.js';
import type { Sql } from '../db/sql.js';
import type { CancellationStatus, OfferState } from '../workflows/offerDefinitions.js';
import { failPermanentErrorsFast } from './permanentFailures.js';

/** An offer's state change to write; `answered` when the patient's reply made it. */
export interface OfferStateChange {
  offerId: string;
  state: Exclude<OfferState, 'pending'>;
  answered?: boolean;
}

/** The record activities (`recordOfferStates`, `recordLateAnswer`, `closeOfferPrompts`, `recordCancellationStatus`), bound to a Postgres pool. */
export function createOfferRecordActivities({ sql }: { sql: Sql }) {
  return {
    /**
     * Writes offers' new states as the workflow decided them (a retry changes nothing). The workflow is
     * the authority: a state written by a workflow task attempt that was never committed (a local
     * activity runs inside the task) is overwritten by the committed one's.
     */
    async recordOfferStates(changes: OfferStateChange[]): Promise<void> {
      await failPermanentErrorsFast('recordOfferStates', async () => {
        for (const change of changes) {
          await sql`
            update offers set state = ${change.state}, ended_at = now(), answered_at = case when ${change.answered ?? false} then now() else answered_at end
            where id = ${change.offerId} and state <> ${change.state}`;
        }
      });
    },

    /** Records that a patient answered offer `offerId` after it ended (a YES after the slot was taken). */
    async recordLateAnswer(offerId: string): Promise<void> {
      await failPermanentErrorsFast('recordLateAnswer', async () => {
        await sql`update offers set answered_at = coalesce(answered_at, now()) where id = ${offerId}`;
      });
    },

    /** Closes the workflow's open prompts (to every patient it asked, or only `phone`). */
    async closeOfferPrompts(input: { workflowId: string; phone?: string }): Promise<void> {
      await failPermanentErrorsFast('closeOfferPrompts', async () => {
        if (input.phone === undefined) await closePrompt(sql, input.workflowId);
        else await sql`update patient_prompts set closed_at = now() where workflow_id = ${input.workflowId} and phone = ${input.phone} and closed_at is null`;
      });
    },

    /** Writes the cancellation's end: `filled`, `expired` or `aborted` (once: a retry changes nothing). */
    async recordCancellationStatus(input: { cancellationId: string; status: Exclude<CancellationStatus, 'open'> }): Promise<void> {
      await failPermanentErrorsFast('recordCancellationStatus', async () => {
        await sql`update cancellation_events set status = ${input.status}, ended_at = now() where id = ${input.cancellationId} and status = 'open'`;
      });
    },
  };
}
