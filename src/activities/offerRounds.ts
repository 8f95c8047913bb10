/**
 * Making a round of offers: the offer workflow's pick of the best-placed eligible patients for a freed
 * slot, their `offers` rows and YES / NO prompts, and the replies their answers will get. Idempotent by
 * the round's number: a retried round finds the offers it made.
 */
import { getClinicById } from '../clinics/clinics.js';
import { renderMessage } from '../clinics/messageTemplates.js';
import { resolvePatientLanguage } from '../clinics/patientLanguages.js';
import type { Sql } from '../db/sql.js';
import type { OfferKind } from '../domain/messageTemplates.js';
import { invitedOfferAnswers, OFFER_ANSWERS } from '../domain/offerAnswers.js';
import { rankByPriority } from '../domain/waitlistPriority.js';
import { answerOfferUpdate, OFFER_PROMPT_KIND, type OfferRecord, type OfferState } from '../workflows/offerDefinitions.js';
import { eligibleEntries } from './offerCandidates.js';
import { findSlot, providerInactive, slotValues } from './offerSlots.js';
import { failPermanentErrorsFast } from './permanentFailures.js';

/** Input of `makeOffers`: one send round of the workflow. */
export interface MakeOffersInput {
  cancellationId: string;
  workflowId: string;
  /** The workflow's round number: a retried round finds the offers it made. */
  round: number;
  batch: number;
  /** How many places are free in the batch. */
  count: number;
  /** When the new offers' holds end (ISO 8601): the workflow's clock plus the hold. */
  holdExpiresAt: string;
  /** The workflow's clock (ISO 8601), for ranking and the daily cap. */
  now: string;
  maxOffersPerDay: number;
}

/** The round activity (`makeOffers`), bound to a Postgres pool. */
export function createOfferRoundActivities({ sql }: { sql: Sql }) {
  return {
    /**
     * One round's offers: picks the `count` best eligible entries (`eligibleEntries`, ranked by
     * `rankByPriority` at `now`), records their offers (`pending`, this batch and round) and opens each
     * patient's YES / NO prompt until the hold ends; the texts go next (`sendOfferTexts`), so an answer
     * always finds its offer in the workflow. A retried round finds the offers it recorded.
     * @returns the round's offers with their ready replies, in the patient's language.
     * @throws ApplicationFailure `ProviderInactive` (non-retryable, nothing written) for a new round
     *   once the slot's provider is inactive, read under a share lock of their row: a deactivation
     *   commits either before the round or after its offers are written.
     */
    async makeOffers(input: MakeOffersInput): Promise<OfferRecord[]> {
      return failPermanentErrorsFast('makeOffers', async () => {
        const slot = await findSlot(sql, input.cancellationId);
        const clinic = await getClinicById(sql, slot.clinic_id);
        const holdExpiresAt = new Date(input.holdExpiresAt);
        const now = new Date(input.now);
        await sql.begin(async (tx) => {
          // The provider's row first, as every writer of their slots locks it (createCancellation, bookOfferedSlot).
          const [provider] = await tx<{ active: boolean }[]>`select active from providers where id = ${slot.provider_id} for share`;
          // One round at a time per cancellation: the round's offers are picked and written together.
          await tx`select 1 from cancellation_events where id = ${slot.id} for update`;
          const [made] = await tx`select 1 from offers where cancellation_id = ${slot.id} and round = ${input.round} limit 1`;
          if (made !== undefined) return;
          if (!provider!.active) throw providerInactive(slot);
          const eligible = await eligibleEntries(sql, slot, clinic, now, input.maxOffersPerDay);
          const ranked = rankByPriority(
            eligible.map((row) => ({ ...row, id: row.entry_id, manualBoost: row.manual_boost, currentApptAt: row.current_appt_at, joinedAt: row.joined_at })),
            now,
          );
          for (const c of ranked.slice(0, input.count)) {
            const language = await resolvePatientLanguage(sql, clinic, c.phone);
            await tx`
              insert into offers (clinic_id, cancellation_id, patient_id, entry_id, phone, channel, language, batch_number, round, hold_expires_at)
              values (${clinic.id}, ${slot.id}, ${c.patient_id}, ${c.entry_id}, ${c.phone}, ${c.channel}, ${language}, ${input.batch}, ${input.round},
                      ${holdExpiresAt})`;
            await tx`update patients set last_contacted_at = now() where id = ${c.patient_id}`;
            await tx`
              insert into patient_prompts (clinic_id, phone, workflow_id, update_name, kind, answers, invited, expires_at)
              values (${clinic.id}, ${c.phone}, ${input.workflowId}, ${answerOfferUpdate.name}, ${OFFER_PROMPT_KIND}, ${[...OFFER_ANSWERS]},
                      ${invitedOfferAnswers(language)}, ${holdExpiresAt})
              on conflict (workflow_id, phone) where closed_at is null do nothing`;
          }
        });
        const rows = await sql<{ id: string; phone: string; language: string; batch_number: number; state: OfferState; hold_expires_at: Date }[]>`
          select id::text, phone, language, batch_number, state, hold_expires_at from offers
          where cancellation_id = ${slot.id} and round = ${input.round} order by id`;
        const offers: OfferRecord[] = [];
        for (const row of rows) {
          const reply = async (kind: OfferKind) => (await renderMessage(sql, { clinic, kind, language: row.language, values: slotValues(slot) })).text;
          offers.push({
            offerId: row.id,
            phone: row.phone,
            batch: row.batch_number,
            state: row.state,
            holdExpiresAt: row.hold_expires_at.getTime(),
            replies: { won: await reply('offer_won'), taken: await reply('offer_taken'), declined: await reply('offer_declined') },
          });
        }
        return offers;
      });
    },
  };
}
