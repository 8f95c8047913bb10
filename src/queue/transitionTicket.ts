/**
 * A move of a ticket along its state machine, sent to its workflow as an update so the caller learns
 * the true outcome.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { AppError } from '../errors.js';
import { isOpenState, type TicketState } from '../domain/ticketStates.js';
import { transitionUpdate, type TicketView } from '../workflows/definitions.js';
import type { QueueDeps } from './joinQueue.js';
import type { TicketRecord } from './readQueue.js';

/**
 * Moves `ticket` to `to` on behalf of staff or the patient.
 * @returns the ticket after the move.
 * @throws AppError conflict when the move is not allowed from the ticket's state.
 */
export async function transitionTicket(deps: Pick<QueueDeps, 'temporal'>, ticket: TicketRecord, to: TicketState, by: 'staff' | 'patient'): Promise<TicketView> {
  const refuse = () => new AppError('conflict', `ticket ${ticket.code} is ${ticket.state}; it cannot become ${to}`, 'state');
  if (!isOpenState(ticket.state)) throw refuse();
  try {
    return await deps.temporal.workflow.getHandle(ticket.workflowId).executeUpdate(transitionUpdate, { args: [{ to, by }] });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw new AppError('conflict', error.cause?.message ?? refuse().message, 'state');
    if (error instanceof WorkflowNotFoundError) throw refuse();
    throw error;
  }
}
