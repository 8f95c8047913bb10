/**
 * An offer workflow's message handlers: the query, the patient's answer (`answerOffer`, from the reply
 * router), staff's abort (`abortCancellation`), and the signals of an offer text that came back failed
 * and of a patient who opted out. Workflow code: bundled into the sandbox with
 * cancellationOfferWorkflow.ts, deterministic, no Node imports.
 *
 * Race safety: every answer arrives as the update `answerOffer`, and the handlers decide from the
 * workflow's own state without awaiting anything, one at a time: YES replies at the same instant give
 * exactly one winner, and each update's result is the truth for that patient (won, taken, passed).
 * Rows and texts follow in the main loop, in order (offerChanges.ts).
 *
 * Told once (`patched('offer-book-then-tell-once')`): a patient whose answer reaches the workflow
 * before their "taken" (or "withdrawn") notice went is told by the reply to it, and the notice is
 * dropped; an answer within `CROSSING_MS` after the notice went crossed it and gets no reply; a later
 * one is told again.
 */
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { readOfferAnswer } from '../domain/offerAnswers.js';
import { FailureType } from './definitions.js';
import type { OfferChanges } from './offerChanges.js';
import {
  abortCancellationUpdate,
  answerOfferUpdate,
  cancellationQuery,
  offerDeliveryFailedSignal,
  patientOptedOutSignal,
  type AbortRequest,
  type CancellationOfferState,
  type CancellationView,
  type OfferRecord,
} from './offerDefinitions.js';
import type { PromptAnswer, PromptOutcome } from './promptDefinitions.js';

/**
 * An answer that reaches the workflow within this many ms of the patient's notice going out was sent
 * before they could read it (a text takes seconds to arrive): it gets no second "taken".
 */
export const CROSSING_MS = 30_000;

const refuse = (type: FailureType, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

/** What the handlers need from their workflow. */
export interface HandlerDeps {
  /** `cancellation_events.id` of the workflow's cancellation. */
  cancellationId: string;
  /** The workflow's live state. */
  state: CancellationOfferState;
  changes: OfferChanges;
  /** Whether this run books the winner before it tells the others, once (`offer-book-then-tell-once`). */
  bookThenTell: boolean;
}

/** Sets the handlers of the offer workflow of cancellation `cancellationId` on its live state `s`. */
export function setOfferHandlers({ cancellationId, state: s, changes, bookThenTell }: HandlerDeps): void {
  const { pending, end, withdraw } = changes;
  const view = (): CancellationView => ({
    cancellationId,
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
    if (!answerable) throw refuse(FailureType.AnswerNotAwaited, `cancellation ${cancellationId} is not waiting for ${answer.answer} from this number`);
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
          changes.tell(other.offerId, 'offer_taken');
        }
        return { reply: offer.replies.won };
      }
      // The slot went to someone else while this offer held: the patient is told so, whatever they said.
      changes.answeredLate(offer.offerId);
      if (bookThenTell) {
        // A queued notice is dropped: the reply tells them, and the notice would say it again.
        if (!changes.dropNotice(offer.offerId) && Date.now() - (changes.noticeSentAt(offer.offerId) ?? -Infinity) < CROSSING_MS) return { reply: null };
      }
      return { reply: meaning === 'take' ? offer.replies.taken : offer.replies.declined };
    },
    { validator: (answer: PromptAnswer) => void offerAnswered(answer) },
  );
  const refuseUnlessOpen = ({ by }: AbortRequest) => {
    if (s.status !== 'open') throw refuse(FailureType.IllegalTransition, `the cancellation is ${s.status}: ${by} cannot abort it`);
  };
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
    changes.closePromptsOf(phone);
  });
}
