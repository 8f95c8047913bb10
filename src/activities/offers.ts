/**
 * Waitlist offer activities: the offer workflow's rounds of offers (`offerRounds.ts`, with who may be
 * offered in `offerCandidates.ts`), their texts and notices (`offerTexts.ts`), its writes of offer and
 * cancellation rows (`offerRecords.ts`), the winner's booking (`offerBooking.ts`), and the cancellation
 * (and its offer workflow) a cancelled appointment logs (`freedSlots.ts`); the slot they all read is
 * in `offerSlots.ts`. Every one is idempotent: a send round is keyed by its number, each text by the
 * offer and its kind, the booking by the cancellation.
 *
 * A provider staff make inactive has no slot to give (`PATCH /api/providers/{id}`, which then aborts
 * their open cancellations). The abort can miss a workflow (not started yet, or Temporal not answering)
 * or reach it late (a YES came first), so a round, a batch's texts and the booking each check that the
 * provider is still active where they write, and refuse with the non-retryable `ProviderInactive`
 * (nothing written or sent): the workflow then withdraws the slot as an abort does.
 */
import type { Client } from '@temporalio/client';
import type { Sql } from '../db/sql.js';
import type { Messenger } from '../messaging/messenger.js';
import { createFreedSlotActivities } from './freedSlots.js';
import { createOfferBookingActivities } from './offerBooking.js';
import { createOfferRecordActivities } from './offerRecords.js';
import { createOfferRoundActivities } from './offerRounds.js';
import { createOfferTextActivities } from './offerTexts.js';

/**
 * The offer activities, bound to a Postgres pool, a messenger, and a Temporal client and task queue
 * (on which `offerFreedSlot` starts offer workflows).
 */
export function createOfferActivities({ sql, messenger, temporal, taskQueue }: { sql: Sql; messenger: Messenger; temporal: Client; taskQueue: string }) {
  return {
    ...createOfferRoundActivities({ sql }),
    ...createOfferTextActivities({ sql, messenger }),
    ...createOfferRecordActivities({ sql }),
    ...createOfferBookingActivities({ sql }),
    ...createFreedSlotActivities({ sql, temporal, taskQueue }),
  };
}

/** The offer activities' interface, as the workflows proxy it. */
export type OfferActivities = ReturnType<typeof createOfferActivities>;
