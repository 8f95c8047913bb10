/**
 * An appointment's chain, from booking to its end: one workflow per appointment. It owns the
 * appointment's status and time; its activities write the Postgres row, open and close the patient's
 * prompts and send the texts. Its durable timers are the planned reminders, the contact-hours wait
 * of every business-initiated text, the lapse of a slot offer, the follow-up and the end of the
 * chain (MARK_WINDOW_MS after the start when staff never mark it).
 */
import { allHandlersFinished, condition, continueAsNew, log, patched, workflowInfo } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import { nextContactInstant } from '../domain/reminderPlan.js';
import {
  isOpenAppointment,
  MARK_WINDOW_MS,
  type AppointmentChainState,
  type AppointmentOutcome,
  type AppointmentWorkflowInput,
} from './appointmentDefinitions.js';
import { setAppointmentHandlers } from './appointmentHandlers.js';
import { firstChainState } from './appointmentPlan.js';
import { createSteps, tolerate } from './appointmentSteps.js';

/** The patch that plans the first reminders from the chain's start, not from its first task. */
const PLAN_FROM_START_PATCH = 'plan-from-start';
/** The patch that ends a chain whose row is missing at its start (a booking answered 503). */
const BOOKING_REFUSED_PATCH = 'end-without-row';

/**
 * Runs one appointment's chain until it is cancelled, marked, followed up, or left unmarked for
 * MARK_WINDOW_MS. Each message goes on the appointment's channel and falls back by its delivery
 * receipts (src/domain/deliveryFallback.ts): the status webhooks signal `deliveryReceipt`. Its steps
 * are in appointmentSteps.ts, its handlers in appointmentHandlers.ts.
 */
export async function appointmentWorkflow(input: AppointmentWorkflowInput): Promise<AppointmentOutcome> {
  const a = input.appointment;
  const { workflowId } = workflowInfo();
  const id = a.appointmentId;

  // Planned from when the booking started the chain, not from its first task: a worker with a backlog
  // may reach a new chain minutes late, and a reminder that fell due meanwhile then goes at once
  // instead of being skipped as if the booking had come after it.
  const s: AppointmentChainState = input.carried ?? firstChainState(input, patched(PLAN_FROM_START_PATCH) ? workflowInfo().startTime.getTime() : Date.now());

  // Every handler's change bumps this, so the main loop's wait wakes up to re-plan its timers.
  let changes = 0;
  const changed = () => {
    changes++;
  };
  // Every state change and its writes run one at a time (Temporal's safe-message-handlers pattern),
  // so the row's last write is always the chain's last state.
  const lock = new Mutex();
  const exclusively = <T>(work: () => Promise<T>): Promise<T> => lock.runExclusive(work);

  const steps = createSteps({ appointment: a, state: s, workflowId, changed });
  const { startsAtMs, key, record, lapsePrompt, ask, deliveries, dropIfStarted, asItGoes, oweReminder, offerFreedSlots } = steps;
  setAppointmentHandlers({ appointment: a, state: s, steps, exclusively, changed });

  if (input.carried === undefined) {
    let found: boolean | undefined;
    await exclusively(() =>
      tolerate('record', async () => {
        found = await record();
      }),
    );
    // The booking answered 503 and removed the row, and this start reached Temporal after all: nothing
    // to remind anyone of. (Histories from before this check recorded no answer: undefined.)
    if (found === false && patched(BOOKING_REFUSED_PATCH)) {
      log.warn('appointment row missing: its booking was refused; the chain ends', { appointmentId: id });
      return { status: s.status, startsAt: s.startsAt };
    }
  }
  const historyLimit = input.continueAsNewAtEvents;

  for (;;) {
    // What fell due: reminders become owed texts, a lapsed prompt closes, the follow-up is owed.
    await exclusively(async () => {
      const now = Date.now();
      let due = false;
      for (let r = s.reminders[0]; r !== undefined && r.at <= now; r = s.reminders[0]) {
        s.reminders.shift();
        oweReminder(r.n);
        due = true;
      }
      if (s.status === 'visited' && s.followUpAt !== null && s.followUpAt <= now) {
        s.followUpAt = null;
        s.owed.push({ kind: 'followup_reminder', idempotencyKey: key('followup_reminder'), opensPrompt: false });
        due = true;
      }
      if (s.prompt !== null && s.prompt.expiresAt <= now) await tolerate('close lapsed prompt', lapsePrompt);
      if (due) await tolerate('record', record);
      // Attempts settled by their receipt, or by waiting long enough: the next channel, if any.
      deliveries.settle(now);
    });
    if ((s.freedSlots?.length ?? 0) > 0) await tolerate('offer the freed slot', offerFreedSlots);

    // Business-initiated texts and calls go only within contact hours; the first owed one goes when
    // they open (a delayed call retry: at its time, or when they next open).
    const earliest = s.owed.length === 0 ? 0 : Math.min(...s.owed.map((m) => m.retry?.notBefore ?? 0));
    const sendAt = nextContactInstant(Math.max(Date.now(), earliest), a.timezone, a.contactHours);
    if (s.owed.length > 0 && sendAt <= Date.now()) {
      const message = await exclusively(async () => {
        const ready = s.owed.findIndex((m) => (m.retry?.notBefore ?? 0) <= Date.now());
        const held = ready < 0 ? undefined : s.owed.splice(ready, 1)[0];
        // A text about the time of a visit that has started while it was held (until morning) is moot.
        if (held === undefined || dropIfStarted(held)) return undefined;
        const next = asItGoes(held);
        if (!next.opensPrompt) return next;
        await tolerate('open reminder prompt', () => ask('appointment_reminder', startsAtMs(), []));
        return next;
      });
      if (message !== undefined) await deliveries.send(message);
      continue;
    }

    const endAt = isOpenAppointment(s.status) ? startsAtMs() + MARK_WINDOW_MS : undefined;
    if (s.owed.length === 0 && deliveries.waiting === 0 && s.followUpAt === null && (endAt === undefined || endAt <= Date.now())) break;
    if (workflowInfo().continueAsNewSuggested || (historyLimit !== undefined && workflowInfo().historyLength >= historyLimit)) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof appointmentWorkflow>({ ...input, carried: s });
    }
    const wakes = [
      endAt,
      s.reminders[0]?.at,
      s.prompt?.expiresAt,
      s.followUpAt ?? undefined,
      s.owed.length > 0 ? sendAt : undefined,
      ...deliveries.deadlines(),
    ];
    const wakeAt = Math.min(...wakes.filter((t): t is number => t !== undefined));
    const seen = changes;
    await condition(() => changes !== seen, Math.max(wakeAt - Date.now(), 1));
  }

  await condition(allHandlersFinished);
  return { status: s.status, startsAt: s.startsAt };
}
