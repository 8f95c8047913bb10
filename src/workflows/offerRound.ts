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
 *
 * Holds that start from the text (`patched('offer-hold-from-text')`): a round's texts go in passes, one
 * send activity per pass (`sendOfferTextPass`, every text still to go, all at once), which the round
 * starts and the main loop does not await: it goes on answering, expiring holds and offering freed
 * places while Twilio throttles a text. A pass starts the hold of each text Twilio took, `holdMinutes`
 * from its `sent_at` (the minutes the text states), and reports the texts to try again; the next pass
 * waits for Twilio's `Retry-After`, or 1 s doubling to 1 min, for up to `SEND_BUDGET_MS` (the 30 minutes
 * the old send activity's retries had). Then `giveUpOfferTexts` ends those left `failed`, but first
 * waits for a try still talking to Twilio and looks up one whose answer was lost: a text Twilio took
 * is adopted as sent and its offer held from then, so an offer and its text never disagree; the others
 * end `failed` with the pause above. Until its text goes an offer is made with the latest end its hold
 * could have (`HOLD_PENDING_MS` plus the hold); a new round waits for a pending hold that ends within
 * `HOLD_END_SLACK_MS`, so the holds of one pass, which went moments apart, end together and the next
 * batch goes out whole. Before the patch every hold ran from the round's making, so a throttled patient
 * got less time than the text said, or none; and the loop waited inside the round while its texts were
 * retried, so other holds expired (and the next patients were offered) late.
 */
import { ActivityFailure, condition, isCancellation, log, patched } from '@temporalio/workflow';
import type { OfferHeld, OfferTextPass } from '../activities/offerTexts.js';
import type { OfferChanges } from './offerChanges.js';
import type { CancellationOfferInput, CancellationOfferState, OfferRecord } from './offerDefinitions.js';
import { PROVIDER_INACTIVE, refusedForInactiveProvider } from './offerProviderInactive.js';
import { passes, store, texts } from './offerProxies.js';

/** Feature flag of a round that the cancellation's end overtakes being ended with it (see the module docstring). */
export const ROUND_ENDS_WITH_CANCELLATION_PATCH = 'offer-round-ends-with-cancellation';

/** Feature flag of a round whose texts cannot be sent ending their offers `failed`, not the workflow (see the module docstring). */
export const UNSENT_ROUND_PATCH = 'offer-round-unsent-texts-fail';

/** Minutes the next round waits after a round whose texts could not be sent. */
export const UNSENT_ROUND_PAUSE_MINUTES = 10;

/** Feature flag of holds that start from each offer's text, sent in passes the loop does not wait for (see the module docstring). */
export const HOLD_FROM_TEXT_PATCH = 'offer-hold-from-text';

/** How long a round's passes may try its texts (ms): the 30 minutes the round's send activity was retried for. */
export const SEND_BUDGET_MS = 30 * 60_000;

/** The latest an offer's text can go after its round is made (ms): the passes' budget and the give-up's own retries (offerProxies.ts). */
export const HOLD_PENDING_MS = SEND_BUDGET_MS + 5 * 60_000;

/** A pending hold ending this close (ms) holds back a new round, so the holds of one pass end together. */
export const HOLD_END_SLACK_MS = 30_000;

/** The wait before a round's second pass (ms), doubling each pass up to `LAST_PASS_WAIT_MS`, unless Twilio asked for longer. */
const FIRST_PASS_WAIT_MS = 1_000;
const LAST_PASS_WAIT_MS = 60_000;

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

/**
 * The round maker of the offer workflow of `input`, on its live state `s`: `makeRound`, with (in runs
 * with `offer-hold-from-text`) `textsGoing`, how many rounds' texts are still being sent, `holdEndsSoon`,
 * and `throwFailure`, which throws what failed a round's sending unexpectedly (the loop calls it when it wakes).
 */
