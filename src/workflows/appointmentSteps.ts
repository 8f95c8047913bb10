/**
 * The steps an appointment chain takes on its live state: writing the row, wording a reply, closing,
 * cancelling or moving the appointment, offering open times and handing freed slots to the waitlist,
 * with the prompt and the deliveries they drive (appointmentPrompts.ts, appointmentDeliveries.ts).
 * Workflow code: bundled into the sandbox with appointmentWorkflow.ts, deterministic, no Node imports.
 */
import { log, patched, proxyActivities, proxyLocalActivities, TemporalFailure } from '@temporalio/workflow';
import type { AppointmentActivities } from '../activities/appointments.js';
import type { OfferActivities } from '../activities/offers.js';
import type { LineKind } from '../domain/messageTemplates.js';
import {
  appointmentMessageKey,
  isOpenAppointment,
  SLOT_OFFER_MS,
  type AppointmentChainState,
  type AppointmentMessageKind,
  type AppointmentPromptOutcome,
  type AppointmentSnapshot,
  type AppointmentStatus,
  type AppointmentView,
  type OwedMessage,
} from './appointmentDefinitions.js';
import { createDeliveries } from './appointmentDeliveries.js';
import { planChainReminders, toIso } from './appointmentPlan.js';
import { createPrompts } from './appointmentPrompts.js';
import { FailureType } from './definitions.js';

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
const ABOUT_THE_TIME: readonly OwedMessage['kind'][] = ['booking_confirmation', 'reminder', 'confirmed_reminder', 'rescheduled'];

/** The patch that hands a cancelled appointment's slot to the waitlist (an offer workflow). */
const WAITLIST_OFFERS_PATCH = 'waitlist-offers';
/** The patch that stops a reminder's retries once its question is answered or asked again. */
const ANSWER_STOPS_RETRIES_PATCH = 'answer-stops-retries';
/** The patch that records when a patient who asked for another time was told none is open (staff call them back). */
const NO_OPEN_TIMES_RECORDED_PATCH = 'no-open-times-recorded';
/** The patch that records on the row when a texted list of open times lapsed without a choice (staff call the patient back). */
const NO_TIME_CHOSEN_RECORDED_PATCH = 'no-time-chosen-recorded';
/** The patch that drops a held booking confirmation (or a staff move's text that asks nothing) once its visit has started. */
const STARTED_VISIT_PATCH = 'started-visit-drops-held-texts';
/** The patch that owes no second reminder while one is held (owed, not sent yet): one reminder goes. */
const REMINDER_OWED_ONCE_PATCH = 'held-reminder-owed-once';
/** The patch that reminds a confirmed visit with `confirmed_reminder` (no question) instead of asking again. */
const CONFIRMED_REMINDER_PATCH = 'confirmed-visit-reminder-asks-nothing';
/** The patch that owes no reminder while a staff move's text that asks the reminder's question is held: it is the reminder. */
const MOVE_TEXT_REMINDS_PATCH = 'held-move-text-is-the-reminder';
/** The patch that sends a reminder held until after the patient confirmed as `confirmed_reminder` (no question). */
const HELD_REMINDER_CONFIRMED_PATCH = 'held-reminder-of-confirmed-visit-asks-nothing';

/**
 * Runs `work`, a step of the chain's own (not a caller's): an activity failure is logged as `step`
 * and the chain goes on (the next write of the whole state repairs the row); any other error is thrown.
 */
export async function tolerate(step: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof TemporalFailure)) throw error;
    log.warn('appointment step failed', { step, reason: error.cause?.message ?? error.message });
  }
}

/** What the steps need from their chain. */
export interface StepDeps {
  appointment: AppointmentSnapshot;
  /** The chain's live state, which the steps change. */
  state: AppointmentChainState;
  /** The chain's workflow ID (its prompts' rows name it). */
  workflowId: string;
  /** Called on every change of the state, so the chain's loop wakes up to re-plan its timers. */
  changed: () => void;
}

