/**
 * What an offer workflow decided and its main loop still has to write or text, in the order it was
 * decided: offers' ends, answers that came after an offer ended, prompts to close, and the
 * `offer_taken` / `offer_withdrawn` notices; a withdrawal (staff's abort, or a provider made inactive)
 * ends every pending offer and queues its patient's notice. The handlers decide without awaiting
 * anything; `flush` writes and texts.
 *
 * Book, then tell once (`patched('offer-book-then-tell-once')`): the notices wait until the
 * cancellation is settled (the winner booked, offerWinner.ts) and then go out all at once, each one's
 * time kept so that an answer can tell whether it crossed its notice (offerHandlers.ts).
 *
 * A notice that cannot be sent (the provider refuses it for good, e.g. Twilio 21610, or its retries
 * run out) is logged and the workflow goes on (`patched('offer-notice-failure-logged')`): the slot is
 * booked already, and the other patients are still told. Runs that failed on it before keep failing on replay.
 * Workflow code: bundled into the sandbox with cancellationOfferWorkflow.ts, deterministic, no Node imports.
 */
import { ActivityFailure, log, patched } from '@temporalio/workflow';
import type { OfferStateChange } from '../activities/offerRecords.js';
import type { CancellationOfferState, OfferRecord } from './offerDefinitions.js';
import { store, texts } from './offerProxies.js';

/** Feature flag of a notice that cannot be sent being logged, not failing the workflow. */
export const NOTICE_FAILURE_LOGGED_PATCH = 'offer-notice-failure-logged';

/** A notice owed to an offer's patient: the slot went to someone else, or nobody gets it. */
export interface OfferNotice {
  offerId: string;
  kind: 'offer_taken' | 'offer_withdrawn';
}

/** What the changes need from their workflow. */
export interface ChangeDeps {
  /** The workflow's live state, which the changes change. */
  state: CancellationOfferState;
  /** The workflow's ID (its prompts' rows name it). */
  workflowId: string;
  /** Whether this run books the winner before it tells the others, once (`offer-book-then-tell-once`). */
  bookThenTell: boolean;
  /** Called on every change, so the workflow's loop wakes up to re-plan. */
  changed: () => void;
}

/** The changes of the offer workflow `workflowId` on its live state `s`; see the module docstring. */
export function createOfferChanges({ state: s, workflowId, bookThenTell, changed }: ChangeDeps) {
  const writes: OfferStateChange[] = [];
  const notices: OfferNotice[] = [];
  const lateAnswers: string[] = [];
  const promptsToClose: string[] = [];
  /** When each offer's notice went out (epoch ms, workflow time). */
  const noticeSentAt = new Map<string, number>();

  const pending = () => s.offers.filter((o) => o.state === 'pending');
  /** Ends `offer` in `state` (`answered` when the patient's reply ended it) and queues the write. */
  const end = (offer: OfferRecord, state: Exclude<OfferRecord['state'], 'pending'>, answered = false) => {
    offer.state = state;
    writes.push({ offerId: offer.offerId, state, ...(answered ? { answered } : {}) });
    changed();
  };
  /** Ends the cancellation `aborted`: its pending offers withdrawn, each patient told. */
  const withdraw = (by: string) => {
    log.info('cancellation aborted', { by });
    s.status = 'aborted';
    for (const offer of pending()) {
      end(offer, 'canceled');
      notices.push({ offerId: offer.offerId, kind: 'offer_withdrawn' });
    }
    changed();
  };

  // Book, then tell: notices wait until the cancellation is settled (the winner booked).
  const noticesDue = () => notices.length > 0 && (!bookThenTell || s.settled);
  /** Sends one notice; one that cannot be sent is logged (older runs failed on it, see the module docstring). */
  const sendNotice = async (notice: OfferNotice) => {
    try {
      await texts.sendOfferNotice(notice);
    } catch (error) {
      if (!(error instanceof ActivityFailure) || !patched(NOTICE_FAILURE_LOGGED_PATCH)) throw error;
      log.warn('offer notice not sent', { offerId: notice.offerId, kind: notice.kind, reason: error.cause?.message ?? error.message });
    }
  };

  return {
    /** The offers still holding. */
    pending,
    /** Whether the cancellation is open. Read through a function: handlers change the status between awaits, which type narrowing cannot see. */
    isOpen: () => s.status === 'open',
    end,
    withdraw,
    /** Queues the `kind` notice to offer `offerId`'s patient. */
    tell: (offerId: string, kind: OfferNotice['kind']) => {
      notices.push({ offerId, kind });
    },
    /** Drops the notice queued for offer `offerId`, if any. @returns whether one was queued. */
    dropNotice: (offerId: string): boolean => {
      const queued = notices.findIndex((n) => n.offerId === offerId);
      if (queued >= 0) notices.splice(queued, 1);
      return queued >= 0;
    },
    /** Drops the notices queued for `offerIds` (patients who never got their offer text). */
    dropNotices: (offerIds: ReadonlySet<string>) => {
      notices.splice(0, notices.length, ...notices.filter((n) => !offerIds.has(n.offerId)));
    },
    /** Makes every queued notice an `offer_withdrawn`: nobody gets the slot after all. */
    withdrawNotices: () => {
      for (const notice of notices) notice.kind = 'offer_withdrawn';
    },
    /** When offer `offerId`'s notice went out (epoch ms, workflow time); undefined when it has not. */
    noticeSentAt: (offerId: string): number | undefined => noticeSentAt.get(offerId),
    /** Queues the write of an answer to offer `offerId` that came after it ended. */
    answeredLate: (offerId: string) => {
      lateAnswers.push(offerId);
      changed();
    },
    /** Queues the closing of the prompts of the patient at `phone` (E.164). */
    closePromptsOf: (phone: string) => {
      promptsToClose.push(phone);
      changed();
    },
    /** Whether offers' ends wait to be written. */
    writesQueued: () => writes.length > 0,
    /** Writes the queued offers' ends now (`recordOfferStates`), ahead of the next flush. */
    writeQueued: () => store.recordOfferStates(writes.splice(0)),
    /** Writes and texts what was decided, in the order it was decided, until nothing is left that is due. */
    flush: async () => {
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
    },
  };
}

/** An offer workflow's changes, as its handlers, rounds and booking share them. */
export type OfferChanges = ReturnType<typeof createOfferChanges>;
