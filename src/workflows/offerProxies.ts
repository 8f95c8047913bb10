/**
 * The offer workflow's activities as it calls them, with their timeouts and retries: row writes are
 * local activities, texts and the winner's booking ordinary ones. Workflow code: bundled into the
 * sandbox with cancellationOfferWorkflow.ts, deterministic, no Node imports.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { OfferActivities } from '../activities/offers.js';
import { FailureType } from './definitions.js';

/** Row writes (and, in runs from before `offer-book-then-tell-once`, the booking): short Postgres calls, local activities bounded like the chains'. */
export const store = proxyLocalActivities<Omit<OfferActivities, 'sendOfferTexts' | 'sendOfferNotice' | 'sendOfferTextPass' | 'giveUpOfferTexts'>>({
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

/**
 * A pass over a round's texts and the giving up on those left (runs with `offer-hold-from-text`): each
 * tries every text once, so Twilio's throttling is retried by the workflow's next pass, not here; an
 * attempt's own retries cover a worker or Postgres gone for a moment, and a give-up waiting for a try
 * still in flight (up to a minute).
 */
export const passes = proxyActivities<Pick<OfferActivities, 'sendOfferTextPass' | 'giveUpOfferTexts'>>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '5 minutes',
  retry: { maximumInterval: '10 seconds', nonRetryableErrorTypes: [FailureType.InvalidData] },
});

/** The winner's booking, once the choice is committed (see offerWinner.ts): a few Postgres writes. */
export const booking = proxyActivities<Pick<OfferActivities, 'bookOfferedSlot'>>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { maximumInterval: '30 seconds', nonRetryableErrorTypes: [FailureType.InvalidData] },
});
