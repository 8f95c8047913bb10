/**
 * A cancellation's offer workflow: refills one freed slot from the clinic's waitlist (issue 10, "The
 * offer workflow"). It offers the slot to the best-placed `batchSize` eligible patients at once, each
 * offer held `holdMinutes`; the first YES wins. A NO or a failed delivery frees that place for the next
 * candidate in the same batch; when the holds run out with no winner, the next batch goes out. It ends
 * `filled` (the winner booked, with a reminder chain of their own), `expired` (nobody left, or the slot
 * starts within `leadMinutes`) or `aborted` by staff (pending offers withdrawn with a short text).
 * Offers go out only within the clinic's contact hours: a slot freed at night waits for the morning.
 * A round whose texts cannot be sent (Twilio throttles or fails them until the send activity's 30
 * minutes of retries run out) does not end the workflow: the offers whose text did not go end
 * `failed`, freeing their patients, and the next round waits 10 minutes (`UNSENT_ROUND_PAUSE_MINUTES`);
 * a slot whose lead time comes first ends `expired`, and staff can abort it meanwhile. Each offer holds
 * from when its own text went, and holds expire on time while other texts of the round are retried.
 *
 * Its parts: the handlers decide every answer and abort from the workflow's own state, without awaiting
 * (offerHandlers.ts); what they decide is written and texted by this loop, in order (offerChanges.ts);
 * a round's offers are made and texted in offerRound.ts, the winner booked in offerWinner.ts, a provider
 * made inactive handled as in offerProviderInactive.ts; the activities' timeouts are in offerProxies.ts.
 *
 * Its patches, each explained where it applies: `offer-book-then-tell-once` (here, read once at the
 * start; offerChanges.ts, offerHandlers.ts, offerWinner.ts), `offer-notice-failure-logged`
 * (offerChanges.ts), `offer-provider-inactive-withdraws` (offerProviderInactive.ts),
 * `offer-round-ends-with-cancellation`, `offer-round-unsent-texts-fail` and `offer-hold-from-text`
 * (offerRound.ts; the pause of the latter two is read here, from `nextRoundAt`, which only their branches
 * set; so are the texts the last one's rounds leave going, `textsGoing`, none in runs without it).
 */
import { allHandlersFinished, condition, continueAsNew, patched, workflowInfo } from '@temporalio/workflow';
import { nextContactInstant } from '../domain/reminderPlan.js';
import { createOfferChanges } from './offerChanges.js';
import type { CancellationOfferInput, CancellationOfferState, CancellationStatus } from './offerDefinitions.js';
import { setOfferHandlers } from './offerHandlers.js';
import { store } from './offerProxies.js';
import { createOfferRound } from './offerRound.js';
import { bookWinner } from './offerWinner.js';

/** Feature flag of booking by an ordinary activity and the told-once notices (see offerWinner.ts and offerHandlers.ts). */
export const BOOK_THEN_TELL_PATCH = 'offer-book-then-tell-once';

/**
 * Offers `input`'s slot until it is filled, expires or is aborted (see the module docstring).
 * @returns the cancellation's final status.
 */
export async function cancellationOfferWorkflow(input: CancellationOfferInput): Promise<{ status: CancellationStatus }> {
  const { settings } = input;
  const { workflowId } = workflowInfo();
  const slotStart = Date.parse(input.slotStartAt);
  const lastOfferAt = slotStart - settings.leadMinutes * 60_000;
  const s: CancellationOfferState = input.carried ?? { status: 'open', batch: 0, round: 0, offers: [], winner: null, settled: false };
  const bookThenTell = patched(BOOK_THEN_TELL_PATCH);

  // Every change bumps this, so the main loop's wait wakes up to re-plan its timers.
  let changes = 0;
  const changed = () => {
    changes++;
  };
  const offerChanges = createOfferChanges({ state: s, workflowId, bookThenTell, changed });
  const { pending, isOpen, end, flush } = offerChanges;
  setOfferHandlers({ cancellationId: input.cancellationId, state: s, changes: offerChanges, bookThenTell });
  const { makeRound, textsGoing, holdEndsSoon, throwFailure } = createOfferRound({ input, state: s, workflowId, changes: offerChanges, changed });

  // A round that found nobody new while offers were still pending: the next try waits for them to end.
  let exhausted = false;
  while (isOpen()) {
    throwFailure();
    await flush();
    if (!isOpen()) break;
    const now = Date.now();
    for (const offer of pending()) if (offer.holdExpiresAt <= now) end(offer, 'expired');
    if (offerChanges.writesQueued()) continue;

    const open = pending();
    const free = settings.batchSize - open.length;
    // The next round goes inside contact hours, and not during the pause after a round whose texts could not be sent.
    const sendAt = Math.max(nextContactInstant(now, settings.timezone, settings.contactHours), s.nextRoundAt ?? 0);
    if (now >= lastOfferAt || (exhausted && open.length === 0)) {
      // Too late to offer again, or nobody left: the pending offers may still win it.
      if (open.length === 0) s.status = 'expired';
    } else if (free > 0 && !(exhausted && open.length > 0) && sendAt <= now && !holdEndsSoon(open, now)) {
      const short = await makeRound(free, now);
      if (short !== null) exhausted = short;
      continue;
    }
    if (!isOpen()) break;

    if (workflowInfo().continueAsNewSuggested) {
      // A round's texts still being sent report to this run only.
      await condition(() => allHandlersFinished() && textsGoing() === 0);
      throwFailure();
      await flush();
      if (isOpen()) return continueAsNew<typeof cancellationOfferWorkflow>({ ...input, carried: s });
      break;
    }
    const wakes = [
      ...pending().map((o) => o.holdExpiresAt),
      now < lastOfferAt ? Math.min(sendAt, lastOfferAt) : undefined,
      now < lastOfferAt ? lastOfferAt : undefined,
    ].filter((t): t is number => t !== undefined && t > now);
    const seen = changes;
    await condition(() => changes !== seen, wakes.length === 0 ? undefined : Math.max(Math.min(...wakes) - now, 1));
  }

  await flush();
  if (s.status === 'filled' && !s.settled) await bookWinner({ cancellationId: input.cancellationId, state: s, changes: offerChanges, bookThenTell });
  if (s.status !== 'open' && !s.settled) {
    await store.recordCancellationStatus({ cancellationId: input.cancellationId, status: s.status });
    s.settled = true;
    if (bookThenTell) await flush();
  }
  // Texts still going find their offers ended and stop; sent or not, each offer's hold is then known.
  await condition(() => textsGoing() === 0);
  throwFailure();
  // Patients whose offer still held when the slot went may answer until their hold ends: each is told the truth.
  const lastHold = Math.max(0, ...s.offers.filter((o) => o.state !== 'expired').map((o) => o.holdExpiresAt));
  while (Date.now() < lastHold) {
    const seen = changes;
    await condition(() => changes !== seen, Math.max(lastHold - Date.now(), 1));
    await flush();
  }
  await condition(allHandlersFinished);
  await flush();
  await store.closeOfferPrompts({ workflowId });
  return { status: s.status };
}
