/**
 * The per-number guard on a clinic's public number. A number of a country the clinic does not answer
 * (`inbound_countries`, default its own country) gets no reply at all: SMS pumping makes a public
 * number text premium-rate destinations by posting texts "from" them (Twilio, "SMS pumping fraud",
 * twilio.com/docs/glossary/what-is-sms-pumping-fraud). The exception is a number the clinic has asked
 * a question still open (a reminder's YES / NO / CHANGE, a waitlist offer): staff booked or listed
 * that number themselves, so it is a patient abroad or a visitor, not a stranger, and a fraudster
 * cannot open a question for a number of their choosing. A number that sends more than the clinic's
 * `inbound_texts_per_minute` (default 10) gets no reply past it, and a text we do not understand that
 * the same number sends again and again — an auto-responder answering our help text, which we would
 * answer again — stops being answered after `LOOP_REPEATS` in `LOOP_WINDOW_MINUTES`. Opt-out and opt-in
 * words are never held back, nor is a typed bare `CANCEL` while the clinic's number keeps it as an
 * opt-out word (`cancel_is_opt_out`, see cancelWord.ts). Counted from the message log in Postgres, so
 * every API process agrees; each message is still logged once.
 */
import type { Sql } from '../db/sql.js';
import { getClinicSettings } from '../clinics/clinicSettings.js';
import { parseCommand } from '../domain/commands.js';
import { isBareCancel } from '../domain/promptAnswers.js';
import { phoneCountry } from '../domain/phone.js';
import type { InboundText } from './handleInboundText.js';
import { findOpenPrompts } from './patientPrompts.js';

/** How many times one number's same unrecognised text is answered within `LOOP_WINDOW_MINUTES`. */
export const LOOP_REPEATS = 3;
/** The window of the loop rule, in minutes. */
export const LOOP_WINDOW_MINUTES = 10;

/**
 * `answer`, or why not: `country` (a number of a country the clinic does not answer), `too_many` (over
 * the clinic's per-minute limit), `loop` (an auto-responder). Stored as `messages.unanswered_reason`.
 */
export type GuardVerdict = 'answer' | 'country' | 'too_many' | 'loop';

/**
 * Whether to answer `text`, which has just been logged (so it counts itself).
 * @throws postgres.js errors when the log or the clinic's settings cannot be read.
 */
export async function checkInboundGuard(sql: Sql, text: InboundText): Promise<GuardVerdict> {
  const { clinic, body } = text;
  const { phone } = text.from;
  const kind = parseCommand(body).kind;
  // An opt-out is honoured from anywhere: it is recorded and never answered.
  if (kind === 'opt_out') return 'answer';
  // So is a typed CANCEL while it is Twilio's opt-out word: it too is recorded and never answered.
  if (text.button === undefined && isBareCancel(body) && (await getClinicSettings(sql, clinic.id)).cancelIsOptOut) return 'answer';
  const country = phoneCountry(phone);
  if ((country === undefined || !clinic.inboundCountries.includes(country)) && (await findOpenPrompts(sql, clinic.id, phone)).length === 0) return 'country';
  if (kind === 'opt_in') return 'answer';
  const [counts] = await sql<{ last_minute: number; same_text: number }[]>`
    select count(*) filter (where created_at > now() - interval '1 minute')::int as last_minute,
           count(*) filter (where lower(btrim(body)) = lower(btrim(${body})))::int as same_text
    from messages
    where clinic_id = ${clinic.id} and phone = ${phone} and direction = 'inbound'
      and created_at > now() - make_interval(mins => ${LOOP_WINDOW_MINUTES})`;
  if (counts === undefined) return 'answer';
  if (counts.last_minute > clinic.inboundTextsPerMinute) return 'too_many';
  if (kind === 'unknown' && counts.same_text > LOOP_REPEATS) return 'loop';
  return 'answer';
}
