/**
 * An appointment chain's message handlers: the query, the delivery receipt signal, and the updates of
 * the patient's answer and of staff (move, cancel, remind now, mark visited or a no-show). Each update's
 * validator refuses before anything reaches history (appointmentChecks.ts); its handler checks again
 * and changes the state under the chain's lock. Workflow code: bundled into the sandbox with
 * appointmentWorkflow.ts, deterministic, no Node imports.
 */
import { patched, setHandler } from '@temporalio/workflow';
import {
  answerAppointmentPromptUpdate,
  answerConfirmedVisitUpdate,
  appointmentQuery,
  cancelAppointmentUpdate,
  deliveryReceiptSignal,
  markNoShowUpdate,
  markVisitedUpdate,
  remindNowUpdate,
  rescheduleAppointmentUpdate,
  type AppointmentChainState,
  type AppointmentPromptAnswer,
  type AppointmentSnapshot,
  type CancelRequest,
} from './appointmentDefinitions.js';
import { createChecks } from './appointmentChecks.js';
import type { AppointmentSteps } from './appointmentSteps.js';

/** The patch that makes a staff move's `rescheduled` text ask the reminder's question (YES / NO / CHANGE) about the new time. */
const MOVE_ASKS_PATCH = 'move-asks-to-confirm';
/** The patch that has a key pressed on a reminder call answer only the question that call read out (checked again under the lock). */
const CALL_KEY_PATCH = 'call-key-answers-its-question';
/**
 * The patch that has a staff move made while the booking confirmation is still held texts the booking
 * confirmation of the new time instead of the `rescheduled` text (and keeps a held reminder, about the new time).
 */
const HELD_CONFIRMATION_PATCH = 'move-before-confirmation-confirms-new-time';
/** The patch that has a cancel made while the booking confirmation is still held text nothing: the confirmation is dropped, no `cancelled` text owed. */
const UNTOLD_CANCEL_PATCH = 'cancel-before-confirmation-texts-nothing';
/** The patch that starts the reply to a pick taken meanwhile by someone else with the `slot_taken` line, before the fresh list. */
const TAKEN_SAYS_SO_PATCH = 'taken-time-says-so';
/**
 * The patch that has a confirmed visit take CHANGE (the list of open times) and NO (cancelled) after its
 * question closed (answerConfirmedVisitUpdate). Before it the chain had no such update: the patient got
 * the help text, and nothing changed.
 */
const CONFIRMED_VISIT_ANSWERS_PATCH = 'confirmed-visit-takes-change-and-no';

/** What the handlers need from their chain. */
export interface HandlerDeps {
  appointment: AppointmentSnapshot;
  /** The chain's live state. */
  state: AppointmentChainState;
  steps: AppointmentSteps;
  /** Runs `work` under the chain's lock, after every change before it. */
  exclusively: <T>(work: () => Promise<T>) => Promise<T>;
  /** Called on every change of the state, so the chain's loop wakes up to re-plan its timers. */
  changed: () => void;
}

