/**
 * An appointment's chain, from booking to its end: one workflow per appointment. It owns the
 * appointment's status and time; its activities write the Postgres row, open and close the patient's
 * prompts and send the texts. Its durable timers are the planned reminders, the contact-hours wait
 * of every business-initiated text, the lapse of a slot offer, the follow-up and the end of the
 * chain (MARK_WINDOW_MS after the start when staff never mark it).
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  TemporalFailure,
  workflowInfo,
} from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { AppointmentActivities } from '../activities/appointments.js';
import type { OfferActivities } from '../activities/offers.js';
import { nextContactInstant, planReminders } from '../domain/reminderPlan.js';
import {
  answerAppointmentPromptUpdate,
  appointmentMessageKey,
  appointmentQuery,
  cancelAppointmentUpdate,
  deliveryReceiptSignal,
  isOpenAppointment,
  MARK_WINDOW_MS,
  markNoShowUpdate,
  markVisitedUpdate,
  remindNowUpdate,
  rescheduleAppointmentUpdate,
  SLOT_OFFER_MS,
  type AppointmentChainState,
  type AppointmentMessageKind,
  type AppointmentOutcome,
  type AppointmentStatus,
  type AppointmentView,
  type CancelRequest,
  type AppointmentWorkflowInput,
  type OwedMessage,
} from './appointmentDefinitions.js';
import { createChecks } from './appointmentChecks.js';
import { createDeliveries } from './appointmentDeliveries.js';
import { createPrompts } from './appointmentPrompts.js';
import { FailureType } from './definitions.js';
import type { PromptAnswer, PromptOutcome } from './promptDefinitions.js';

// Row writes, prompts, the slot search, the move and the reply's text are short Postgres calls:
// local activities (no round trip to the server), bounded like the ticket rows.
const store = proxyLocalActivities<Omit<AppointmentActivities, 'sendAppointmentMessage' | 'deliverAppointmentMessage'>>({
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: '2 minutes',
  retry: { maximumInterval: '30 seconds', nonRetryableErrorTypes: [FailureType.InvalidData] },
});
// Handing a freed slot to the waitlist starts a workflow through the Temporal client: a regular activity.
const waitlist = proxyActivities<Pick<OfferActivities, 'offerFreedSlot'>>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: { maximumInterval: '1 minute', nonRetryableErrorTypes: [FailureType.InvalidData] },
});
// Messages about the appointment's time: dropped when the time changes or the appointment closes.
const ABOUT_THE_TIME: readonly OwedMessage['kind'][] = ['booking_confirmation', 'reminder', 'rescheduled'];

const toIso = (ms: number) => new Date(ms).toISOString();
/** The patch that hands a cancelled appointment's slot to the waitlist (an offer workflow). */
const WAITLIST_OFFERS_PATCH = 'waitlist-offers';
/** The patch that plans the first reminders from the chain's start, not from its first task. */
const PLAN_FROM_START_PATCH = 'plan-from-start';
/** The patch that ends a chain whose row is missing at its start (a booking answered 503). */
const BOOKING_REFUSED_PATCH = 'end-without-row';
/** The patch that stops a reminder's retries once its question is answered or asked again. */
const ANSWER_STOPS_RETRIES_PATCH = 'answer-stops-retries';

/**
 * Runs one appointment's chain until it is cancelled, marked, followed up, or left unmarked for
 * MARK_WINDOW_MS. Each message goes on the appointment's channel and falls back by its delivery
 * receipts (src/domain/deliveryFallback.ts): the status webhooks signal `deliveryReceipt`.
 */
