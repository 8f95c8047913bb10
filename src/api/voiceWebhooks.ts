/**
 * Twilio's voice webhooks of a reminder call, under `/webhooks/twilio/voice`: the call's TwiML when it
 * connects (`answer`), the keypad menu's `<Gather>` action (`gather`), and the call status callback
 * (`status`). A choice is texted after the call, except to a number known to be a landline
 * (knownLandlines.ts), which hears an outcome that promises no text, and for another time is asked to
 * call the clinic. A mobile that asks for another time when none is open hears so (the chain's reply
 * kind `no_open_slots`) and to call the clinic, and is texted the same; one whose text with the open
 * times cannot be sent (known before the call's answer) hears that the clinic will call back
 * (`call_times_not_sent`) and is left for staff to call back (callBacks.ts, `times_not_sent`); one
 * whose confirmation or cancellation text cannot be sent hears the landline's outcome, which promises
 * none. A key answers only the question the call read out (reminderCalls.ts, `openQuestionOf`); one
 * pressed after that question closed (staff moved the appointment during the call, or it was answered)
 * changes nothing and hears `call_question_closed` (a landline: `call_question_closed_landline`). A
 * call answered after that question closed (while the phone rang) reads no menu: a cancelled visit hears
 * `call_visit_cancelled`, any other the voicemail's wording (`closedBeforeAnswer`).
 * What a call came to is its `outcome_note` in the call log ("voicemail left", …); its
 * `note`, why the call was placed, is the messenger's and never written here. Signature-checked like
 * the SMS webhooks; every TwiML answer comes well within Twilio's 15 s (the chain's update has
 * `VOICE_UPDATE_DEADLINE_MS`), and is idempotent per CallSid + step.
 * Parameters: twilio.com/docs/voice/twiml#request-parameters, twilio.com/docs/voice/twiml/gather#action,
 * twilio.com/docs/voice/api/call-resource#statuscallback.
 */
import { ApplicationFailure, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { TransactionSql } from 'postgres';
import { z } from 'zod';
import {
  findCallBySid,
  getCallById,
  hangUpTwiml,
  isMachineEnd,
  MAX_MENUS,
  MAX_SILENT_MENUS,
  MENU_KEYS,
  closedBeforeAnswer,
  menuTwiml,
  openQuestionOf,
  runCallStepOnce,
  sayAndHangUp,
  type CallChoice,
  type ReminderCall,
} from '../calls/reminderCalls.js';
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { isKnownLandline } from '../messaging/knownLandlines.js';
import type { Messenger } from '../messaging/messenger.js';
import { callWithinDeadline } from '../queue/callWithinDeadline.js';
import { recordTimesNotSent } from '../appointments/callBacks.js';
import { signalDeliveryReceipt } from '../appointments/signalDeliveryReceipt.js';
import { answerAppointmentPromptUpdate, appointmentWorkflowId, type AppointmentPromptOutcome } from '../workflows/appointmentDefinitions.js';
import { FailureType } from '../workflows/definitions.js';
import { twilioWebhookApp } from './twilioWebhookApp.js';
import { parseOrThrow } from './validation.js';

/** How long a key press waits on the appointment chain before the call apologises (ms): Twilio gives up after 15 s. */
export const VOICE_UPDATE_DEADLINE_MS = 8_000;

/** Twilio's call statuses (twilio.com/docs/voice/api/call-resource#call-status-values). */
const CALL_STATUSES = ['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled'] as const;
/** Statuses a call ends in: the chain hears of these. */
const FINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

const ZCallSid = z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'must be a Twilio CallSid (CA and 32 hex digits)');
const ZAnsweredBy = z
  .string()
  .regex(/^[a-z_]{1,30}$/, 'must be a Twilio AnsweredBy value such as human or machine_end_beep')
  .optional();

const ZCallPath = z.object({ callId: z.string().regex(/^\d{1,18}$/, 'must be a call id') });

