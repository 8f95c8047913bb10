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
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  TemporalFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
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
  type TransitionRequest,
} from './definitions.js';

// Every activity has a bounded schedule-to-close time, so a step that keeps failing ends in a failure
// the workflow handles rather than retries without end.
const tickets = proxyLocalActivities<TicketActivities>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { maximumInterval: '30 seconds', nonRetryableErrorTypes: [FailureType.InvalidData, FailureType.CodeTaken, FailureType.TicketMissing] },
});
const messaging = proxyActivities<MessagingActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: { maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: [FailureType.MessageRejected, FailureType.InvalidData] },
});

/** Runs one ticket until it is done, no-show, left or expired (or merged into the phone's open ticket). */
export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketOutcome> {
  const { workflowId, typedSearchAttributes } = workflowInfo();
  // Keep the state attribute current only where the journey was indexed at start: a server without
  // Frontdesk's search attributes (such as the time-skipping test server) would fail the task.
  const indexed = typedSearchAttributes.get(searchAttributes.ticketState) !== undefined;
  let state: TicketState | 'opening' | 'merged' | 'unopened' = 'opening';
  let joined: JoinResult | undefined;
  let unopened: string | undefined;
  let calledAt: number | undefined;
  let reminded = false;

  // Texts owed to the patient, queued in step with the state change that owes them, so none is lost
  // when the next change comes while an earlier text is still being sent.
  const owed: TicketNotice[] = [];

  // Every state change and its row write run one at a time (Temporal's safe-message-handlers
  // pattern), so the row's last write is always the workflow's last state. Runs started before this
  // patch keep their unserialised order on replay.
  const serialised = patched('serialise-ticket-writes');
  const stateLock = new Mutex();
  const exclusively = <T>(work: () => Promise<T>): Promise<T> => (serialised ? stateLock.runExclusive(work) : work());

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
    await condition(() => joined !== undefined || unopened !== undefined);
    if (joined === undefined)
      throw ApplicationFailure.create({
        type: FailureType.TicketNotOpened,
        message: `ticket ${input.code} could not be opened: ${unopened}`,
        nonRetryable: true,
      });
    return joined;
  });
  // Checked twice: by the validator (a refused update never enters history) and again in the
  // handler, for updates validated together before the first of them moved the state.
  const refuseIllegal = (to: TicketState) => {
    if (state === 'opening' || state === 'merged' || state === 'unopened' || !canTransition(state, to)) {
      throw ApplicationFailure.create({ type: FailureType.IllegalTransition, message: `a ${state} ticket cannot become ${to}`, nonRetryable: true });
    }
  };
  setHandler(
    transitionUpdate,
    async (request) =>
      exclusively(async () => {
        refuseIllegal(request.to);
        return moveTo(request.to, request.by);
      }),
    { validator: (request: TransitionRequest) => refuseIllegal(request.to) },
  );

  try {
    joined = await tickets.openTicket({ ...input, workflowId });
  } catch (error) {
    // The row cannot be written (refused data, or retries spent): the join fails with a clear error
    // and the workflow ends, instead of a join that waits for ever. Older runs failed here instead.
    // A local activity's failure arrives as its ApplicationFailure (or a TimeoutFailure), not wrapped.
    if (!(error instanceof TemporalFailure) || !patched('end-unopened-ticket')) throw error;
    unopened = error instanceof ActivityFailure ? (error.cause?.message ?? error.message) : error.message;
    state = 'unopened';
    log.warn('ticket not opened', { reason: unopened });
    await condition(allHandlersFinished);
    return { state: 'unopened', reason: unopened };
  }
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
      // A move that took the lock first may have ended the ticket already.
      await exclusively(async () => {
        if (isOpenState(state as TicketState)) await moveTo(state === 'in_room' ? 'done' : 'expired', 'day_end');
      });
    } else if (state === 'next') {
      reminded = true;
      owed.push('still_calling');
    }
  }

  await condition(allHandlersFinished);
  return { state };
}
