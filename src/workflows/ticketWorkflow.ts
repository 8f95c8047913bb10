/**
 * A walk-in ticket, from JOIN to its end: one workflow per ticket. It owns the ticket's state; its
 * activities write the Postgres row the board reads and send the patient's texts. Its timers are the
 * "we are calling you" reminder and the day-end close, so every ticket workflow ends.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { TicketActivities } from '../activities/tickets.js';
import type { MessagingActivities } from '../activities/messaging.js';
import { canTransition, isOpenState, type TicketState } from '../domain/ticketStates.js';
import {
  FailureType,
  joinUpdate,
  searchAttributes,
  ticketQuery,
  transitionUpdate,
  type JoinResult,
  type TicketNotice,
  type TicketOutcome,
  type TicketWorkflowInput,
} from './definitions.js';

const tickets = proxyActivities<TicketActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumInterval: '30 seconds' },
});
const messaging = proxyActivities<MessagingActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: ['MessageRejected'] },
});

/** Runs one ticket until it is done, no-show, left or expired (or merged into the phone's open ticket). */
export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketOutcome> {
  const { workflowId, typedSearchAttributes } = workflowInfo();
  // Keep the state attribute current only where the journey was indexed at start: a server without
  // Frontdesk's search attributes (such as the time-skipping test server) would fail the task.
  const indexed = typedSearchAttributes.get(searchAttributes.ticketState) !== undefined;
  let state: TicketState | 'opening' | 'merged' = 'opening';
  let joined: JoinResult | undefined;
  let calledAt: number | undefined;
  let reminded = false;

  const moveTo = async (to: TicketState, by: 'staff' | 'patient' | 'day_end') => {
    // The state changes before the first await, so an update validated after this sees the new state.
    state = to;
    if (to === 'next') calledAt = Date.now();
    if (indexed) upsertSearchAttributes([{ key: searchAttributes.ticketState, value: to }]);
    return tickets.recordTicketState({ workflowId, clinicId: input.clinicId, to, at: Date.now(), closedByDayEnd: by === 'day_end' });
  };
  const notify = async (notice: TicketNotice) => {
    if (input.phone === null || input.channel === 'kiosk') return;
    await messaging.sendTicketNotice({
      clinicId: input.clinicId,
      idempotencyKey: `${workflowId}:${notice}`,
      phone: input.phone,
      channel: input.channel,
      code: input.code,
      notice,
    });
  };

  setHandler(ticketQuery, () => ({ state, code: input.code, reminded }));
  setHandler(joinUpdate, async () => {
    await condition(() => joined !== undefined);
    return joined!;
  });
  setHandler(
    transitionUpdate,
    async (request) => {
      if (state === 'opening' || state === 'merged' || !canTransition(state, request.to)) {
        throw ApplicationFailure.create({ type: FailureType.IllegalTransition, message: `a ${state} ticket cannot become ${request.to}`, nonRetryable: true });
      }
      return moveTo(request.to, request.by);
    },
    {
      validator: (request) => {
        if (state === 'opening' || state === 'merged' || !canTransition(state, request.to)) {
          throw ApplicationFailure.create({ type: FailureType.IllegalTransition, message: `a ${state} ticket cannot become ${request.to}`, nonRetryable: true });
        }
      },
    },
  );

  joined = await tickets.openTicket({ ...input, workflowId });
  if (joined.existing && joined.ticket.code !== input.code) {
    // This phone already holds an open ticket (two JOINs raced): this workflow stands down.
    state = 'merged';
    await condition(allHandlersFinished);
    return { state: 'merged', into: joined.ticket.code };
  }
  state = joined.ticket.state;

  while (isOpenState(state)) {
    const seen: TicketState = state;
    const reminderDue = seen === 'next' && !reminded && calledAt !== undefined ? calledAt + input.nextReminderMinutes * 60_000 : Infinity;
    const waitMs = Math.min(reminderDue, input.closesAt) - Date.now();
    const changed = waitMs > 0 ? await condition(() => state !== seen, waitMs) : false;
    if (changed) {
      if (state === 'next') await notify('called');
      else if (state === 'no_show') await notify('no_show');
    } else if (Date.now() >= input.closesAt) {
      if (state === 'in_room') {
        await moveTo('done', 'day_end');
      } else {
        await moveTo('expired', 'day_end');
        await notify('closed_for_day');
      }
    } else if (state === 'next') {
      reminded = true;
      await notify('still_calling');
    }
  }

  await condition(allHandlersFinished);
  return { state };
}