const ZCallAnswer = z.object({ CallSid: ZCallSid, AnsweredBy: ZAnsweredBy });

const ZGatherQuery = z.object({ attempt: z.coerce.number().int().min(1).max(MAX_MENUS) });
const ZGather = z.object({
  CallSid: ZCallSid,
  // Empty when the patient pressed nothing before the timeout (actionOnEmptyResult).
  Digits: z
    .string()
    .regex(/^[0-9*#]{0,20}$/, 'must be the keys pressed (0-9, * and #)')
    .default(''),
});

const ZCallStatus = z.object({
  CallSid: ZCallSid,
  CallStatus: z.enum(CALL_STATUSES, { error: `must be one of ${CALL_STATUSES.join(', ')}` }),
  AnsweredBy: ZAnsweredBy,
  ErrorCode: z
    .string()
    .regex(/^\d{1,6}$/, 'must be a number')
    .optional(),
  CallDuration: z
    .string()
    .regex(/^\d{1,7}$/, 'must be whole seconds')
    .optional(),
});

/** Whether `error` is the chain's refusal of an answer it no longer waits for (`AnswerNotAwaited`). */
const isNotAwaited = (error: unknown): boolean =>
  error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === FailureType.AnswerNotAwaited;

/** The answer word the appointment chain reads for each choice (see appointmentAnswers.ts). */
const ANSWER_WORDS: Record<CallChoice, string> = { confirm: 'YES', reschedule: 'CHANGE', cancel: 'NO' };
const OUTCOME_KINDS = { confirm: 'call_confirmed', reschedule: 'call_reschedule', cancel: 'call_cancelled' } as const;
/**
 * What a landline hears instead: no text follows, so none is promised (for another time: call the
 * clinic). A mobile whose confirmation or cancellation text Twilio refused hears these too.
 */
const LANDLINE_OUTCOME_KINDS = { confirm: 'call_confirmed_landline', reschedule: 'call_reschedule_landline', cancel: 'call_cancelled_landline' } as const;

/** Dependencies of the voice webhooks. */
export interface VoiceWebhookDeps {
  sql: Sql;
  temporal: Client;
  messenger: Messenger;
  log: Logger;
  twilioAuthToken: string | undefined;
  publicBaseUrl: string | undefined;
  /** Override of `VOICE_UPDATE_DEADLINE_MS` (tests). */
  voiceDeadlineMs?: number | undefined;
}

const twimlResponse = (twiml: string) => new Response(twiml, { status: 200, headers: { 'Content-Type': 'text/xml; charset=utf-8' } });

/** Routes under `/webhooks/twilio/voice`. */
export function voiceWebhookRoutes(deps: VoiceWebhookDeps) {
  const { sql, log } = deps;
  const app = twilioWebhookApp(deps);

  /** Our address as Twilio calls it: where the menu's action points. */
  const baseUrl = (requestUrl: string) => deps.publicBaseUrl ?? new URL(requestUrl).origin;

  /** The call at `callId`, which must be `callSid` (the first webhook binds it when the provider's answer has not yet). */
  const callOf = async (callId: string, callSid: string): Promise<ReminderCall> => {
    const call = await getCallById(sql, callId);
    if (call.callSid !== null && call.callSid !== callSid) throw new AppError('not_found', `call ${callId} is not ${callSid}`, 'CallSid');
    return call;
  };

  /** The answer to a step of a call whose final status has come: a bare hang-up, logged; nothing is written or signalled. */
  const endedCall = (callSid: string, status: string, message: string) => {
    log.info({ callSid, status }, message);
    return twimlResponse(hangUpTwiml());
  };

  app.post('/calls/:callId/answer', async (c) => {
    const { callId } = parseOrThrow(ZCallPath, c.req.param());
    const p = parseOrThrow(ZCallAnswer, c.get('twilioParams'));
    const call = await callOf(callId, p.CallSid);
    // A call that has ended in our records (a late or replayed request) is answered as a late key
    // is: nobody is on the line to hear the menu, so nothing is said or written. One ended with no
    // CallSid was ended by us, not by Twilio: marked `failed` unplaced when its last try had no answer
    // from Twilio (unsentDeliveries.ts). Twilio connecting it shows that try placed it after all: the
    // patient on the line hears the menu, and the log says it was placed.
    const placedAfterAll = call.callSid === null && call.status === 'failed';
    if (FINAL_STATUSES.has(call.status) && !placedAfterAll) return endedCall(p.CallSid, call.status, 'a call answer on an ended call was ignored');
    const twiml = await runCallStepOnce(sql, p.CallSid, 'answer', async (tx) => {
      const machine = isMachineEnd(p.AnsweredBy);
      // The question the call was placed to ask closed while the phone rang (staff moved or cancelled
      // the visit, or the patient answered by text): no menu, whose keys would change nothing.
      const closed = await closedBeforeAnswer(tx, call);
      const note = machine ? 'voicemail left' : closed !== undefined ? 'the question had closed before the call was answered: no menu' : null;
      await tx`
        update calls set answered_by = coalesce(${p.AnsweredBy ?? null}, answered_by),
          outcome_note = coalesce(${note}, outcome_note), updated_at = now(),
          status = case when call_sid is null and status = 'failed' then 'in-progress' else status end,
          send_error = case when call_sid is null then null else send_error end,
          error_code = case when call_sid is null and status = 'failed' then null else error_code end,
          call_sid = coalesce(call_sid, ${p.CallSid})
        where id = ${call.id}`;
      if (closed !== undefined) return sayAndHangUp(sql, call, closed);
      // A machine gets the time and the office phone only: anyone may play the tape.
      return machine ? sayAndHangUp(sql, call, 'call_voicemail') : menuTwiml(sql, call, 1, baseUrl(c.req.url));
    });
    return twimlResponse(twiml);
  });

  app.post('/calls/:callId/gather', async (c) => {
    const { callId } = parseOrThrow(ZCallPath, c.req.param());
    const { attempt } = parseOrThrow(ZGatherQuery, c.req.query());
    const p = parseOrThrow(ZGather, c.get('twilioParams'));
    const call = await callOf(callId, p.CallSid);
    // A key on a call that has ended in our records (a late or replayed request): nobody is on the
    // line to hear an outcome, so nothing is answered, recorded or texted.
    if (FINAL_STATUSES.has(call.status)) return endedCall(p.CallSid, call.status, 'a keypad answer on an ended call was ignored');
    const twiml = await runCallStepOnce(sql, p.CallSid, `gather-${attempt}`, async (tx) => {
      const choice = MENU_KEYS[p.Digits];
      if (choice === undefined) {
        // The greeting was heard already: the choices again, after "we did not hear a key" (silence,
        // once, then a goodbye) or a short apology (a wrong key, up to MAX_MENUS).
        const last = p.Digits === '' ? attempt >= MAX_SILENT_MENUS : attempt >= MAX_MENUS;
        if (!last) return menuTwiml(sql, call, attempt + 1, baseUrl(c.req.url), p.Digits === '' ? 'call_no_key' : 'call_not_a_choice');
        await tx`update calls set digits = ${p.Digits || null}, outcome_note = 'no choice on the keypad', updated_at = now() where id = ${call.id}`;
        // Nothing follows the call (no text, no other call): the goodbye says the visit is as it was, and whom to call.
        return sayAndHangUp(sql, call, p.Digits === '' ? 'call_goodbye' : 'call_wrong_keys');
      }
      // A landline takes no texts: another time is arranged by phone (the chain is not asked for a
      // list of times nobody could read or answer), and a choice is followed by no text.
      const landline = await isKnownLandline(sql, call.phone);
      // A key answers only the question this call read out. Closed since (staff moved the appointment
      // during the call and the move's text asks about the new time, or it was answered by text),
      // the key changes nothing, and the call says so. (A call whose appointment row is gone cannot be
      // recorded: answerChain says so.)
      const askedAbout = await openQuestionOf(tx, call);
      if (askedAbout === undefined && call.appointmentId !== null) return questionClosed(tx, call, p.Digits, landline);
      if (landline && choice === 'reschedule') {
        await tx`
          update calls set digits = ${p.Digits}, choice = ${choice}, outcome_note = 'a landline: asked to call the clinic for another time', updated_at = now()
          where id = ${call.id}`;
        return sayAndHangUp(sql, call, LANDLINE_OUTCOME_KINDS[choice]);
      }
      const outcome = await answerChain(call, choice, askedAbout);
      // The chain had closed that question by the time the key reached it (a move a moment before).
      if (outcome === 'question_closed') return questionClosed(tx, call, p.Digits, landline);
      // No other time was open: the call says so, as the text after it does, instead of promising a list.
      const noOpenSlots = outcome?.kind === 'no_open_slots';
      await tx`
        update calls set digits = ${p.Digits}, choice = ${outcome === undefined ? null : choice},
          outcome_note = ${outcome === undefined ? 'the choice could not be recorded' : noOpenSlots ? 'no other time open: asked to call the clinic' : null},
          updated_at = now()
        where id = ${call.id}`;
      if (outcome === undefined) return sayAndHangUp(sql, call, 'call_unrecorded');
      if (landline) return sayAndHangUp(sql, call, LANDLINE_OUTCOME_KINDS[choice]);
      const texted = outcome.reply === null || (await textReply(call, p.CallSid, outcome.reply));
      // The text with the open times could not be sent (refused, or the number opted out): staff call
      // the patient back, and the call says so instead of promising that text. A text that fails only
      // after this answer (its status callback) cannot change what the call has already said.
      if (!texted && outcome.kind === 'reschedule_options') {
        if (call.appointmentId !== null) await recordTimesNotSent(tx, call.appointmentId);
        return sayAndHangUp(sql, call, 'call_times_not_sent');
      }
      // A confirmation or cancellation whose text could not be sent is said as to a landline: the
      // same outcome, with no text promised.
      if (!texted && choice !== 'reschedule') return sayAndHangUp(sql, call, LANDLINE_OUTCOME_KINDS[choice]);
      return sayAndHangUp(sql, call, noOpenSlots ? 'call_no_open_slots' : OUTCOME_KINDS[choice]);
    });
    return twimlResponse(twiml);
  });

  /**
   * A key pressed after the call's question closed: nothing is answered, recorded as a choice or
   * texted; the call says the appointment changed or was answered, and that a text has the details
   * (a landline, which takes no texts: to call the clinic).
   */
  const questionClosed = async (tx: TransactionSql, call: ReminderCall, digits: string, landline: boolean): Promise<string> => {
    await tx`
      update calls set digits = ${digits}, outcome_note = 'the question had closed (moved or answered since the call): nothing changed', updated_at = now()
      where id = ${call.id}`;
    return sayAndHangUp(sql, call, landline ? 'call_question_closed_landline' : 'call_question_closed');
  };

  /**
   * Gives the chain the patient's choice as the answer to the reminder the call read out, the one
   * about `askedAbout` (ISO 8601). @returns the chain's outcome (its reply text, null for none, and
   * the reply's kind: `no_open_slots` when no other time is open); `question_closed` when the chain
   * no longer waits for an answer to that question (moved, answered or lapsed meanwhile); or undefined
   * when it was not recorded: the call is about no appointment, the chain is gone, or it did not
   * answer in time.
   */
  const answerChain = async (
    call: ReminderCall,
    choice: CallChoice,
    askedAbout: string | undefined,
  ): Promise<AppointmentPromptOutcome | 'question_closed' | undefined> => {
    if (call.appointmentId === null || askedAbout === undefined) return undefined;
    const workflowId = appointmentWorkflowId(call.clinicSlug, call.appointmentId);
    try {
      const outcome = await callWithinDeadline(
        deps.temporal,
        'recording the answer',
        () =>
          deps.temporal.workflow
            .getHandle(workflowId)
            .executeUpdate(answerAppointmentPromptUpdate, { args: [{ answer: ANSWER_WORDS[choice], kind: 'appointment_reminder', askedAbout }] }),
        deps.voiceDeadlineMs ?? VOICE_UPDATE_DEADLINE_MS,
      );
      return outcome;
    } catch (error) {
      if (isNotAwaited(error)) return 'question_closed';
      log.warn({ err: error, workflowId, choice }, 'a keypad answer was not recorded; the patient is asked to call the office');
      return undefined;
    }
  };

  /**
   * Texts the chain's reply after the call, once per call. @returns whether it went: false when it
   * cannot be sent (logged; the call's answer stands) or the number has opted out of texts.
   */
  const textReply = async (call: ReminderCall, callSid: string, body: string): Promise<boolean> => {
    try {
      const sent = await deps.messenger.send({
        clinicId: call.clinicId,
        phone: call.phone,
        channel: 'sms',
        body,
        idempotencyKey: `call:${callSid}:reply`,
        ...(call.appointmentId === null ? {} : { appointmentId: call.appointmentId }),
        deliveryKey: `call:${callSid}`,
        note: 'after a reminder call',
        // Its one try: nothing sends it again (a retried webhook answers with its stored TwiML).
        sendUntil: new Date(),
      });
      return sent.outcome !== 'suppressed';
    } catch (error) {
      log.warn({ err: error, callSid }, 'the text after a reminder call was not sent');
      return false;
    }
  };

  app.post('/status', async (c) => {
    const p = parseOrThrow(ZCallStatus, c.get('twilioParams'));
    const errorCode = p.ErrorCode === undefined ? null : Number(p.ErrorCode);
    // The status onto the call's row, never moving back; `undefined` when no call has this CallSid.
    const applyStatus = async (q: Sql | TransactionSql): Promise<{ answered_by: string | null } | undefined> => {
      const [row] = await q<{ answered_by: string | null }[]>`
        update calls set
          status = case when call_status_rank(${p.CallStatus}) > call_status_rank(status) then ${p.CallStatus} else status end,
          answered_by = coalesce(${p.AnsweredBy ?? null}, answered_by), error_code = coalesce(${errorCode}, error_code),
          console_gather_url = case when call_status_rank(${p.CallStatus}) = 4 then null else console_gather_url end,
          updated_at = now()
        where call_sid = ${p.CallSid}
        returning answered_by`;
      return row;
    };
    const first = await sql.begin(async (tx) => {
      const [event] = await tx`
        insert into call_status_events (call_sid, status, answered_by, error_code) values (${p.CallSid}, ${p.CallStatus}, ${p.AnsweredBy ?? null}, ${errorCode})
        on conflict (call_sid, status) do nothing returning id`;
      return { fresh: event !== undefined, row: await applyStatus(tx) };
    });
    // Twilio's callback can beat the answer to calls.create while the messenger stores the CallSid:
    // applied once more now that its event is committed, it finds the CallSid if that write has
    // committed; if not, the messenger's check after its write applies it (as for texts, webhooks.ts).
    const row = first.row ?? (await applyStatus(sql));
    // A repeated final callback was signalled the first time.
    if (first.fresh && FINAL_STATUSES.has(p.CallStatus)) {
      const call = await findCallBySid(sql, p.CallSid);
      if (call === undefined) log.warn({ callSid: p.CallSid, status: p.CallStatus }, 'final call status for a CallSid not in the call log; no chain to tell');
      else if (call.appointmentId !== null) {
        await signalDeliveryReceipt(deps, call.appointmentId, {
          sid: p.CallSid,
          status: p.CallStatus,
          errorCode,
          ...(row?.answered_by == null ? {} : { answeredBy: row.answered_by }),
        });
      }
    }
    return c.body(null, 204);
  });

  return app;
}