export async function appointmentWorkflow(input: AppointmentWorkflowInput): Promise<AppointmentOutcome> {
  const a = input.appointment;
  const { workflowId } = workflowInfo();
  const id = a.appointmentId;

  /** The reminders of an appointment at `startsAt` (ISO 8601) not yet due at `now` (epoch ms), numbered on from `numbered`. */
  const plan = (startsAt: string, numbered: number, now = Date.now()) =>
    planReminders({ startsAt: Date.parse(startsAt), timezone: a.timezone, rules: a.reminderRules, contactHours: a.contactHours, now }).map((at, i) => ({
      at,
      n: numbered + i + 1,
    }));
  const firstStart = toIso(Date.parse(a.startsAt));
  // Planned from when the booking started the chain, not from its first task: a worker with a backlog
  // may reach a new chain minutes late, and a reminder that fell due meanwhile then goes at once
  // instead of being skipped as if the booking had come after it.
  const firstReminders =
    input.carried === undefined ? plan(firstStart, 0, patched(PLAN_FROM_START_PATCH) ? workflowInfo().startTime.getTime() : Date.now()) : [];
  const s: AppointmentChainState = input.carried ?? {
    status: input.confirmedByOffer === true ? 'confirmed' : 'booked',
    startsAt: firstStart,
    followUpDate: null,
    followUpAt: null,
    reminders: firstReminders,
    owed:
      input.confirmedByOffer === true
        ? []
        : [{ kind: 'booking_confirmation', idempotencyKey: appointmentMessageKey(id, firstStart, 'booking_confirmation'), opensPrompt: false }],
    prompt: null,
    numbered: firstReminders.length,
  };

  // Every handler's change bumps this, so the main loop's wait wakes up to re-plan its timers.
  let changes = 0;
  // Every state change and its writes run one at a time (Temporal's safe-message-handlers pattern),
  // so the row's last write is always the chain's last state.
  const lock = new Mutex();
  const exclusively = <T>(work: () => Promise<T>): Promise<T> => lock.runExclusive(work);

  const startsAtMs = () => Date.parse(s.startsAt);
  const key = (kind: OwedMessage['kind'], n?: number) => appointmentMessageKey(id, s.startsAt, kind, n);
  const nextReminderAt = (): string | null => {
    if (isOpenAppointment(s.status) && s.reminders[0] !== undefined) return toIso(s.reminders[0].at);
    return s.status === 'visited' && s.followUpAt !== null ? toIso(s.followUpAt) : null;
  };
  const view = (): AppointmentView => ({
    appointmentId: id,
    status: s.status,
    startsAt: s.startsAt,
    nextReminderAt: nextReminderAt(),
    followUpDate: s.followUpDate,
    openPrompt: s.prompt?.kind ?? null,
  });
  const record = () =>
    store.recordAppointmentState({ appointmentId: id, status: s.status, startsAt: s.startsAt, followUpDate: s.followUpDate, nextReminderAt: nextReminderAt() });
  const reply = async (kind: AppointmentMessageKind, slots?: number[]): Promise<PromptOutcome> => ({
    reply: await store.renderAppointmentMessage({ appointmentId: id, kind, ...(slots === undefined ? {} : { slots }) }),
  });
  const { dropPrompt, ask } = createPrompts(a, s, workflowId);
  // A step of the chain's own (not a caller's): a write that gives up is logged, and the next write
  // of the whole state repairs the row; the chain goes on.
  const tolerate = async (step: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof TemporalFailure)) throw error;
      log.warn('appointment step failed', { step, reason: error.cause?.message ?? error.message });
    }
  };

  /** Messages about the time (and their fallbacks) are dropped, also those waiting for a receipt. */
  const dropMessagesAboutTheTime = () => {
    s.owed = s.owed.filter((m) => !ABOUT_THE_TIME.includes(m.kind));
    deliveries.drop(ABOUT_THE_TIME);
  };
  /** Whether `message` still concerns the appointment as it stands (not moved or closed since). */
  const current = (message: OwedMessage) =>
    !ABOUT_THE_TIME.includes(message.kind) || (isOpenAppointment(s.status) && message.idempotencyKey.startsWith(appointmentMessageKey(id, s.startsAt, '')));
  const deliveries = createDeliveries({ appointment: a, state: s, current, changed: () => changes++ });
  /**
   * The reminder's question was answered (or a new reminder asks it again): its retries, owed or
   * waiting on a receipt, would call or text the patient to ask what they have already said.
   */
  const stopAskingAgain = () => {
    if (!patched(ANSWER_STOPS_RETRIES_PATCH)) return;
    s.owed = s.owed.filter((m) => !(m.opensPrompt && m.retry !== undefined));
    deliveries.dropWhere((m) => m.opensPrompt);
  };
  /** Closes the appointment (`cancelled`, `visited`, `no_show`): reminders and the prompt dropped. */
  const close = async (status: AppointmentStatus) => {
    changes++;
    s.status = status;
    s.reminders = [];
    dropMessagesAboutTheTime();
    await dropPrompt();
  };
  const cancel = async () => {
    await close('cancelled');
    await record();
    await store.releaseSlot({ appointmentId: id, startsAt: s.startsAt });
    // The main loop hands the slot to the waitlist, so the patient's or staff's answer does not wait on it.
    if (patched(WAITLIST_OFFERS_PATCH)) s.freedSlots = [...(s.freedSlots ?? []), s.startsAt];
  };
  /**
   * Logs each freed slot as a cancellation and starts its offer workflow, which outlives this chain
   * (started by the activity, not as a child: nothing ties its life to the chain's).
   */
  const offerFreedSlots = async () => {
    for (let startsAt = s.freedSlots?.[0]; startsAt !== undefined; startsAt = s.freedSlots?.[0]) {
      await waitlist.offerFreedSlot({ appointmentId: id, startsAt, now: toIso(Date.now()) });
      s.freedSlots?.shift();
    }
  };
  /** Moves the appointment to `to` (epoch ms): reminders re-planned, the old slot released. */
  const move = async (to: number, status: AppointmentStatus) => {
    changes++;
    const from = s.startsAt;
    s.startsAt = toIso(to);
    s.status = status;
    s.reminders = plan(s.startsAt, s.numbered);
    s.numbered += s.reminders.length;
    dropMessagesAboutTheTime();
    await dropPrompt();
    await record();
    await store.releaseSlot({ appointmentId: id, startsAt: from });
  };
  const offerSlots = async (): Promise<PromptOutcome> => {
    const slots = await store.findOpenSlots({
      appointmentId: id,
      timezone: a.timezone,
      officeDays: a.officeDays,
      opens: a.opens,
      closes: a.closes,
      slotMinutes: a.slotMinutes,
      now: Date.now(),
    });
    changes++;
    if (slots.length === 0) {
      await dropPrompt();
      return reply('no_open_slots');
    }
    await ask('reschedule_slots', Math.min(Date.now() + SLOT_OFFER_MS, startsAtMs()), slots);
    return reply('reschedule_options', slots);
  };

  const { awaited, refuseUnlessOpen, futureStart, followUpAt, refuseRemind } = createChecks(a, s);

  setHandler(appointmentQuery, view);
  setHandler(deliveryReceiptSignal, (receipt) => deliveries.receive(receipt));
  // Each handler checks again under the lock what its validator checked: updates validated together
  // run one after another, and an earlier one may have changed the state.
  setHandler(
    answerAppointmentPromptUpdate,
    (answer) =>
      exclusively(async () => {
        const meaning = awaited(answer);
        stopAskingAgain();
        if (meaning === 'confirm') {
          changes++;
          if (s.status === 'booked') s.status = 'confirmed';
          await dropPrompt();
          await record();
          return reply('confirmed');
        }
        if (meaning === 'cancel') {
          await cancel();
          return reply('cancelled');
        }
        if (meaning === 'reschedule') return offerSlots();
        const slots = s.prompt?.slots ?? [];
        const chosen = slots[meaning.pick - 1];
        // An out-of-range number: the same list again.
        if (chosen === undefined) return reply('reschedule_options', slots);
        // Taken meanwhile by someone else: a fresh list.
        if ((await store.moveAppointment({ appointmentId: id, startsAt: chosen })) === 'taken') return offerSlots();
        // The patient chose the time: it counts as confirmed.
        await move(chosen, 'confirmed');
        return reply('rescheduled');
      }),
    { validator: (answer: PromptAnswer) => void awaited(answer) },
  );
  setHandler(
    rescheduleAppointmentUpdate,
    ({ startsAt }) =>
      exclusively(async () => {
        refuseUnlessOpen('moved');
        await move(futureStart(startsAt), 'booked');
        s.owed.push({ kind: 'rescheduled', idempotencyKey: key('rescheduled', ++s.numbered), opensPrompt: false });
        return view();
      }),
    {
      validator: ({ startsAt }: { startsAt: string }) => {
        refuseUnlessOpen('moved');
        futureStart(startsAt);
      },
    },
  );
  setHandler(
    cancelAppointmentUpdate,
    ({ by }) =>
      exclusively(async () => {
        refuseUnlessOpen(`cancelled (by ${by})`);
        await cancel();
        // A bare CANCEL is a carrier opt-out word: the patient gets no text (the caller records the opt-out).
        if (by === 'staff') s.owed.push({ kind: 'cancelled', idempotencyKey: key('cancelled'), opensPrompt: false });
        return view();
      }),
    { validator: ({ by }: CancelRequest) => refuseUnlessOpen(`cancelled (by ${by})`) },
  );
  setHandler(
    remindNowUpdate,
    () =>
      exclusively(() => {
        refuseRemind();
        changes++;
        stopAskingAgain();
        s.owed.push({ kind: 'reminder', idempotencyKey: key('reminder', ++s.numbered), opensPrompt: true });
        return Promise.resolve(view());
      }),
    { validator: refuseRemind },
  );
  setHandler(
    markVisitedUpdate,
    ({ followUpDate }) =>
      exclusively(async () => {
        refuseUnlessOpen('marked visited');
        const at = followUpDate === undefined ? null : followUpAt(followUpDate);
        await close('visited');
        s.followUpDate = followUpDate ?? null;
        s.followUpAt = at;
        await record();
        return view();
      }),
    {
      validator: ({ followUpDate }: { followUpDate?: string }) => {
        refuseUnlessOpen('marked visited');
        if (followUpDate !== undefined) followUpAt(followUpDate);
      },
    },
  );
  setHandler(
    markNoShowUpdate,
    () =>
      exclusively(async () => {
        refuseUnlessOpen('marked a no-show');
        await close('no_show');
        await record();
        return view();
      }),
    { validator: () => refuseUnlessOpen('marked a no-show') },
  );

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
        s.owed.push({ kind: 'reminder', idempotencyKey: key('reminder', r.n), opensPrompt: true });
        due = true;
      }
      if (s.status === 'visited' && s.followUpAt !== null && s.followUpAt <= now) {
        s.followUpAt = null;
        s.owed.push({ kind: 'followup_reminder', idempotencyKey: key('followup_reminder'), opensPrompt: false });
        due = true;
      }
      if (s.prompt !== null && s.prompt.expiresAt <= now) await tolerate('close lapsed prompt', dropPrompt);
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
        const next = ready < 0 ? undefined : s.owed.splice(ready, 1)[0];
        if (next?.opensPrompt !== true) return next;
        // A reminder of an appointment that has started (a staff reminder held until morning) is moot.
        if (startsAtMs() <= Date.now()) return undefined;
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
