/**
 * The contract between the API and the appointment chains (`appointmentWorkflow`): workflow ID,
 * input, updates, query and the kinds of message and prompt. Bundled into the workflow sandbox, so it
 * imports no Node modules; the API imports this file, never workflow code. Instants in the contract
 * are ISO 8601 UTC strings unless a field says epoch ms.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DeliveryChannel } from '../domain/deliveryFallback.js';
import type { ContactHours, ReminderRule } from '../domain/reminderPlan.js';
import type { PromptAnswer, PromptOutcome } from './promptDefinitions.js';

/** Workflow type name of the appointment chain. */
export const APPOINTMENT_WORKFLOW_TYPE = 'appointmentWorkflow';

/** `FrontdeskJourney` value of an appointment chain. */
export const APPOINTMENT_JOURNEY = 'appointment-chain';

/** Workflow ID of an appointment's chain: `appointment-<clinic slug>-<appointment id>`. */
export function appointmentWorkflowId(clinicSlug: string, appointmentId: string): string {
  return `appointment-${clinicSlug}-${appointmentId}`;
}

/** How reminders reach the patient: WhatsApp, SMS or a call (`voice`). */
export type AppointmentChannel = 'sms' | 'whatsapp' | 'voice';

/** An appointment's status (the `appointments.status` check). `booked` and `confirmed` are open. */
export type AppointmentStatus = 'booked' | 'confirmed' | 'cancelled' | 'visited' | 'no_show';

/** Whether an appointment in `status` can still be confirmed, cancelled, moved or marked. */
export function isOpenAppointment(status: AppointmentStatus): boolean {
  return status === 'booked' || status === 'confirmed';
}

/**
 * Every message of the chain, by kind (the templates' kinds). Business-initiated, sent within
 * contact hours: `booking_confirmation`, `reminder` (`confirmed_reminder` for a confirmed visit: it asks
 * nothing), `rescheduled` (a staff move), `cancelled` (by
 * staff), `followup_reminder`. Replies to the patient's answer, at once: `confirmed`, `cancelled`,
 * `reschedule_options` (the numbered list), `rescheduled`, `no_open_slots`.
 */
export type AppointmentMessageKind =
  | 'booking_confirmation'
  | 'reminder'
  | 'confirmed_reminder'
  | 'confirmed'
  | 'cancelled'
  | 'reschedule_options'
  | 'rescheduled'
  | 'no_open_slots'
  | 'followup_reminder';

/** What the chain asks: a reminder's YES / NO / CHANGE, or a numbered list of slots. */
export type AppointmentPromptKind = 'appointment_reminder' | 'reschedule_slots';

/**
 * The appointment as booked, given to the chain at start (read from the appointment row and the
 * clinic's settings by the API). Later changes (moves, status) live in the chain's state.
 */
export interface AppointmentSnapshot {
  /** `appointments.id` (a bigserial, as a string). */
  appointmentId: string;
  clinicId: number;
  clinicSlug: string;
  /** The clinic's IANA time zone. */
  timezone: string;
  /** E.164. */
  phone: string;
  channel: AppointmentChannel;
  /** The patient's language (`en`, `es`, …). */
  language: string;
  startsAt: string;
  durationMinutes: number;
  providerId: number;
  providerName: string;
  service: string;
  contactHours: ContactHours;
  reminderRules: ReminderRule[];
  /** Office hours for rescheduling: ISO weekdays (1 Monday … 7 Sunday), local `HH:MM`, slot length. */
  officeDays: number[];
  opens: string;
  closes: string;
  slotMinutes: number;
  /** Minutes before an unanswered reminder call is tried once more (absent in chains started before it: 30). */
  callRetryMinutes?: number;
}

/** A business-initiated message the chain owes, sent at the next contact window. */
export interface OwedMessage {
  kind: 'booking_confirmation' | 'reminder' | 'confirmed_reminder' | 'rescheduled' | 'cancelled' | 'followup_reminder';
  /** `appointment:<id>:<startsAt ISO>:<kind>[:<n>]`, fixed when the message was owed. */
  idempotencyKey: string;
  /**
   * Opens the reminder's question (YES / NO / CHANGE) just before it is sent, and is not sent once the
   * appointment has started: a reminder, and a staff move's `rescheduled` text (from the
   * `move-asks-to-confirm` patch on), which then ends with the `rescheduled_question` line.
   */
  opensPrompt: boolean;
  /**
   * A fallback attempt (absent on the first): its channel, its number (2, 3, …), the calls placed
   * for this message so far, when it may go (epoch ms), why (for the log) and whether it goes only
   * to a mobile.
   */
  retry?: { channel: DeliveryChannel; attempt: number; calls: number; notBefore: number; reason: string; requireMobile: boolean };
}

