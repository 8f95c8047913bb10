/**
 * A cancellation's offer workflow: refills one freed slot from the clinic's waitlist (issue 10, "The
 * offer workflow"). It offers the slot to the best-placed `batchSize` eligible patients at once, each
 * offer held `holdMinutes`; the first YES wins. A NO or a failed delivery frees that place for the next
 * candidate in the same batch; when the holds run out with no winner, the next batch goes out. It ends
 * `filled` (the winner booked, with a reminder chain of their own), `expired` (nobody left, or the slot
 * starts within `leadMinutes`) or `aborted` by staff (pending offers withdrawn with a short text).
 * Offers go out only within the clinic's contact hours: a slot freed at night waits for the morning.
 *
 * Race safety: every answer arrives as the update `answerOffer` (through the reply router), and
 * the handlers decide from the workflow's own state without awaiting anything, one at a time: YES
 * replies at the same instant give exactly one winner, and each update's result is the truth for
 * that patient (won, taken, passed). Rows and texts follow in the main loop, in order.
 *
 * Book, then tell once (`patched('offer-book-then-tell-once')`): when the slot goes, the winner is
 * booked first and the "taken" (or "withdrawn") notices go out after, all at once. A patient whose
 * answer reaches the workflow before their notice went is told by the reply to it, and the notice is
 * dropped; an answer within `CROSSING_MS` after the notice went crossed it and gets no reply; a later
 * one is told again. The booking is an ordinary activity, not a local one: Temporal schedules it only
 * once the workflow task that chose the winner is committed. A local activity runs inside the task, and
 * a task that is retried can see the same YES replies in another order (seen with 20 at once): the
 * first attempt's booking would then be for a patient the workflow did not choose.
 *
 * A notice that cannot be sent (the provider refuses it for good, e.g. Twilio 21610, or its retries
 * run out) is logged and the workflow goes on (`patched('offer-notice-failure-logged')`): the slot is
 * booked already, and the other patients are still told. Runs that failed on it before keep failing on replay.
 *
 * A provider made inactive (`patched('offer-provider-inactive-withdraws')`): staff's `PATCH` aborts
 * the provider's open cancellations, but the abort finds no workflow that has not started yet and is
 * refused by one a YES has just filled. So a round, its texts and the booking each refuse
 * (`ProviderInactive`, src/activities/offers.ts) once the provider is inactive, and the workflow then
 * ends as an abort ends it: pending offers withdrawn, each patient told (`offer_withdrawn`); a winner
 * not yet booked is told so too, in place of the booking, and the others queued for "taken" are told
 * "withdrawn" instead; a round refused before its texts went ends without a word to its patients.
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
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  proxyActivities,
  patched,
  proxyLocalActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { OfferStateChange } from '../activities/offerRecords.js';
import type { OfferActivities } from '../activities/offers.js';
import { readOfferAnswer } from '../domain/offerAnswers.js';
import { nextContactInstant } from '../domain/reminderPlan.js';
import {
  APPOINTMENT_JOURNEY,
  APPOINTMENT_WORKFLOW_TYPE,
  appointmentWorkflowId,
  type AppointmentSnapshot,
  type AppointmentWorkflowInput,
} from './appointmentDefinitions.js';
import type { appointmentWorkflow } from './appointmentWorkflow.js';
import { FailureType, searchAttributes } from './definitions.js';
import {
  abortCancellationUpdate,
  answerOfferUpdate,
  cancellationQuery,
  offerDeliveryFailedSignal,
  patientOptedOutSignal,
  type CancellationOfferInput,
  type CancellationOfferState,
  type CancellationStatus,
  type CancellationView,
  type AbortRequest,
  type OfferRecord,
} from './offerDefinitions.js';
import type { PromptAnswer, PromptOutcome } from './promptDefinitions.js';

// Row writes are short Postgres calls: local activities, bounded like the chains'.
const store = proxyLocalActivities<Omit<OfferActivities, 'sendOfferTexts' | 'sendOfferNotice'>>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { maximumInterval: '30 seconds', nonRetryableErrorTypes: [FailureType.InvalidData] },
});
// Texts go through the provider: ordinary activities, retried for up to 30 minutes like every send.
const texts = proxyActivities<Pick<OfferActivities, 'sendOfferTexts' | 'sendOfferNotice'>>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '30 minutes',
  retry: { maximumInterval: '1 minute', nonRetryableErrorTypes: [FailureType.InvalidData, FailureType.MessageRejected] },
});

/** Feature flag of booking by an ordinary activity and the told-once notices (see the module docstring). */
export const BOOK_THEN_TELL_PATCH = 'offer-book-then-tell-once';
/** Feature flag of a notice that cannot be sent being logged, not failing the workflow. */
export const NOTICE_FAILURE_LOGGED_PATCH = 'offer-notice-failure-logged';
/** Feature flag of the slot withdrawn when an activity finds its provider made inactive (see the module docstring). */
export const PROVIDER_INACTIVE_PATCH = 'offer-provider-inactive-withdraws';
/** Feature flag of a round that the cancellation's end overtakes being ended with it (see the module docstring). */
export const ROUND_ENDS_WITH_CANCELLATION_PATCH = 'offer-round-ends-with-cancellation';
/**
 * An answer that reaches the workflow within this many ms of the patient's notice going out was sent
 * before they could read it (a text takes seconds to arrive): it gets no second "taken".
 */
