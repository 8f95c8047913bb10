/**
 * The winner of a filled cancellation booked (`bookOfferedSlot`) and their appointment's reminder chain
 * started, as a child the offer workflow abandons (`confirmedByOffer`: no second booking text).
 * Workflow code: bundled into the sandbox with cancellationOfferWorkflow.ts, deterministic, no Node imports.
 *
 * Book, then tell (`patched('offer-book-then-tell-once')`): the winner is booked first and the others'
 * notices go out after (offerChanges.ts). The booking is an ordinary activity, not a local one:
 * Temporal schedules it only once the workflow task that chose the winner is committed. A local
 * activity runs inside the task, and a task that is retried can see the same YES replies in another
 * order (seen with 20 at once): the first attempt's booking would then be for a patient the workflow
 * did not choose. Runs from before the patch book with a local activity.
 *
 * A booking that finds the provider made inactive (offerProviderInactive.ts) writes nothing: the
 * winner is told the opening is withdrawn, as are those queued for "taken", and stays on the waitlist.
 */
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import {
  APPOINTMENT_JOURNEY,
  APPOINTMENT_WORKFLOW_TYPE,
  appointmentWorkflowId,
  type AppointmentSnapshot,
  type AppointmentWorkflowInput,
} from './appointmentDefinitions.js';
import type { appointmentWorkflow } from './appointmentWorkflow.js';
import { searchAttributes } from './definitions.js';
import type { OfferChanges } from './offerChanges.js';
import type { CancellationOfferState } from './offerDefinitions.js';
import { PROVIDER_INACTIVE, refusedForInactiveProvider } from './offerProviderInactive.js';
import { booking, store } from './offerProxies.js';

/** What the booking needs from its workflow. */
export interface WinnerDeps {
  /** `cancellation_events.id` of the workflow's cancellation. */
  cancellationId: string;
  /** The workflow's live state, `filled`, with its `winner`. */
  state: CancellationOfferState;
  changes: OfferChanges;
  /** Whether this run books with an ordinary activity, before it tells the others (`offer-book-then-tell-once`). */
  bookThenTell: boolean;
}

/**
 * Books the winner of a filled cancellation and starts their appointment's chain. When the booking
 * finds the provider made inactive, the cancellation is withdrawn instead: the winner's offer ended
 * `canceled`, every queued notice an `offer_withdrawn`, the winner told too.
 * @throws the booking's or the child's start failure, other than a refusal for an inactive provider.
 */
export async function bookWinner({ cancellationId, state: s, changes, bookThenTell }: WinnerDeps): Promise<void> {
  /** Books the winner; null when the booking found the provider made inactive (nothing written). */
  const book = async (): Promise<AppointmentSnapshot | null> => {
    const winner = { cancellationId, offerId: s.winner! };
    try {
      return await (bookThenTell ? booking.bookOfferedSlot(winner) : store.bookOfferedSlot(winner));
    } catch (error) {
      if (!refusedForInactiveProvider(error)) throw error;
      return null;
    }
  };

  const appointment = await book();
  if (appointment === null) {
    // The provider was made inactive before the winner could be booked: they are told as the others are, and stay on the list.
    const won = s.offers.find((o) => o.offerId === s.winner)!;
    changes.end(won, 'canceled');
    s.winner = null;
    changes.withdrawNotices();
    changes.tell(won.offerId, 'offer_withdrawn');
    changes.withdraw(PROVIDER_INACTIVE);
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
