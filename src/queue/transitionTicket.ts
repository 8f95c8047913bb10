/**
 * A move of a ticket along its state machine, sent to its workflow as an update so the caller learns
 * the true outcome.
 */
import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { AppError } from '../errors.js';
import { isOpenState, type TicketState } from '../domain/ticketStates.js';
import { FailureType, transitionUpdate, type TicketView } from '../workflows/definitions.js';
import type { QueueDeps } from './joinQueue.js';
import { callWithinDeadline } from './callWithinDeadline.js';
import type { TicketRecord } from './readQueue.js';

/**
 * Moves `ticket` to `to` on behalf of staff or the patient.
 * @returns the ticket after the move.
 * @throws AppError conflict when the move is not allowed from the ticket's state; unavailable when
 *   the workflow accepted the move but a step of it failed (the row could not be written), or, for
 *   staff, when Temporal or a worker does not answer within `WAIT_DEADLINE_MS`.
 */
export async function transitionTicket(deps: Pick<QueueDeps, 'temporal'>, ticket: TicketRecord, to: TicketState, by: 'staff' | 'patient'): Promise<TicketView> {
  const refuse = () => new AppError('conflict', `ticket ${ticket.code} is ${ticket.state}; it cannot become ${to}`, 'state');
  if (!isOpenState(ticket.state)) throw refuse();
  try {
    const move = () => deps.temporal.workflow.getHandle(ticket.workflowId).executeUpdate(transitionUpdate, { args: [{ to, by }] });
    // Staff stand waiting at the board; a patient's LEAVE has the SMS path's late-reply deadline.
    return await (by === 'staff' ? callWithinDeadline(deps.temporal, `moving ticket ${ticket.code}`, move) : move());
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      if (error.cause instanceof ApplicationFailure && error.cause.type === FailureType.IllegalTransition)
        throw new AppError('conflict', error.cause.message, 'state');
      // The failing step's own message (an activity's, a database's) is for the workflow's history, not the caller.
      throw new AppError(
        'unavailable',
        `ticket ${ticket.code} could not be moved to ${to} right now: a step of the move failed (its workflow's history says which); try again shortly`,
      );
    }
    if (error instanceof WorkflowNotFoundError) throw refuse();
    throw error;
  }
}
