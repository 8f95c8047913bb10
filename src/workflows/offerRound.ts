/**
 * A round of an offer workflow: offers made for the free places of the batch (`makeOffers`), then
 * texted (`sendOfferTexts`). A round that finds the provider made inactive withdraws the slot
 * (offerProviderInactive.ts). Workflow code: bundled into the sandbox with
 * cancellationOfferWorkflow.ts, deterministic, no Node imports.
 *
 * A round the cancellation's end overtakes (`patched('offer-round-ends-with-cancellation')`): staff's
 * abort (or a YES to an earlier offer) can reach the workflow while a round is being made or texted,
 * which takes seconds with many texts or a slow or throttled Twilio. A round still being made is ended
 * as soon as it is made, every offer `canceled` and nobody texted. A round being texted has its offers'
 * ends written at once, while its texts go, so a text not yet sent (one that waits for a retry after
 * Twilio's 429) finds its offer ended and never goes. The notices are then sent only to the patients
 * whose offer text went (`sendOfferNotice` checks), so those already texted are told the opening is
 * withdrawn and nobody else hears of it. Before the patch such a round was texted all the same, and a
 * round still being made was left `pending`, which kept its patients from every other offer.
 *
 * A round whose texts cannot be sent (`patched('offer-round-unsent-texts-fail')`): `sendOfferTexts`
 * fails when Twilio throttles or fails them (429, 5xx, no answer) until its 30 minutes of retries run
 * out, or on an error no retry fixes. The texts of the round Twilio has not taken are ended in the
 * message log (`settleUnsentOfferTexts`: `failed`, so no late try sends them), their offers end
 * `failed` as a refused text's do, freeing their patients for the next candidate and for every other
 * slot, and the offers whose text went hold on. The next round waits `UNSENT_ROUND_PAUSE_MINUTES`
 * (`nextRoundAt`), so a Twilio that fails at once is not asked round after round; a slot whose lead
 * time comes first expires. Before the patch the failure failed the whole workflow: the cancellation
 * stayed `open` with its offers `pending` for ever, and staff could not abort it.
 */
import { ActivityFailure, condition, isCancellation, log, patched } from '@temporalio/workflow';
import type { OfferChanges } from './offerChanges.js';
import type { CancellationOfferInput, CancellationOfferState, OfferRecord } from './offerDefinitions.js';
import { PROVIDER_INACTIVE, refusedForInactiveProvider } from './offerProviderInactive.js';
import { store, texts } from './offerProxies.js';

/** Feature flag of a round that the cancellation's end overtakes being ended with it (see the module docstring). */
export const ROUND_ENDS_WITH_CANCELLATION_PATCH = 'offer-round-ends-with-cancellation';

/** Feature flag of a round whose texts cannot be sent ending their offers `failed`, not the workflow (see the module docstring). */
export const UNSENT_ROUND_PATCH = 'offer-round-unsent-texts-fail';

/** Minutes the next round waits after a round whose texts could not be sent. */
export const UNSENT_ROUND_PAUSE_MINUTES = 10;

/** What a round needs from its workflow. */
export interface RoundDeps {
  input: CancellationOfferInput;
  /** The workflow's live state: its batch and round numbers and its offers. */
  state: CancellationOfferState;
  /** The workflow's ID (the round's prompts name it). */
  workflowId: string;
  changes: OfferChanges;
  /** Called on every change, so the workflow's loop wakes up to re-plan. */
  changed: () => void;
}

/** The round maker of the offer workflow of `input`, on its live state `s`; see `makeRound`. */
export function createOfferRound({ input, state: s, workflowId, changes, changed }: RoundDeps) {
  const { settings } = input;
  const holdMs = settings.holdMinutes * 60_000;
  const { pending, isOpen, end, withdraw } = changes;

  /**
   * Texts a round's offers (`sendOfferTexts`). When the cancellation ends while they go (in runs with
   * the patch), the offers' ends are written at once, so a text the activity has not sent yet is not sent.
   * @returns the offers whose text did not go or came back failed.
   */
  const textRound = async (offerIds: string[]): Promise<string[]> => {
    const sending = texts.sendOfferTexts({ offerIds, holdMinutes: settings.holdMinutes });
    const round = { done: false };
    // Observed here only to wake the condition: a failure is thrown by the await below.
    sending.then(
      () => (round.done = true),
      () => (round.done = true),
    );
    await condition(() => round.done || !isOpen());
    if (!round.done && changes.writesQueued() && patched(ROUND_ENDS_WITH_CANCELLATION_PATCH)) await changes.writeQueued();
    return sending;
  };

  /**
   * Makes a round of offers for `free` places at `now` (epoch ms, the workflow's clock), a new batch when
   * none is pending, and texts them; an offer whose text failed is ended `failed`.
   * @returns whether the round found fewer patients than places (nobody new is left), or null when it
   *   ended without texting anyone (the cancellation ended meanwhile, or the provider was made inactive).
   * @throws the round's activity failures, other than a refusal for an inactive provider and (in runs
   *   with the patch) its texts that could not be sent.
   */
  return async function makeRound(free: number, now: number): Promise<boolean | null> {
    if (pending().length === 0) s.batch++;
    s.round++;
    let made: OfferRecord[];
    try {
      made = await store.makeOffers({
        cancellationId: input.cancellationId,
        workflowId,
        round: s.round,
        batch: s.batch,
        count: free,
        holdExpiresAt: new Date(now + holdMs).toISOString(),
        now: new Date(now).toISOString(),
        maxOffersPerDay: settings.maxOffersPerDay,
      });
    } catch (error) {
      if (!refusedForInactiveProvider(error)) throw error;
      // A YES may have filled it meanwhile: then the booking finds the provider inactive too.
      if (isOpen()) withdraw(PROVIDER_INACTIVE);
      return null;
    }
    s.offers.push(...made.filter((o) => !s.offers.some((known) => known.offerId === o.offerId)));
    if (!isOpen() && patched(ROUND_ENDS_WITH_CANCELLATION_PATCH)) {
      // The cancellation ended while the round was being made: none of its texts went, so nobody is told anything.
      const unsent = new Set(made.map((o) => o.offerId));
      for (const offer of pending()) if (unsent.has(offer.offerId)) end(offer, 'canceled');
      return null;
    }
    let failed: string[];
    try {
      failed = await textRound(made.map((o) => o.offerId));
    } catch (error) {
      if (refusedForInactiveProvider(error)) {
        // None of the round's texts went: its patients never heard of the slot, so nobody tells them it is gone.
        const unsent = new Set(made.map((o) => o.offerId));
        for (const offer of pending()) if (unsent.has(offer.offerId)) end(offer, 'canceled');
        if (isOpen()) withdraw(PROVIDER_INACTIVE);
        // An abort (staff's, or the one just made) queued a notice for them too.
        changes.dropNotices(unsent);
        return null;
      }
      if (!(error instanceof ActivityFailure) || isCancellation(error) || !patched(UNSENT_ROUND_PATCH)) throw error;
      failed = await store.settleUnsentOfferTexts({ offerIds: made.map((o) => o.offerId) });
      log.warn('offer texts not sent', { round: s.round, unsent: failed.length, reason: error.cause?.message ?? error.message });
      s.nextRoundAt = Date.now() + UNSENT_ROUND_PAUSE_MINUTES * 60_000;
    }
    for (const offerId of failed) {
      const offer = s.offers.find((o) => o.offerId === offerId);
      if (offer?.state === 'pending') end(offer, 'failed');
    }
    changed();
    return made.length < free;
  };
}