/** An attempt sent and waiting for its final delivery receipt, until `deadline` (epoch ms). */
export interface AwaitedReceipt {
  message: OwedMessage;
  channel: DeliveryChannel;
  /** Calls placed for this message so far, this attempt included. */
  calls: number;
  sid: string;
  deadline: number;
  receipt?: DeliveryReceipt;
}

/** The prompt the chain waits on. `expiresAt` epoch ms; `slots` (epoch ms) of a list. */
export interface ChainPrompt {
  kind: AppointmentPromptKind;
  expiresAt: number;
  slots: number[];
}

/** The chain's state, carried across continue-as-new. Instants are epoch ms. */
export interface AppointmentChainState {
  status: AppointmentStatus;
  startsAt: string;
  followUpDate: string | null;
  /** When the follow-up reminder is due (09:00 clinic time on `followUpDate`, fitted to contact hours). */
  followUpAt: number | null;
  /** Reminders still to send for the current start, ascending, each with its number in the plan. */
  reminders: { at: number; n: number }[];
  owed: OwedMessage[];
  prompt: ChainPrompt | null;
  /**
   * Numbered texts so far (reminders, staff moves): the `n` of their idempotency keys, so a chain
   * moved back to an earlier time still sends that time's reminders again.
   */
  numbered: number;
  /** Attempts waiting for their delivery receipt (absent in chains started before the fallback). */
  awaiting?: AwaitedReceipt[];
  /** Starts (ISO 8601) of cancelled slots still to hand to the waitlist (absent before the waitlist offers). */
  freedSlots?: string[];
  /**
   * The booking confirmation was dropped unsent, held past the visit's start, and none has gone since:
   * the patient was never texted about the booking (absent: not so).
   */
  confirmationDropped?: boolean;
}

/** Start input of `appointmentWorkflow`. */
export interface AppointmentWorkflowInput {
  appointment: AppointmentSnapshot;
  /** The state of the run this one continues (absent on a new chain). */
  carried?: AppointmentChainState;
  /** Continue as new once history reaches this many events; default: when the server suggests it. */
  continueAsNewAtEvents?: number;
  /**
   * Booked by the patient's YES to a waitlist offer: the chain starts `confirmed` and owes no booking
   * confirmation (the offer's reply was it).
   */
  confirmedByOffer?: boolean;
}

/** An appointment as staff and the API see it, from the chain itself. */
export interface AppointmentView {
  appointmentId: string;
  status: AppointmentStatus;
  startsAt: string;
  /** The next planned reminder or follow-up; null when none is left. */
  nextReminderAt: string | null;
  followUpDate: string | null;
  /** What the chain is waiting for the patient to answer, if anything. */
  openPrompt: AppointmentPromptKind | null;
}

/**
 * The appointment after a cancel, and whether the patient gets the `cancelled` text (when contact hours
 * next open): false after a bare CANCEL, and when staff cancel before the booking confirmation went (it
 * was held until contact hours open: the patient was never texted about the booking, and is not now).
 */
export interface CancelledView extends AppointmentView {
  patientTexted: boolean;
}

/**
 * Who cancelled: staff (the patient gets `cancelled`, unless the booking confirmation had not gone: see
 * CancelledView), or the patient's bare CANCEL (no message: the caller records the opt-out).
 */
export interface CancelRequest {
  by: 'staff' | 'patient_cancel_word';
}

/** How an appointment chain ended. */
export interface AppointmentOutcome {
  status: AppointmentStatus;
  startsAt: string;
}

/**
 * The chain's answer to a patient's answer: the reply text and the kind of message it is, so a caller
 * that speaks rather than texts (a reminder call) can say the same outcome: `no_open_slots` when no
 * other time is open, `reschedule_options` when a list of times is texted.
 */
export interface AppointmentPromptOutcome extends PromptOutcome {
  kind: AppointmentMessageKind;
}

/**
 * A patient's answer to the chain's question. A text answers the question open now. A key pressed on a
 * reminder call answers only the question that call read out: `askedAbout` is the start (ISO 8601) its
 * reminder asked about, as the call's delivery key names it (a reminder's question expires at that
 * start), and the answer is refused when the question open now is about another time (staff moved the
 * appointment during the call, and the move's text asked about the new one).
 */
export interface AppointmentPromptAnswer extends PromptAnswer {
  askedAbout?: string;
}

/**
 * A patient's answer routed by the reply router (the name the chain's prompts carry) or pressed on a
 * reminder call. Rejected in the validator with `AnswerNotAwaited` when the chain is not waiting for it.
 */
