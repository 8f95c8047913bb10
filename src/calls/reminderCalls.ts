/**
 * A reminder call once placed: what it says at each step (TwiML `<Say>` in the patient's language,
 * from the clinic's `call_*` templates), the keypad menu, each key's outcome, and the call log. Each
 * webhook of a call is one step (`answer`, `gather-1`, …), run once per CallSid: its TwiML is stored
 * in `call_steps` and a retried webhook gets it back without anything done twice.
 */
import twilio from 'twilio';
import type { TransactionSql } from 'postgres';
import { getClinicById } from '../clinics/clinics.js';
import { renderMessage } from '../clinics/messageTemplates.js';
import type { CallKind } from '../domain/messageTemplates.js';
import { sayLanguage, type SayLanguage } from '../domain/sayLanguages.js';
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { appointmentWorkflowId, startOfMessageKey } from '../workflows/appointmentDefinitions.js';

/** A placed call and the appointment it reminds of (null fields when the appointment is gone). */
export interface ReminderCall {
  /** `calls.id` (a bigserial, as a string). */
  id: string;
  clinicId: number;
  clinicSlug: string;
  appointmentId: string | null;
  /** E.164. */
  phone: string;
  language: string;
  callSid: string | null;
  answeredBy: string | null;
  /** Twilio's latest call status as our status callbacks recorded it (`queued` before the first). */
  status: string;
  /** The key of the reminder the call delivers (`appointment:<id>:<start ISO>:reminder:<n>`); null for a call of no chain. */
  deliveryKey: string | null;
  /** When the call was logged, just before it was placed. */
  placedAt: Date;
}

/** What the patient chose on the keypad. */
export type CallChoice = 'confirm' | 'reschedule' | 'cancel';

/** The keys of the menu and what each means (the `call_reminder`, `call_not_a_choice` and `call_no_key` templates say them). */
export const MENU_KEYS: Readonly<Record<string, CallChoice>> = { '1': 'confirm', '2': 'reschedule', '3': 'cancel' };

/** Menus a call plays at most: the first, then the choices again after a wrong key or silence. */
export const MAX_MENUS = 3;
/** Menus after which silence ends the call (the choices are said once more, then a goodbye). */
export const MAX_SILENT_MENUS = 2;
/** Seconds `<Gather>` waits for a key after the menu is read (Twilio's default is 5). */
const GATHER_TIMEOUT_SECONDS = 6;

/**
 * `AnsweredBy` values that mean a machine took the call and its greeting has ended (answering machine
 * detection with `DetectMessageEnd`), so a voicemail can be left. Source:
 * twilio.com/docs/voice/answering-machine-detection#webhook-parameters.
 */
const MACHINE_END = new Set(['machine_end_beep', 'machine_end_silence', 'machine_end_other']);

/** Whether `answeredBy` is an answering machine whose greeting has ended. */
export function isMachineEnd(answeredBy: string | undefined | null): boolean {
  return answeredBy !== undefined && answeredBy !== null && MACHINE_END.has(answeredBy);
}

/** Path of the `<Gather>` action of call `callId`'s `attempt`-th menu. */
export function gatherPath(callId: string, attempt: number): string {
  return `/webhooks/twilio/voice/calls/${callId}/gather?attempt=${attempt}`;
}

const toCall = (row: Record<string, unknown>): ReminderCall => ({
  id: row.id as string,
  clinicId: row.clinic_id as number,
  clinicSlug: row.slug as string,
  appointmentId: row.appointment_id as string | null, // bigint columns come back as strings
  phone: row.phone as string,
  language: row.language as string,
  callSid: row.call_sid as string | null,
  answeredBy: row.answered_by as string | null,
  status: row.status as string,
  deliveryKey: row.delivery_key as string | null,
  placedAt: row.created_at as Date,
});

/** The call `calls.id = id`. @throws AppError not_found (field `callId`). */
export async function getCallById(sql: Sql, id: string): Promise<ReminderCall> {
  const [row] = await sql`
    select c.id, c.clinic_id, k.slug, c.appointment_id, c.phone, c.language, c.call_sid, c.answered_by, c.status, c.delivery_key, c.created_at
    from calls c join clinics k on k.id = c.clinic_id where c.id = ${id}`;
  if (row === undefined) throw new AppError('not_found', `no call ${id}`, 'callId');
  return toCall(row);
}

/** The call Twilio knows as `callSid`, if it is in the log. */
export async function findCallBySid(sql: Sql, callSid: string): Promise<ReminderCall | undefined> {
  const [row] = await sql`
    select c.id, c.clinic_id, k.slug, c.appointment_id, c.phone, c.language, c.call_sid, c.answered_by, c.status, c.delivery_key, c.created_at
    from calls c join clinics k on k.id = c.clinic_id where c.call_sid = ${callSid}`;
  return row === undefined ? undefined : toCall(row);
}

/**
 * The question `call` read out, while it is still open: its chain's reminder question
 * (`appointment_reminder`) about the start the call's delivery key names, asked before the call was
 * placed (so not one asked again after an answer), neither answered, dropped nor lapsed since. A key
 * on the call answers this question only.
 * @returns the start it asked about (ISO 8601, as the delivery key writes it), or undefined when it has
 *   closed (the patient answered by text, staff moved, cancelled or closed the appointment) or the call
 *   delivers no chain's reminder.
 */
