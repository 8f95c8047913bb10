/**
 * A walk-in ticket, from JOIN to its end: one workflow per ticket. It owns the ticket's state; its
 * activities write the Postgres row the board reads and send the patient's texts. Its timers are the
 * "we are calling you" reminder and the day-end close, so every ticket workflow ends.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  proxyActivities,
  proxyLocalActivities,
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

const tickets = proxyLocalActivities<TicketActivities>({
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

  // Texts owed to the patient, queued in step with the state change that owes them, so none is lost
  // when the next change comes while an earlier text is still being sent.
  const owed: TicketNotice[] = [];

  const moveTo = async (to: TicketState, by: 'staff' | 'patient' | 'day_end') => {
    // The state changes before the first await, so an update validated after this sees the new state.
    state = to;
    if (to === 'next') {
      calledAt = Date.now();
      owed.push('called');
    }
    if (to === 'no_show') owed.push('no_show');
    if (to === 'expired') owed.push('closed_for_day');
    if (indexed) upsertSearchAttributes([{ key: searchAttributes.ticketState, value: to }]);
    return tickets.recordTicketState({ workflowId, clinicId: input.clinicId, to, at: Date.now(), closedByDayEnd: by === 'day_end' });
  };
  const notify = async (notice: TicketNotice) => {
    if (input.phone === null || input.channel === 'kiosk') return;
    try {
      await messaging.sendTicketNotice({
        clinicId: input.clinicId,
        idempotencyKey: `${workflowId}:${notice}`,
        phone: input.phone,
        channel: input.channel,
        code: input.code,
        notice,
      });
    } catch (error) {
      // A text that cannot be sent (refused, or retries spent) must not stop the ticket: staff still
      // move it and the day-end close still ends it. The failure stays in history and the worker log.
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('ticket notice not sent', { notice, reason: error.cause?.message ?? error.message });
    }
  };

  setHandler(ticketQuery, () => ({ state, code: input.code, reminded }));
  setHandler(joinUpdate, async () => {
    await condition(() => joined !== undefined);
    return joined!;
  });
  // Checked twice: by the validator (a refused update never enters history) and again in the
  // handler, for updates validated together before the first of them moved the state.
  const refuseIllegal = (to: TicketState) => {
    if (state === 'opening' || state === 'merged' || !canTransition(state, to)) {
      throw ApplicationFailure.create({ type: FailureType.IllegalTransition, message: `a ${state} ticket cannot become ${to}`, nonRetryable: true });
    }
  };
  setHandler(
    transitionUpdate,
    async (request) => {
      refuseIllegal(request.to);
      return moveTo(request.to, request.by);
    },
    { validator: (request) => refuseIllegal(request.to) },
  );

  joined = await tickets.openTicket({ ...input, workflowId });
  if (joined.existing) {
    // This phone already holds an open ticket (two JOINs raced): this workflow stands down.
    state = 'merged';
    await condition(allHandlersFinished);
    return { state: 'merged', into: joined.ticket.code };
  }
  state = joined.ticket.state;

  for (;;) {
    for (let notice = owed.shift(); notice !== undefined; notice = owed.shift()) {
      // A call the patient no longer needs (already in the room, or gone) is not sent.
      if ((notice === 'called' || notice === 'still_calling') && state !== 'next') continue;
      await notify(notice);
    }
    if (!isOpenState(state)) break;
    const seen: TicketState = state;
    const reminderDue = seen === 'next' && !reminded && calledAt !== undefined ? calledAt + input.nextReminderMinutes * 60_000 : Infinity;
    const waitMs = Math.min(reminderDue, input.closesAt) - Date.now();
    const woken = waitMs > 0 ? await condition(() => state !== seen || owed.length > 0, waitMs) : false;
    if (woken) continue;
    if (Date.now() >= input.closesAt) {
      await moveTo(state === 'in_room' ? 'done' : 'expired', 'day_end');
    } else if (state === 'next') {
      reminded = true;
      owed.push('still_calling');
    }
  }

  await condition(allHandlersFinished);
  return { state };
}
