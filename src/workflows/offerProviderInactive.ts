/**
 * A provider made inactive (`patched('offer-provider-inactive-withdraws')`): staff's `PATCH` aborts
 * the provider's open cancellations, but the abort finds no workflow that has not started yet and is
 * refused by one a YES has just filled. So a round, its texts and the booking each refuse
 * (`ProviderInactive`, src/activities/offers.ts) once the provider is inactive, and the workflow then
 * ends as an abort ends it: pending offers withdrawn, each patient told (`offer_withdrawn`); a winner
 * not yet booked is told so too, in place of the booking, and the others queued for "taken" are told
 * "withdrawn" instead (offerWinner.ts); a round refused before its texts went ends without a word to
 * its patients (offerRound.ts). Workflow code: bundled into the sandbox with
 * cancellationOfferWorkflow.ts, deterministic, no Node imports.
 */
import { ActivityFailure, ApplicationFailure, patched } from '@temporalio/workflow';
import { FailureType } from './definitions.js';

/** Feature flag of the slot withdrawn when an activity finds its provider made inactive (see the module docstring). */
export const PROVIDER_INACTIVE_PATCH = 'offer-provider-inactive-withdraws';

/** Who a withdrawal for an inactive provider is logged as made by. */
export const PROVIDER_INACTIVE = 'the provider made inactive';

/**
 * Whether an offer activity refused its step because the slot's provider was made inactive (in runs
 * with the patch). A local activity's failure arrives as its ApplicationFailure, an ordinary one's wrapped.
 */
export const refusedForInactiveProvider = (error: unknown): boolean => {
  const failure = error instanceof ActivityFailure ? error.cause : error;
  return failure instanceof ApplicationFailure && failure.type === FailureType.ProviderInactive && patched(PROVIDER_INACTIVE_PATCH);
};