export function createOfferRound({ input, state: s, workflowId, changes, changed }: RoundDeps) {
  const { settings } = input;
  const holdMs = settings.holdMinutes * 60_000;
  const { pending, isOpen, end, withdraw } = changes;
  let going = 0;
  let fromTextSeen = false;
  let failure: { error: unknown } | undefined;
  const find = (offerId: string) => s.offers.find((o) => o.offerId === offerId)!;
  /** A patient whose text did not go cannot be waiting to answer it: nothing holds the workflow open for them. */
  const noHold = (offerId: string) => {
    const offer = find(offerId);
    offer.holdExpiresAt = Math.min(offer.holdExpiresAt, Date.now());
  };
  /** Each offer whose text went holds until what is left of its hold has run, by the workflow's clock. */
  const hold = (sent: OfferHeld[]) => {
    for (const { offerId, holdLeftMs } of sent) find(offerId).holdExpiresAt = Date.now() + holdLeftMs;
  };
  const fail = (offerIds: string[]) => {
    for (const offerId of offerIds) {
      noHold(offerId);
      const offer = find(offerId);
      if (offer.state === 'pending') end(offer, 'failed');
    }
  };

  /** Ends a round's texts that the provider refused because it was made inactive: none went, so nobody is told. */
  const refuseInactive = (offerIds: string[]) => {
    const unsent = new Set(offerIds);
    for (const offer of pending()) if (unsent.has(offer.offerId)) end(offer, 'canceled');
    if (isOpen()) withdraw(PROVIDER_INACTIVE);
    // An abort (staff's, or the one just made) queued a notice for them too.
    changes.dropNotices(unsent);
  };

  /**
   * Texts `offerIds` in passes until each went, failed or was dropped, or `SEND_BUDGET_MS` ran out
   * (then `giveUpOfferTexts`); see the module docstring. Started, not awaited, by `makeRound`.
   */
  const textInPasses = async (offerIds: string[]): Promise<void> => {
    const deadline = Date.now() + SEND_BUDGET_MS;
    let left = offerIds;
    for (let pass = 0; left.length > 0; pass++) {
      // Ends decided meanwhile are written first: the pass finds those offers ended and sends them nothing.
      if (changes.writesQueued()) await changes.writeQueued();
      let result: OfferTextPass;
      try {
        result = await passes.sendOfferTextPass({ workflowId, offerIds: left, holdMinutes: settings.holdMinutes, sendUntil: new Date(deadline).toISOString() });
      } catch (error) {
        if (refusedForInactiveProvider(error)) {
          for (const offerId of left) noHold(offerId);
          refuseInactive(left);
          return;
        }
        if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
        log.warn('offer text pass failed', { round: s.round, reason: error.cause?.message ?? error.message });
        break;
      }
      hold(result.sent);
      fail(result.failed);
      for (const offerId of result.dropped) noHold(offerId);
      left = result.retry;
      changed();
      if (left.length === 0) return;
      const wait = Math.max(result.retryAfterMs ?? 0, Math.min(FIRST_PASS_WAIT_MS * 2 ** pass, LAST_PASS_WAIT_MS));
      if (Date.now() + wait >= deadline) break;
      // An offer ended meanwhile (a YES elsewhere, an abort) has its text withdrawn by the next pass at once.
      const waiting = left;
      await condition(() => waiting.every((offerId) => find(offerId).state !== 'pending'), wait);
    }
    let given: { sent: OfferHeld[]; unsent: string[] };
    try {
      given = await passes.giveUpOfferTexts({ workflowId, offerIds: left, holdMinutes: settings.holdMinutes });
    } catch (error) {
      if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
      given = { sent: [], unsent: await store.settleUnsentOfferTexts({ offerIds: left }) };
    }
    hold(given.sent);
    fail(given.unsent);
    log.warn('offer texts not sent', { round: s.round, unsent: given.unsent.length, sentAtLast: given.sent.length });
    if (given.unsent.length > 0) s.nextRoundAt = Date.now() + UNSENT_ROUND_PAUSE_MINUTES * 60_000;
    changed();
  };

  /** Starts `textInPasses`, counted in `going` until it ends; an unexpected failure is kept for `throwFailure`. */
  const startTexting = (offerIds: string[]) => {
    going++;
    textInPasses(offerIds)
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => {
        going--;
        changed();
      });
  };

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
  const makeRound = async (free: number, now: number): Promise<boolean | null> => {
    if (pending().length === 0) s.batch++;
    s.round++;
    const fromText = patched(HOLD_FROM_TEXT_PATCH);
    fromTextSeen ||= fromText;
    let made: OfferRecord[];
    try {
      made = await store.makeOffers({
        cancellationId: input.cancellationId,
        workflowId,
        round: s.round,
        batch: s.batch,
        count: free,
        // Held from its text: until it goes, the latest end its hold could have.
        holdExpiresAt: new Date(now + (fromText ? HOLD_PENDING_MS : 0) + holdMs).toISOString(),
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
      if (fromText) for (const offer of made) noHold(offer.offerId);
      return null;
    }
    if (fromText) {
      if (made.length > 0) startTexting(made.map((o) => o.offerId));
      changed();
      return made.length < free;
    }
    let failed: string[];
    try {
      failed = await textRound(made.map((o) => o.offerId));
    } catch (error) {
      if (refusedForInactiveProvider(error)) {
        refuseInactive(made.map((o) => o.offerId));
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

  return {
    makeRound,
    /** How many rounds' texts are still being sent (runs with `offer-hold-from-text`). */
    textsGoing: () => going,
    /** Whether a new round should wait for `offers`' hold ending within `HOLD_END_SLACK_MS` of `now` (once a round of this run held from its texts). */
    holdEndsSoon: (offers: OfferRecord[], now: number) => fromTextSeen && offers.some((o) => o.holdExpiresAt - now <= HOLD_END_SLACK_MS),
    /** Throws what failed a round's sending unexpectedly, if anything did: the workflow fails as it did when a round threw. */
    throwFailure: () => {
      if (failure !== undefined) throw failure.error;
    },
  };
}