/** Sets the handlers of the chain of appointment `a` on its live state `s`. */
export function setAppointmentHandlers({ appointment: a, state: s, steps, exclusively, changed }: HandlerDeps): void {
  const { view, record, reply, key, dropPrompt, deliveries, untold, oweReminder, stopAskingAgain, close, cancel, takeSlot, move, offerSlots } = steps;
  const { awaited, confirmedVisitAnswer, refuseOtherQuestion, refuseUnlessOpen, futureStart, followUpAt, refuseRemind, refuseEarlyNoShow } = createChecks(a, s);

  setHandler(appointmentQuery, view);
  setHandler(deliveryReceiptSignal, (receipt) => deliveries.receive(receipt));
  // Each handler checks again under the lock what its validator checked: updates validated together
  // run one after another, and an earlier one may have changed the state.
  setHandler(
    answerAppointmentPromptUpdate,
    (answer) =>
      exclusively(async () => {
        const meaning = awaited(answer);
        // A key on a reminder call answers only the question that call read out. Chains that took such
        // a key before this patch answered the open question, whichever it was.
        if (answer.askedAbout !== undefined && patched(CALL_KEY_PATCH)) refuseOtherQuestion(answer);
        stopAskingAgain();
        // A YES or NO to a list of open times (the patient changed their mind) does what it does to the
        // reminder: the visit kept at its time, or cancelled; the list closes either way.
        if (meaning === 'confirm') {
          changed();
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
        // Taken meanwhile by someone else: a fresh list, which first says so (appointmentSteps.ts: not the
        // apology for no time open). Chains that had a time
        // taken before this patch sent the fresh list alone.
        if ((await takeSlot(chosen)) === 'taken') return offerSlots(patched(TAKEN_SAYS_SO_PATCH) ? 'slot_taken' : undefined);
        // The patient chose the time: it counts as confirmed.
        await move(chosen, 'confirmed');
        return reply('rescheduled');
      }),
    {
      validator: (answer: AppointmentPromptAnswer) => {
        awaited(answer);
        refuseOtherQuestion(answer);
      },
    },
  );
  setHandler(
    answerConfirmedVisitUpdate,
    (answer) =>
      exclusively(async () => {
        const meaning = confirmedVisitAnswer(answer);
        // No run took this update before the patch (none had its handler), so there is no old branch:
        // the marker dates the change in the run's history.
        patched(CONFIRMED_VISIT_ANSWERS_PATCH);
        // As the reminder's words do: NO cancels (the `cancelled` reply), CHANGE offers the open times.
        if (meaning === 'cancel') {
          await cancel();
          return reply('cancelled');
        }
        return offerSlots();
      }),
    { validator: confirmedVisitAnswer },
  );
  setHandler(
    rescheduleAppointmentUpdate,
    ({ startsAt }) =>
      exclusively(async () => {
        refuseUnlessOpen('moved');
        // The booking confirmation has not gone (held until contact hours open, or dropped unsent when the
        // visit started while it was held): the patient has never heard of the old time, so "your visit is
        // now …" would tell of a move of a visit they do not know. They are told of the booking at the new
        // time instead; a reminder staff asked for meanwhile still goes after it, about the new time (the
        // confirmation asks nothing). Chains that took such a move before this patch dropped both and sent
        // the `rescheduled` text alone.
        const confirms = untold() && patched(HELD_CONFIRMATION_PATCH);
        const reminded = s.owed.some((m) => m.kind === 'reminder');
        await move(futureStart(startsAt), 'booked');
        if (confirms) {
          s.confirmationDropped = undefined;
          s.owed.push({ kind: 'booking_confirmation', idempotencyKey: key('booking_confirmation', ++s.numbered), opensPrompt: false });
          if (reminded) s.owed.push({ kind: 'reminder', idempotencyKey: key('reminder', ++s.numbered), opensPrompt: true });
          return view();
        }
        // The move's text asks the reminder's question about the new time (YES confirms it at once);
        // chains that took a move before this patch told the patient and asked nothing.
        const asks = patched(MOVE_ASKS_PATCH);
        s.owed.push({ kind: 'rescheduled', idempotencyKey: key('rescheduled', ++s.numbered), opensPrompt: asks });
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
        // The booking confirmation has not gone (held until contact hours open, or dropped once the visit
        // started): the patient was never texted about this booking (most likely made in person), so they
        // are not texted its cancellation either. Chains that took such a cancel before this patch texted it.
        const neverTexted = untold();
        await cancel();
        // A bare CANCEL is a carrier opt-out word: the patient gets no text (the caller records the opt-out).
        const texted = by === 'staff' && !(neverTexted && patched(UNTOLD_CANCEL_PATCH));
        if (texted) s.owed.push({ kind: 'cancelled', idempotencyKey: key('cancelled'), opensPrompt: false });
        return { ...view(), patientTexted: texted };
      }),
    { validator: ({ by }: CancelRequest) => refuseUnlessOpen(`cancelled (by ${by})`) },
  );
  setHandler(
    remindNowUpdate,
    () =>
      exclusively(() => {
        refuseRemind();
        changed();
        stopAskingAgain();
        oweReminder(++s.numbered);
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
    // The start is checked by the validator only: validators do not run on replay and a refused update
    // leaves no event, so chains that took an early no-show before this check replay unchanged.
    { validator: refuseEarlyNoShow },
  );
}