/** The steps of the chain of appointment `a` on its live state `s`; see the module docstring. */
export function createSteps({ appointment: a, state: s, workflowId, changed }: StepDeps) {
  const id = a.appointmentId;
  /** The appointment's start, epoch ms. */
  const startsAtMs = () => Date.parse(s.startsAt);
  /** The idempotency key of a `kind` message about the current start (`n`: a numbered one). */
  const key = (kind: OwedMessage['kind'], n?: number) => appointmentMessageKey(id, s.startsAt, kind, n);
  const nextReminderAt = (): string | null => {
    if (isOpenAppointment(s.status) && s.reminders[0] !== undefined) return toIso(s.reminders[0].at);
    return s.status === 'visited' && s.followUpAt !== null ? toIso(s.followUpAt) : null;
  };
  /** The appointment as staff and the API see it. */
  const view = (): AppointmentView => ({
    appointmentId: id,
    status: s.status,
    startsAt: s.startsAt,
    nextReminderAt: nextReminderAt(),
    followUpDate: s.followUpDate,
    openPrompt: s.prompt?.kind ?? null,
  });
  /** Writes the state to the appointment's row; false when the row is gone. */
  const record = () =>
    store.recordAppointmentState({ appointmentId: id, status: s.status, startsAt: s.startsAt, followUpDate: s.followUpDate, nextReminderAt: nextReminderAt() });
  /**
   * The reply to the patient's answer: the `kind` message, worded for the appointment (`slots`: the
   * open times it lists; `first`: a line before it), and its kind.
   */
  const reply = async (kind: AppointmentMessageKind, slots?: number[], first?: LineKind): Promise<AppointmentPromptOutcome> => ({
    reply: await store.renderAppointmentMessage({
      appointmentId: id,
      kind,
      ...(slots === undefined ? {} : { slots }),
      ...(first === undefined ? {} : { first }),
    }),
    kind,
  });
  const { dropPrompt, ask } = createPrompts(a, s, workflowId);

  /**
   * Drops held `message`, due to go now, when the visit has started (true: dropped): a text about the
   * visit's time (its booking confirmation, a reminder, a staff move's text) would tell the patient of a
   * start already behind them. A staff cancellation and a follow-up still go. A booking confirmation so
   * dropped leaves the patient untold (`untold`). Before this patch only the texts that ask (a reminder,
   * a staff move's text) were dropped: chains that sent a booking confirmation after the start replay
   * as they ran.
   */
  const dropIfStarted = (message: OwedMessage): boolean => {
    if (startsAtMs() > Date.now()) return false;
    if (message.opensPrompt) return true;
    if (!ABOUT_THE_TIME.includes(message.kind) || !patched(STARTED_VISIT_PATCH)) return false;
    if (message.kind === 'booking_confirmation') s.confirmationDropped = true;
    return true;
  };
  /**
   * Whether the patient has never been texted about the booking: its confirmation is still held (until
   * contact hours open), or was dropped unsent because the visit started while it was held.
   */
  const untold = () => s.owed.some((m) => m.kind === 'booking_confirmation') || s.confirmationDropped === true;
  /**
   * Owes reminder number `n` (a planned one fallen due, or staff's Remind now), unless a reminder is
   * already held (owed and not sent yet, such as until contact hours open): that one is about the same
   * time. Chains that owed a second one before REMINDER_OWED_ONCE_PATCH send both. A visit already
   * confirmed (YES to an earlier reminder, a waitlist offer taken, a time picked from the list) gets
   * `confirmed_reminder`, which asks nothing and opens no question, unless its reminders are calls (the
   * call keeps its keypad menu); chains from before CONFIRMED_REMINDER_PATCH asked again. Nor is one owed
   * while a staff move's `rescheduled` text that asks the reminder's question about the new time is held:
   * the patient would get that question twice when contact hours open, and the move's text, which also
   * says the new time, is the reminder (chains from before MOVE_TEXT_REMINDS_PATCH sent both).
   */
  const oweReminder = (n: number): void => {
    const held = s.owed.some((m) => (m.kind === 'reminder' || m.kind === 'confirmed_reminder') && m.retry === undefined);
    if (held && patched(REMINDER_OWED_ONCE_PATCH)) return;
    const moveAsks = s.owed.some((m) => m.kind === 'rescheduled' && m.opensPrompt && m.retry === undefined);
    if (moveAsks && patched(MOVE_TEXT_REMINDS_PATCH)) return;
    if (s.status === 'confirmed' && a.channel !== 'voice' && patched(CONFIRMED_REMINDER_PATCH)) {
      s.owed.push({ kind: 'confirmed_reminder', idempotencyKey: key('confirmed_reminder', n), opensPrompt: false });
      return;
    }
    s.owed.push({ kind: 'reminder', idempotencyKey: key('reminder', n), opensPrompt: true });
  };
  /**
   * Held `message`, due to go now, as it goes: a reminder owed while the visit was booked and held
   * since (until contact hours open, or behind a text Twilio throttled) whose patient has confirmed
   * meanwhile (YES to an earlier reminder's question, still open) is `confirmed_reminder`, numbered as
   * it was, which asks nothing, as oweReminder would owe it now (not for calls, which keep their keypad
   * menu; not a fallback attempt, which its answer already stopped). Chains that sent such a reminder
   * before HELD_REMINDER_CONFIRMED_PATCH asked again.
   */
  const asItGoes = (message: OwedMessage): OwedMessage => {
    const confirmedMeanwhile = message.kind === 'reminder' && message.retry === undefined && s.status === 'confirmed' && a.channel !== 'voice';
    if (!confirmedMeanwhile || !patched(HELD_REMINDER_CONFIRMED_PATCH)) return message;
    return { kind: 'confirmed_reminder', idempotencyKey: message.idempotencyKey.replace(/:reminder(?=(?::\d+)?$)/, ':confirmed_reminder'), opensPrompt: false };
  };
  /** Messages about the time (and their fallbacks) are dropped, also those waiting for a receipt. */
  const dropMessagesAboutTheTime = () => {
    s.owed = s.owed.filter((m) => !ABOUT_THE_TIME.includes(m.kind));
    deliveries.drop(ABOUT_THE_TIME);
  };
  /** Whether `message` still concerns the appointment as it stands (not moved or closed since). */
  const current = (message: OwedMessage) =>
    !ABOUT_THE_TIME.includes(message.kind) || (isOpenAppointment(s.status) && message.idempotencyKey.startsWith(appointmentMessageKey(id, s.startsAt, '')));
  const deliveries = createDeliveries({ appointment: a, state: s, current, changed });
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
    changed();
    s.status = status;
    s.reminders = [];
    dropMessagesAboutTheTime();
    await dropPrompt();
  };
  /** Cancels the appointment: closed, recorded, its slot released and (by the main loop) offered to the waitlist. */
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
  /** Books the row at the open time `startsAt` (epoch ms) the patient chose: `taken` when someone else got it meanwhile. */
  const takeSlot = (startsAt: number) => store.moveAppointment({ appointmentId: id, startsAt });
  /** Moves the appointment to `to` (epoch ms): reminders re-planned, the old slot released. */
  const move = async (to: number, status: AppointmentStatus) => {
    changed();
    const from = s.startsAt;
    s.startsAt = toIso(to);
    s.status = status;
    s.reminders = planChainReminders(a, s.startsAt, s.numbered, Date.now());
    s.numbered += s.reminders.length;
    dropMessagesAboutTheTime();
    await dropPrompt();
    await record();
    await store.releaseSlot({ appointmentId: id, startsAt: from });
  };
  /**
   * Closes the open question, which has lapsed. A list of open times that lapsed unanswered is first
   * recorded on the row: the patient asked for another time and chose none, so staff call them back.
   */
  const lapsePrompt = async () => {
    if (s.prompt?.kind === 'reschedule_slots' && patched(NO_TIME_CHOSEN_RECORDED_PATCH)) {
      await tolerate('record no time chosen', () => store.recordNoTimeChosen({ appointmentId: id, startsAt: s.startsAt }));
    }
    await dropPrompt();
  };
  /**
   * Offers the open times within office hours as a numbered list until SLOT_OFFER_MS or the start, or
   * says there are none; `first`, a line the list's text starts with (`slot_taken`). "There are none"
   * goes without it: a pick refused because staff made the provider inactive meanwhile also reads
   * `taken`, and then finds no time open, although none was taken.
   */
  const offerSlots = async (first?: LineKind): Promise<AppointmentPromptOutcome> => {
    const slots = await store.findOpenSlots({
      appointmentId: id,
      timezone: a.timezone,
      officeDays: a.officeDays,
      opens: a.opens,
      closes: a.closes,
      slotMinutes: a.slotMinutes,
      now: Date.now(),
    });
    changed();
    if (slots.length === 0) {
      await dropPrompt();
      // The reply asks the patient to call the office; staff see it as a request to call them back.
      if (patched(NO_OPEN_TIMES_RECORDED_PATCH)) {
        await tolerate('record no open times', () => store.recordNoOpenTimes({ appointmentId: id, startsAt: s.startsAt, at: toIso(Date.now()) }));
      }
      return reply('no_open_slots');
    }
    await ask('reschedule_slots', Math.min(Date.now() + SLOT_OFFER_MS, startsAtMs()), slots);
    return reply('reschedule_options', slots, first);
  };

  return {
    startsAtMs,
    key,
    view,
    record,
    reply,
    dropPrompt,
    lapsePrompt,
    ask,
    deliveries,
    dropIfStarted,
    asItGoes,
    untold,
    oweReminder,
    stopAskingAgain,
    close,
    cancel,
    offerFreedSlots,
    takeSlot,
    move,
    offerSlots,
  };
}

/** An appointment chain's steps (createSteps). */
export type AppointmentSteps = ReturnType<typeof createSteps>;