export const answerAppointmentPromptUpdate = defineUpdate<AppointmentPromptOutcome, [AppointmentPromptAnswer]>('answerAppointmentPrompt');
/**
 * A patient's answer to a visit already confirmed (YES to a reminder, a time picked from the list, a
 * waitlist offer taken) after its question closed: `answer` normalised (`readAnswer`), CHANGE
 * (RESCHEDULE, CAMBIAR) for the list of open times (or `no_open_slots`), NO for a cancellation, as the
 * reminder's words would. Sent by the inbound handler (src/appointments/answerConfirmedAppointment.ts)
 * to the chain of the appointment the patient's latest question was about. Rejected in the validator
 * with `AnswerNotAwaited` unless the appointment is confirmed, has not started and no question is open.
 */
export const answerConfirmedVisitUpdate = defineUpdate<AppointmentPromptOutcome, [{ answer: string }]>('answerConfirmedVisit');
/**
 * Staff move the appointment to `startsAt` (ISO 8601, in the future): reminders re-plan, the patient is
 * told and asked the reminder's question about the new time (`rescheduled` with its question line); a
 * patient whose booking confirmation has not gone yet gets that confirmation for the new time instead.
 */
export const rescheduleAppointmentUpdate = defineUpdate<AppointmentView, [{ startsAt: string }]>('rescheduleAppointment');
/** Cancels the appointment: reminders dropped, the slot released; says whether the patient is texted. */
export const cancelAppointmentUpdate = defineUpdate<CancelledView, [CancelRequest]>('cancelAppointment');
/**
 * A reminder (with its prompt) now, or at the start of the next contact window; none more while one is
 * held until then, or while a staff move's `rescheduled` text held until then asks the same question.
 */
export const remindNowUpdate = defineUpdate<AppointmentView, []>('remindNow');
/** The patient came; with `followUpDate` (`YYYY-MM-DD`) a follow-up reminder goes at 09:00 clinic time that day. */
export const markVisitedUpdate = defineUpdate<AppointmentView, [{ followUpDate?: string }]>('markVisited');
/** The patient did not come. */
export const markNoShowUpdate = defineUpdate<AppointmentView, []>('markNoShow');
/** The chain's own view of the appointment. */
export const appointmentQuery = defineQuery<AppointmentView>('appointmentQuery');

/**
 * A delivery receipt of one of the chain's messages or calls, from Twilio's StatusCallback (the
 * status webhooks signal it when the status is final). `sid` is the MessageSid (`SM…`/`MM…`) or
 * CallSid (`CA…`); `status` Twilio's (`delivered`, `read`, `undelivered`, `failed` for messages;
 * `completed`, `busy`, `no-answer`, `failed`, `canceled` for calls); `answeredBy` Twilio's AnsweredBy
 * for an answered call (`human`, `machine_end_beep`, …).
 */
export interface DeliveryReceipt {
  sid: string;
  status: string;
  errorCode: number | null;
  answeredBy?: string;
}

/** A final delivery status of one of the chain's messages or calls: drives the fallback to the next channel. */
export const deliveryReceiptSignal = defineSignal<[DeliveryReceipt]>('deliveryReceipt');

/** Local time of day of the follow-up reminder. */
export const FOLLOW_UP_TIME = '09:00';
/** How long a list of slots waits for a pick (ms); never past the appointment's start. */
export const SLOT_OFFER_MS = 24 * 60 * 60 * 1000;
/** How long an attempt waits for its final delivery receipt before it counts as sent (ms). */
export const RECEIPT_WAIT_MS = 30 * 60 * 1000;
/** Minutes before an unanswered reminder call is tried again, when the clinic has not set it. */
export const DEFAULT_CALL_RETRY_MINUTES = 30;
/** How long after the start an unmarked chain waits for staff to mark it visited or no-show (ms). */
export const MARK_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** Idempotency key of a message: the appointment and its current start name it, so a moved appointment's reminder is a new message. */
export function appointmentMessageKey(appointmentId: string, startsAt: string, kind: string, n?: number): string {
  return `appointment:${appointmentId}:${startsAt}:${kind}${n === undefined ? '' : `:${n}`}`;
}

/** Idempotency key of one attempt of a message: the message's own key for the first, `<key>:attempt-<n>` after. */
export function attemptKey(messageKey: string, attempt: number): string {
  return attempt <= 1 ? messageKey : `${messageKey}:attempt-${attempt}`;
}

/** The kind of message an `appointmentMessageKey` names (`reminder`, …), or undefined for another key. */
export function kindOfMessageKey(key: string): string | undefined {
  return /^appointment:\d+:[^:]+:\d\d:\d\d[^:]*:([a-z_]+)(?::\d+)?$/.exec(key)?.[1];
}

/** The start (ISO 8601, as written) an `appointmentMessageKey` names: the time its message was about; undefined for another key. */
export function startOfMessageKey(key: string): string | undefined {
  return /^appointment:\d+:([^:]+:\d\d:\d\d[^:]*):[a-z_]+(?::\d+)?$/.exec(key)?.[1];
}