export const CROSSING_MS = 30_000;

// The winner's booking, once the choice is committed (see the module docstring): a few Postgres writes.
const booking = proxyActivities<Pick<OfferActivities, 'bookOfferedSlot'>>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '10 minutes',
  retry: { maximumInterval: '30 seconds', nonRetryableErrorTypes: [FailureType.InvalidData] },
});

const refuse = (type: FailureType, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

/**
 * Whether an offer activity refused its step because the slot's provider was made inactive (in runs
 * with the patch). A local activity's failure arrives as its ApplicationFailure, an ordinary one's wrapped.
 */
const refusedForInactiveProvider = (error: unknown): boolean => {
  const failure = error instanceof ActivityFailure ? error.cause : error;
  return failure instanceof ApplicationFailure && failure.type === FailureType.ProviderInactive && patched(PROVIDER_INACTIVE_PATCH);
};

/**
 * Offers `input`'s slot until it is filled, expires or is aborted (see the module docstring).
 * @returns the cancellation's final status.
 */
export async function cancellationOfferWorkflow(input: CancellationOfferInput): Promise<{ status: CancellationStatus }> {
  const { settings } = input;
  const { workflowId } = workflowInfo();
  const slotStart = Date.parse(input.slotStartAt);
  const holdMs = settings.holdMinutes * 60_000;
  const lastOfferAt = slotStart - settings.leadMinutes * 60_000;
  const s: CancellationOfferState = input.carried ?? { status: 'open', batch: 0, round: 0, offers: [], winner: null, settled: false };
  const bookThenTell = patched(BOOK_THEN_TELL_PATCH);

  // What the handlers decided and the main loop still has to write or text, in order.
  const writes: OfferStateChange[] = [];
  const notices: { offerId: string; kind: 'offer_taken' | 'offer_withdrawn' }[] = [];
  const lateAnswers: string[] = [];
  const promptsToClose: string[] = [];
  /** When each offer's notice went out (epoch ms, workflow time). */
  const noticeSentAt = new Map<string, number>();
  let changes = 0;

  const pending = () => s.offers.filter((o) => o.state === 'pending');
  // Read through a function: handlers change the status between awaits, which type narrowing cannot see.
  const isOpen = () => s.status === 'open';
  const end = (offer: OfferRecord, state: Exclude<OfferRecord['state'], 'pending'>, answered = false) => {
    offer.state = state;
    writes.push({ offerId: offer.offerId, state, ...(answered ? { answered } : {}) });
    changes++;
  };
  const view = (): CancellationView => ({
    cancellationId: input.cancellationId,
    status: s.status,
    batch: s.batch,
    offers: s.offers.map((o) => ({ offerId: o.offerId, state: o.state, batch: o.batch, holdExpiresAt: new Date(o.holdExpiresAt).toISOString() })),
  });
  /** The offer `answer` is for: the patient's latest, still inside its hold; throws `AnswerNotAwaited` otherwise. */
  const offerAnswered = (answer: PromptAnswer): { offer: OfferRecord; meaning: 'take' | 'pass' } => {
    const meaning = readOfferAnswer(answer.answer);
    const offer = s.offers.findLast((o) => o.phone === answer.phone);
    const answerable =
      offer !== undefined &&
      meaning !== null &&
      offer.holdExpiresAt > Date.now() &&
      (offer.state === 'pending' || offer.state === 'accepted' || (offer.state === 'canceled' && s.status === 'filled'));
    if (!answerable) throw refuse(FailureType.AnswerNotAwaited, `cancellation ${input.cancellationId} is not waiting for ${answer.answer} from this number`);
    return { offer, meaning };
  };

  setHandler(cancellationQuery, view);
  setHandler(
    answerOfferUpdate,
    (answer): PromptOutcome => {
      const { offer, meaning } = offerAnswered(answer);
      if (offer.state === 'accepted') return { reply: offer.replies.won };
      if (offer.state === 'pending' && s.status === 'open') {
        if (meaning === 'pass') {
          end(offer, 'declined', true);
          return { reply: offer.replies.declined };
        }
        end(offer, 'accepted', true);
        s.winner = offer.offerId;
        s.status = 'filled';
        for (const other of pending()) {
          end(other, 'canceled');
          notices.push({ offerId: other.offerId, kind: 'offer_taken' });
        }
        return { reply: offer.replies.won };
      }
      // The slot went to someone else while this offer held: the patient is told so, whatever they said.
      lateAnswers.push(offer.offerId);
      changes++;
      if (bookThenTell) {
        const queued = notices.findIndex((n) => n.offerId === offer.offerId);
        // The reply tells them: the notice would say it again.
        if (queued >= 0) notices.splice(queued, 1);
        else if (Date.now() - (noticeSentAt.get(offer.offerId) ?? -Infinity) < CROSSING_MS) return { reply: null };
      }
      return { reply: meaning === 'take' ? offer.replies.taken : offer.replies.declined };
    },
    { validator: (answer: PromptAnswer) => void offerAnswered(answer) },
  );
  const refuseUnlessOpen = ({ by }: AbortRequest) => {
    if (s.status !== 'open') throw refuse(FailureType.IllegalTransition, `the cancellation is ${s.status}: ${by} cannot abort it`);
  };
  /** Ends the cancellation `aborted`: its pending offers withdrawn, each patient told. */
  const withdraw = (by: string) => {
    log.info('cancellation aborted', { by });
    s.status = 'aborted';
    for (const offer of pending()) {
      end(offer, 'canceled');
      notices.push({ offerId: offer.offerId, kind: 'offer_withdrawn' });
    }
    changes++;
  };
  const PROVIDER_INACTIVE = 'the provider made inactive';
  setHandler(
    abortCancellationUpdate,
    (request: AbortRequest) => {
      refuseUnlessOpen(request);
      withdraw(request.by);
      return view();
    },
    { validator: refuseUnlessOpen },
  );
  setHandler(offerDeliveryFailedSignal, ({ offerId }) => {
    const offer = s.offers.find((o) => o.offerId === offerId);
    if (offer?.state === 'pending') end(offer, 'failed');
  });
  setHandler(patientOptedOutSignal, ({ phone }) => {
    for (const offer of s.offers.filter((o) => o.phone === phone && o.state === 'pending')) end(offer, 'canceled');
    promptsToClose.push(phone);
    changes++;
  });

  // Book, then tell: notices wait until the cancellation is settled (the winner booked).
  const noticesDue = () => notices.length > 0 && (!bookThenTell || s.settled);
  /** Sends one notice; one that cannot be sent is logged (older runs failed on it, see the module docstring). */
  const sendNotice = async (notice: (typeof notices)[number]) => {
    try {
      await texts.sendOfferNotice(notice);
    } catch (error) {
      if (!(error instanceof ActivityFailure) || !patched(NOTICE_FAILURE_LOGGED_PATCH)) throw error;
      log.warn('offer notice not sent', { offerId: notice.offerId, kind: notice.kind, reason: error.cause?.message ?? error.message });
    }
  };
  /** Books the winner; null when the booking found the provider made inactive (nothing written). */
  const bookWinner = async (): Promise<AppointmentSnapshot | null> => {
    const winner = { cancellationId: input.cancellationId, offerId: s.winner! };
    try {
      return await (bookThenTell ? booking.bookOfferedSlot(winner) : store.bookOfferedSlot(winner));
    } catch (error) {
      if (!refusedForInactiveProvider(error)) throw error;
      return null;
    }
  };
  /** Writes and texts what the handlers decided, in the order they decided it. */
  const flush = async () => {
    while (writes.length > 0 || noticesDue() || lateAnswers.length > 0 || promptsToClose.length > 0) {
      if (writes.length > 0) await store.recordOfferStates(writes.splice(0));
      for (const offerId of lateAnswers.splice(0)) await store.recordLateAnswer(offerId);
      for (const phone of promptsToClose.splice(0)) await store.closeOfferPrompts({ workflowId, phone });
      if (!noticesDue()) continue;
      const due = notices.splice(0);
      if (bookThenTell) {
        for (const notice of due) noticeSentAt.set(notice.offerId, Date.now());
        await Promise.all(due.map(sendNotice));
      } else {
        for (const notice of due) await sendNotice(notice);
      }
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
    if (!round.done && writes.length > 0 && patched(ROUND_ENDS_WITH_CANCELLATION_PATCH)) await store.recordOfferStates(writes.splice(0));
    return sending;
  };

  // A round that found nobody new while offers were still pending: the next try waits for them to end.
  let exhausted = false;
  while (isOpen()) {
    await flush();
    if (!isOpen()) break;
    const now = Date.now();
    for (const offer of pending()) if (offer.holdExpiresAt <= now) end(offer, 'expired');
    if (writes.length > 0) continue;

    const open = pending();
    const free = settings.batchSize - open.length;
    const sendAt = nextContactInstant(now, settings.timezone, settings.contactHours);
    if (now >= lastOfferAt || (exhausted && open.length === 0)) {
      // Too late to offer again, or nobody left: the pending offers may still win it.
      if (open.length === 0) s.status = 'expired';
    } else if (free > 0 && !(exhausted && open.length > 0) && sendAt <= now) {
      if (open.length === 0) s.batch++;
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
        continue;
      }
      s.offers.push(...made.filter((o) => !s.offers.some((known) => known.offerId === o.offerId)));
      if (!isOpen() && patched(ROUND_ENDS_WITH_CANCELLATION_PATCH)) {
        // The cancellation ended while the round was being made: none of its texts went, so nobody is told anything.
        const unsent = new Set(made.map((o) => o.offerId));
        for (const offer of pending()) if (unsent.has(offer.offerId)) end(offer, 'canceled');
        continue;
      }
      let failed: string[];
      try {
        failed = await textRound(made.map((o) => o.offerId));
      } catch (error) {
        if (!refusedForInactiveProvider(error)) throw error;
        // None of the round's texts went: its patients never heard of the slot, so nobody tells them it is gone.
        const unsent = new Set(made.map((o) => o.offerId));
        for (const offer of pending()) if (unsent.has(offer.offerId)) end(offer, 'canceled');
        if (isOpen()) withdraw(PROVIDER_INACTIVE);
        // An abort (staff's, or the one just made) queued a notice for them too.
        notices.splice(0, notices.length, ...notices.filter((n) => !unsent.has(n.offerId)));
        continue;
      }
      for (const offerId of failed) {
        const offer = s.offers.find((o) => o.offerId === offerId);
        if (offer?.state === 'pending') end(offer, 'failed');
      }
      exhausted = made.length < free;
      changes++;
      continue;
    }
    if (!isOpen()) break;

    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
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
  if (s.status === 'filled' && !s.settled) {
    const appointment = await bookWinner();
    if (appointment === null) {
      // The provider was made inactive before the winner could be booked: they are told as the others are, and stay on the list.
      const won = s.offers.find((o) => o.offerId === s.winner)!;
      end(won, 'canceled');
      s.winner = null;
      for (const notice of notices) notice.kind = 'offer_withdrawn';
      notices.push({ offerId: won.offerId, kind: 'offer_withdrawn' });
      withdraw(PROVIDER_INACTIVE);
    } else {
      await startChild<typeof appointmentWorkflow>(APPOINTMENT_WORKFLOW_TYPE, {
        workflowId: appointmentWorkflowId(appointment.clinicSlug, appointment.appointmentId),
        args: [{ appointment, confirmedByOffer: true } satisfies AppointmentWorkflowInput],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [
          { key: searchAttributes.clinic, value: appointment.clinicSlug },
          { key: searchAttributes.journey, value: APPOINTMENT_JOURNEY },
        ],
      });
    }
  }
  if (s.status !== 'open' && !s.settled) {
    await store.recordCancellationStatus({ cancellationId: input.cancellationId, status: s.status });
    s.settled = true;
    if (bookThenTell) await flush();
  }
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
