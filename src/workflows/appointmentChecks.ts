/**
 * The checks an appointment chain's update handlers and validators make before a change: each throws
 * a non-retryable ApplicationFailure (`AnswerNotAwaited`, `IllegalTransition`, `InvalidRequest`) that
 * the caller sees as the update's failure, and changes nothing. Workflow code: bundled into the
 * sandbox with appointmentWorkflow.ts, deterministic (the workflow clock), no Node imports.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { readAppointmentAnswer, type AppointmentAnswer } from '../domain/appointmentAnswers.js';
import { planFollowUp } from '../domain/reminderPlan.js';
import {
  FOLLOW_UP_TIME,
  isOpenAppointment,
  type AppointmentChainState,
  type AppointmentPromptAnswer,
  type AppointmentPromptKind,
  type AppointmentSnapshot,
} from './appointmentDefinitions.js';
import { FailureType } from './definitions.js';
import type { PromptAnswer } from './promptDefinitions.js';

/**
 * Whether `meaning` answers a `kind` question: a reminder takes its words, a list of open times a
 * number, or the reminder's YES or NO (only a list asked from `patched('list-takes-reminder-answers')`
 * on accepts those words, so only such a list is ever given one: appointmentPrompts.ts).
 */
const fitsQuestion = (kind: AppointmentPromptKind, meaning: AppointmentAnswer): boolean =>
  kind === 'reschedule_slots' ? typeof meaning === 'object' || meaning === 'confirm' || meaning === 'cancel' : typeof meaning !== 'object';

const refuse = (type: FailureType, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

/** The checks of the chain of appointment `a`, reading its live state `s`. */
export function createChecks(a: AppointmentSnapshot, s: AppointmentChainState) {
  /** Throws `IllegalTransition` unless the appointment is open (booked or confirmed); `what` names the change. */
  const refuseUnlessOpen = (what: string) => {
    if (!isOpenAppointment(s.status)) throw refuse(FailureType.IllegalTransition, `a ${s.status} appointment cannot be ${what}`);
  };
  return {
    /** What `answer` means to the prompt the chain waits on; throws `AnswerNotAwaited` when it waits for no such answer. */
    awaited: (answer: PromptAnswer): AppointmentAnswer => {
      const meaning = readAppointmentAnswer(answer.answer);
      const prompt = s.prompt;
      const fits =
        prompt !== null &&
        meaning !== null &&
        isOpenAppointment(s.status) &&
        prompt.kind === answer.kind &&
        prompt.expiresAt > Date.now() &&
        fitsQuestion(prompt.kind, meaning);
      if (!fits) throw refuse(FailureType.AnswerNotAwaited, `appointment ${a.appointmentId} is not waiting for ${answer.answer} (${answer.kind})`);
      return meaning;
    },
    /**
     * Throws `AnswerNotAwaited` when `answer` is a key pressed on a reminder call (`askedAbout` set) and
     * the question open now is not the one that call read out: a reminder's question expires at the
     * start it asked about, so one about another time (staff moved the appointment during the call and
     * the move's text asked again) has another expiry. A text (no `askedAbout`) answers the open question.
     */
    refuseOtherQuestion: (answer: AppointmentPromptAnswer): void => {
      if (answer.askedAbout === undefined || s.prompt?.expiresAt === Date.parse(answer.askedAbout)) return;
      throw refuse(FailureType.AnswerNotAwaited, `appointment ${a.appointmentId} no longer asks about ${answer.askedAbout}: its key answers nothing`);
    },
    /**
     * What `answer` (normalised) to a confirmed visit whose question has closed means: `reschedule`
     * (CHANGE) or `cancel` (NO); throws `AnswerNotAwaited` for any other answer, or unless the
     * appointment is confirmed, not started, and asks nothing now (an open question takes its own answers).
     */
    confirmedVisitAnswer: ({ answer }: { answer: string }): 'reschedule' | 'cancel' => {
      const meaning = readAppointmentAnswer(answer);
      const fits = (meaning === 'reschedule' || meaning === 'cancel') && s.status === 'confirmed' && s.prompt === null && Date.parse(s.startsAt) > Date.now();
      if (!fits) throw refuse(FailureType.AnswerNotAwaited, `appointment ${a.appointmentId} takes no ${answer} after its confirmation now`);
      return meaning;
    },
    refuseUnlessOpen,
    /** `startsAt` (ISO 8601) as epoch ms; throws `InvalidRequest` unless it is a time after now. */
    futureStart: (startsAt: string): number => {
      const at = Date.parse(startsAt);
      if (Number.isNaN(at) || at <= Date.now()) throw refuse(FailureType.InvalidRequest, `not a future time: ${startsAt}`);
      return at;
    },
    /** When the follow-up reminder of `date` (YYYY-MM-DD, clinic time) goes, epoch ms; throws `InvalidRequest` for a bad or past date. */
    followUpAt: (date: string): number => {
      let at: number;
      try {
        at = planFollowUp(date, FOLLOW_UP_TIME, a.timezone, a.contactHours);
      } catch {
        throw refuse(FailureType.InvalidRequest, `not a date (YYYY-MM-DD): ${date}`);
      }
      if (at <= Date.now()) throw refuse(FailureType.InvalidRequest, `the follow-up date has passed: ${date}`);
      return at;
    },
    /**
     * Throws unless the appointment may be marked a no-show now: open, and its start reached (the
     * Appointments page offers No-show only from then). Validator only (a check in the handler would
     * change the commands of chains in flight): the chain's clock only moves on, so a no-show
     * validated at or after the start is still after it when its handler runs, unless a move
     * validated in the same task runs first.
     */
    refuseEarlyNoShow: (): void => {
      refuseUnlessOpen('marked a no-show');
      if (Date.parse(s.startsAt) > Date.now()) {
        throw refuse(FailureType.IllegalTransition, `the appointment has not started (it starts ${s.startsAt}): a no-show can be marked from its start`);
      }
    },
    /** Throws unless a reminder may go now: the appointment open and not yet started. */
    refuseRemind: (): void => {
      refuseUnlessOpen('reminded');
      if (Date.parse(s.startsAt) <= Date.now()) throw refuse(FailureType.IllegalTransition, 'the appointment has started');
    },
  };
}
