/**
 * Staff's repair for a stuck ticket: ends any open ticket even when its workflow is gone, failed or
 * no longer answers, so the phone's open-ticket slot and the ticket code are freed.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import { isOpenState } from '../domain/ticketStates.js';
import { cleanFreeText } from '../domain/freeText.js';
import type { TicketView } from '../workflows/definitions.js';
import { callWithinDeadline } from './callWithinDeadline.js';
import type { QueueDeps } from './joinQueue.js';
import { notifyQueueChanged } from './queueEvents.js';
import { findTicketByWorkflowId, toTicketView, type TicketRecord } from './readQueue.js';

/** Longest reason staff may give for ending a ticket, in characters. */
export const MAX_END_REASON = 500;

/** Who ended the ticket (`api` token or `board` session) and why (free text, at most `MAX_END_REASON` characters). */
export interface EndTicketRequest {
  by: 'api' | 'board';
  reason: string | null;
}

/**
 * Ends `ticket` by hand: terminates its workflow if it still runs, closes the row (`done` if it was
 * in a room, else `left`; `closed_at` now), records a `ticket_repairs` row and a log line, and tells
 * the board. No text goes to the patient.
 * @returns the ticket after the repair.
 * @throws AppError conflict when the ticket is no longer open; unavailable when Temporal does not
 *   answer within the wait deadline (the row is left alone, so a running workflow is never orphaned).
 */
export async function endTicket(
  deps: Pick<QueueDeps, 'sql' | 'temporal'> & { log: Logger },
  clinicId: number,
  ticket: TicketRecord,
  request: EndTicketRequest,
): Promise<TicketView> {
  if (!isOpenState(ticket.state)) throw new AppError('conflict', `ticket ${ticket.code} is ${ticket.state}; it has already ended`, 'state');
  const reason = request.reason === null ? null : cleanFreeText(request.reason) || null;

  const handle = deps.temporal.workflow.getHandle(ticket.workflowId);
  const workflowStatus = await callWithinDeadline(deps.temporal, `ending ticket ${ticket.code}`, async () => {
    try {
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') await handle.terminate(`ended by staff (${request.by})${reason === null ? '' : `: ${reason}`}`);
      return status.name;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'NOT_FOUND';
      throw error;
    }
  });

  const closed = await deps.sql.begin(async (tx) => {
    const [row] = await tx<{ id: string; previous_state: string; state: string }[]>`
      update tickets t set
        state = case when t.state = 'in_room' then 'done' else 'left' end,
        closed_at = now(),
        updated_at = now()
      from (select id, state as previous_state from tickets where workflow_id = ${ticket.workflowId} for update) old
      where t.id = old.id and t.state in ('waiting', 'next', 'in_room')
      returning t.id, old.previous_state, t.state`;
    if (row === undefined) return undefined;
    await tx`
      insert into ticket_repairs (clinic_id, ticket_id, workflow_id, previous_state, new_state, workflow_status, ended_by, reason)
      values (${clinicId}, ${row.id}, ${ticket.workflowId}, ${row.previous_state}, ${row.state}, ${workflowStatus}, ${request.by}, ${reason})`;
    return row;
  });
  if (closed === undefined) throw new AppError('conflict', `ticket ${ticket.code} has already ended`, 'state');
  await notifyQueueChanged(deps.sql, clinicId);
  deps.log.warn(
    {
      code: ticket.code,
      workflowId: ticket.workflowId,
      previousState: closed.previous_state,
      newState: closed.state,
      workflowStatus,
      endedBy: request.by,
      reason,
    },
    'ticket ended by staff (repair)',
  );
  const after = await findTicketByWorkflowId(deps.sql, clinicId, ticket.workflowId);
  return toTicketView(after!);
}
