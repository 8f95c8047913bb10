/**
 * The offer workflow's activities as it calls them, with their timeouts and retries: row writes are
 * local activities, texts and the winner's booking ordinary ones. Workflow code: bundled into the
 * sandbox with cancellationOfferWorkflow.ts, deterministic, no Node imports.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { OfferActivities } from '../activities/offers.js';
import { FailureType } from './definitions.js';

/** Row writes (and, in runs from before `offer-book-then-tell-once`, the booking): short Postgres calls, local activities bounded like the chains'. */
export const store = proxyLocalActivities<Omit<OfferActivities, 'sendOfferTexts' | 'sendOfferNotice'>>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { maximumInterval: '30 seconds', nonRetryableErrorTypes: [FailureType.InvalidData] },
});

/** Texts go through the provider: ordinary activities, retried for up to 30 minutes like every send. */
export const texts = proxyActivities<Pick<OfferActivities, 'sendOfferTexts' | 'sendOfferNotice'>>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '30 minutes',
  retry: { maximumInterval: '1 minute', nonRetryableErrorTypes: [FailureType.InvalidData, FailureType.MessageRejected] },
});

/** The winner's booking, once the choice is committed (see offerWinner.ts): a few Postgres writes. */
export const booking = proxyActivities<Pick<OfferActivities, 'bookOfferedSlot'>>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { maximumInterval: '30 seconds', nonRetryableErrorTypes: [FailureType.InvalidData] },
});