export async function openQuestionOf(q: Sql | TransactionSql, call: ReminderCall): Promise<string | undefined> {
  const askedAbout = call.deliveryKey === null ? undefined : startOfMessageKey(call.deliveryKey);
  if (call.appointmentId === null || askedAbout === undefined) return undefined;
  const [open] = await q`
    select 1 from patient_prompts
    where workflow_id = ${appointmentWorkflowId(call.clinicSlug, call.appointmentId)} and kind = 'appointment_reminder' and closed_at is null
      and expires_at = ${new Date(askedAbout)} and expires_at > now() and asked_at <= ${call.placedAt}`;
  return open === undefined ? undefined : askedAbout;
}

/**
 * What `call` should say when it is answered instead of its keypad menu, because the question it was
 * placed to ask closed while the phone rang (`openQuestionOf`): `call_visit_cancelled` when its visit
 * was cancelled, else `call_voicemail` (the visit as it stands now, moved or already answered, and the
 * office phone; the move's own text asks about a new time). Undefined while the question is open, and
 * for a call that delivers no chain's reminder (it reads its menu as ever).
 */
export async function closedBeforeAnswer(q: Sql | TransactionSql, call: ReminderCall): Promise<'call_visit_cancelled' | 'call_voicemail' | undefined> {
  if (call.appointmentId === null || call.deliveryKey === null || startOfMessageKey(call.deliveryKey) === undefined) return undefined;
  if ((await openQuestionOf(q, call)) !== undefined) return undefined;
  const [appointment] = await q<{ status: string }[]>`select status from appointments where id = ${call.appointmentId}`;
  return appointment?.status === 'cancelled' ? 'call_visit_cancelled' : 'call_voicemail';
}

/**
 * Runs step `step` of call `callSid` once: the first run's TwiML is stored and returned to every
 * later run (a webhook Twilio retries), which does nothing else. Runs of one step wait for each
 * other (an advisory lock held for the transaction), so two retries at once cannot both act.
 * `act` gets the transaction for its own writes to the call.
 */
export async function runCallStepOnce(sql: Sql, callSid: string, step: string, act: (tx: TransactionSql) => Promise<string>): Promise<string> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtextextended(${`${callSid}/${step}`}, 0))`;
    const [done] = await tx`select twiml from call_steps where call_sid = ${callSid} and step = ${step}`;
    if (done !== undefined) return done.twiml as string;
    const twiml = await act(tx);
    await tx`insert into call_steps (call_sid, step, twiml) values (${callSid}, ${step}, ${twiml})`;
    return twiml;
  });
}

/**
 * The `kind` text for `call`, spoken: in the call's language (see messageTemplates.ts for the
 * fallbacks), about its appointment as the row stands (the date and time in the clinic's zone).
 * @returns the text and the `<Say>` language of the wording chosen.
 */
export async function renderCallText(sql: Sql, call: ReminderCall, kind: CallKind): Promise<{ text: string; language: SayLanguage }> {
  const clinic = await getClinicById(sql, call.clinicId);
  const [appointment] =
    call.appointmentId === null
      ? []
      : await sql`
        select a.patient_name, a.starts_at, p.name as provider_name
        from appointments a join providers p on p.id = a.provider_id where a.id = ${call.appointmentId}`;
  const values =
    appointment === undefined
      ? {}
      : {
          patientName: appointment.patient_name as string,
          doctorName: appointment.provider_name as string,
          startsAt: appointment.starts_at as Date,
        };
  const rendered = await renderMessage(sql, { clinic, kind, language: call.language, values });
  return { text: rendered.text, language: sayLanguage(rendered.language) };
}

/** TwiML that says nothing and hangs up: the answer to a step of a call that has already ended. */
export function hangUpTwiml(): string {
  const response = new twilio.twiml.VoiceResponse();
  response.hangup();
  return response.toString();
}

/** TwiML reading the `kind` text and hanging up. */
export async function sayAndHangUp(sql: Sql, call: ReminderCall, kind: CallKind): Promise<string> {
  const { text, language } = await renderCallText(sql, call, kind);
  const response = new twilio.twiml.VoiceResponse();
  response.say({ language }, text);
  response.hangup();
  return response.toString();
}

/**
 * TwiML of the `attempt`-th keypad menu: the `kind` text read inside `<Gather numDigits="1">` (the
 * whole reminder; after a wrong key `call_not_a_choice`, a short apology and the choices; after
 * silence `call_no_key`, that no key was heard and the choices), whose
 * action (at `baseUrl`, our public address) is called with the key, or with none when the patient
 * pressed nothing (`actionOnEmptyResult`).
 */
export async function menuTwiml(
  sql: Sql,
  call: ReminderCall,
  attempt: number,
  baseUrl: string,
  kind: 'call_reminder' | 'call_not_a_choice' | 'call_no_key' = 'call_reminder',
): Promise<string> {
  const { text, language } = await renderCallText(sql, call, kind);
  const response = new twilio.twiml.VoiceResponse();
  const gather = response.gather({
    numDigits: 1,
    action: `${baseUrl}${gatherPath(call.id, attempt)}`,
    method: 'POST',
    timeout: GATHER_TIMEOUT_SECONDS,
    actionOnEmptyResult: true,
  });
  gather.say({ language }, text);
  return response.toString();
}
