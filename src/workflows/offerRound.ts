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
 * Each offer held from when its text went (`patched('offer-hold-from-text-sent')`): each offer of a
 * round is texted by a send activity of its own, which the round starts and does not await, so the
 * workflow's loop goes on expiring holds and offering freed places while a throttled text is retried.
 * An offer is made with the latest end its hold could have (`OFFER_SEND_WINDOW_MINUTES`, the send
 * activity's schedule-to-close, plus the hold); when its text goes (Twilio took it) its hold is set to
 * run `holdMinutes` from then (`recordOfferHold`), the time its text states. A text that cannot be sent
 * ends its own offer `failed` as above (and the next round waits the pause); one refused because the
 * provider was made inactive ends its offer `canceled`, unheard of, and withdraws the slot. A new round
 * waits for a pending hold that ends within `HOLD_END_SLACK_MS` (`holdEndsSoon`), so the holds of one
 * round's texts, which went moments apart, end together and the next batch goes out whole. Before the
 * patch every hold ran from the round's making and the loop waited for all of the round's texts, so a
 * patient whose text Twilio held back got less time than the text said, or none, and the other holds
 * expired late.
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

/** Feature flag of each offer texted on its own and held from when its text went (see the module docstring). */
export const HOLD_FROM_TEXT_PATCH = 'offer-hold-from-text-sent';

/** Minutes an offer's text may take to go: its send activity's schedule-to-close (offerProxies.ts). */
export const OFFER_SEND_WINDOW_MINUTES = 30;

/**
 * How close (ms) a pending offer's hold end must be for a new round to wait for it (runs with
 * `offer-hold-from-text-sent`): the texts of a round go moments apart, so their holds end moments
 * apart, and a batch whose holds run out together is followed by a whole new batch, not a round per hold.
 */
export const HOLD_END_SLACK_MS = 30_000;

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

/**
 * The round maker of the offer workflow of `input`, on its live state `s`: `makeRound`, with (in runs
 * with `offer-hold-from-text-sent`) `textsGoing`, how many offers' texts are still being sent, and
 * `throwFailure`, which throws what failed one of them unexpectedly (the loop calls it when it wakes).
 */
export function createOfferRound({ input, state: s, workflowId, changes, changed }: RoundDeps) {
  const { settings } = input;
  const holdMs = settings.holdMinutes * 60_000;
  const { pending, isOpen, end, withdraw } = changes;
  let going = 0;
  let eachTextSeen = false;
  let failure: { error: unknown } | undefined;
  const find = (offerId: string) => s.offers.find((o) => o.offerId === offerId);

  /** Gives up on the text of offer `offerId`, whose send activity failed. @returns whether it never went. */
  const giveUp = async (offerId: string, error: ActivityFailure): Promise<boolean> => {
    const [unsent] = await store.settleUnsentOfferTexts({ offerIds: [offerId] });
    log.warn('offer text not sent', { offerId, round: s.round, went: unsent === undefined, reason: error.cause?.message ?? error.message });
    s.nextRoundAt = Date.now() + UNSENT_ROUND_PAUSE_MINUTES * 60_000;
    return unsent !== undefined;
  };

  /**
   * Texts offer `offerId` by a send activity of its own; once it went, its hold runs `holdMinutes`
   * from now (the workflow's clock), in the workflow and in its rows. A text that did not go ends its
   * offer `failed`, or `canceled` (and the slot withdrawn) when the provider was made inactive.
   */
  const textOffer = async (offerId: string): Promise<void> => {
    let failed: boolean;
    try {
      failed = (await texts.sendOfferTexts({ offerIds: [offerId], holdMinutes: settings.holdMinutes })).length > 0;
    } catch (error) {
      if (refusedForInactiveProvider(error)) {
        // Not sent: this patient never heard of the slot, so nobody tells them it is gone.
        const offer = find(offerId)!;
        offer.holdExpiresAt = Math.min(offer.holdExpiresAt, Date.now());
        if (offer.state === 'pending') end(offer, 'canceled');
        if (isOpen()) withdraw(PROVIDER_INACTIVE);
        changes.dropNotices(new Set([offerId]));
        return;
      }
      if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
      failed = await giveUp(offerId, error);
    }
    const offer = find(offerId)!;
    // Whatever became of the offer meanwhile, a patient who got its text may answer until its hold ends, and no later.
    offer.holdExpiresAt = Math.min(offer.holdExpiresAt, Date.now() + holdMs);
    if (offer.state !== 'pending') return;
    if (failed) end(offer, 'failed');
    else await store.recordOfferHold({ offerId, workflowId, holdExpiresAt: new Date(offer.holdExpiresAt).toISOString() });
  };

  /** Starts `textOffer` for each of `offerIds`, counted in `going` until it ends; an unexpected failure is kept for `throwFailure`. */
  const textEach = (offerIds: string[]) => {
    for (const offerId of offerIds) {
      going++;
      textOffer(offerId)
        .catch((error: unknown) => void (failure ??= { error }))
        .finally(() => {
          going--;
          changed();
        });
    }
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
   * none is pending, and texts them; an offer whose text failed is ended `failed`. In runs with
   * `offer-hold-from-text-sent` it returns once its texts are started (`textOffer`), not sent.
   * @returns whether the round found fewer patients than places (nobody new is left), or null when it
   *   ended without texting anyone (the cancellation ended meanwhile, or the provider was made inactive).
   * @throws the round's activity failures, other than a refusal for an inactive provider and (in runs
   *   with the patch) its texts that could not be sent.
   */
  const makeRound = async (free: number, now: number): Promise<boolean | null> => {
    if (pending().length === 0) s.batch++;
    s.round++;
    const eachText = patched(HOLD_FROM_TEXT_PATCH);
    eachTextSeen ||= eachText;
    // Held from when its text goes: until then, the latest end its hold could have.
    const holdFrom = eachText ? now + OFFER_SEND_WINDOW_MINUTES * 60_000 : now;
    let made: OfferRecord[];
    try {
      made = await store.makeOffers({
        cancellationId: input.cancellationId,
        workflowId,
        round: s.round,
        batch: s.batch,
        count: free,
        holdExpiresAt: new Date(holdFrom + holdMs).toISOString(),
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
      // Nobody was texted, so no hold is left to wait for (these offers were made with the latest their holds could end).
      if (eachText) for (const offer of made) find(offer.offerId)!.holdExpiresAt = Date.now();
      return null;
    }
    if (eachText) {
      textEach(made.map((o) => o.offerId));
      changed();
      return made.length < free;
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

  return {
    makeRound,
    /** How many offers' texts are still being sent (each offer's own send activity). */
    textsGoing: () => going,
    /** Whether a round should wait for `offers`' hold ending within `HOLD_END_SLACK_MS` of `now` (only once a round of this run texted each offer on its own). */
    holdEndsSoon: (offers: OfferRecord[], now: number) => eachTextSeen && offers.some((o) => o.holdExpiresAt - now <= HOLD_END_SLACK_MS),
    /** Throws what failed an offer's text unexpectedly, if anything did: the workflow fails as it did when a round threw. */
    throwFailure: () => {
      if (failure !== undefined) throw failure.error;
    },
  };
}
