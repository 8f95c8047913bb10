/**
 * An inbound message from Twilio's webhook, handled once per MessageSid and answered in time.
 *
 * Twilio drops a webhook answer that takes over 15 s (Twilio, "Webhooks: connection overrides").
 * So the reply is returned in the same request when it is ready within `deadlineMs`; otherwise the
 * request is answered with no reply and the reply goes out as an outbound message once ready. A claim
 * on the log row (`reply_via`) makes sure exactly one of the two happens. A MessageSid seen before
 * gets the same TwiML reply again and changes nothing. Every reply is in the message log.
 */
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.js';
import { isOptedOut, type Messenger } from '../messaging/messenger.js';
import type { QueueDeps } from '../queue/joinQueue.js';
import { isBareCancel } from '../domain/promptAnswers.js';
import { parseCommand } from '../domain/commands.js';
import { checkInboundGuard, type GuardVerdict } from './inboundGuard.js';
import { handleInboundText, type InboundText } from './handleInboundText.js';

/** Reply to a patient when handling fails on our side; Twilio will not retry a 200. */
const SORRY = 'Sorry, something went wrong on our side. Please try again in a minute.';
/**
 * The outcome of a message whose handling failed but which must get no reply (an opt-out, or any text
 * from a number that opted out: never help or apology text after STOP). It stays unanswered, so the
 * sweep handles it again.
 */
export const UNANSWERED = Symbol('unanswered');
/** How long a Twilio retry of a MessageSid still being handled waits for the first attempt's reply (ms). */
const RETRY_WAITS_MS = 8000;
/** A MessageSid still unanswered this long after its handling began is taken over by a retry. */
export const STALE_AFTER_SECONDS = 20;
/** How long after a message came its reply is still worth sending (minutes): the sweep answers and resends until then. */
export const ANSWER_WITHIN_MINUTES = 60;

/** Dependencies of the receiver. `deadlineMs` defaults to 5000. */
export interface ReceiveDeps extends QueueDeps {
  log: Logger;
  messenger: Messenger;
  deadlineMs?: number;
}

/** The message as Twilio posted it, matched to a clinic. `fromAddress`/`toAddress` as Twilio wrote them. */
export interface InboundMessage extends InboundText {
  fromAddress: string;
  toAddress: string;
}

/** Logs, handles and answers `message`. @returns the TwiML reply text, or null for an empty `<Response/>`. */
export async function receiveInboundMessage(deps: ReceiveDeps, message: InboundMessage): Promise<string | null> {
  const { sql } = deps;
  const first = await logInbound(sql, message);
  if (!first) {
    const [earlier] = await sql`select reply_body, reply_via from messages where provider_sid = ${message.messageSid}`;
    if (earlier!.reply_via === 'twiml') return earlier!.reply_body as string;
    if (earlier!.reply_via !== null) return null;
    const [takeover] = await sql`
      update messages set processing_started_at = now()
      where provider_sid = ${message.messageSid} and reply_via is null
        and processing_started_at < now() - make_interval(secs => ${STALE_AFTER_SECONDS})
      returning id`;
    // The first attempt is still at work: wait (bounded, well within Twilio's 15 s) for its reply.
    if (takeover === undefined) return waitForReply(sql, message.messageSid);
  } else {
    const verdict = await checkInboundGuard(sql, message);
    if (verdict !== 'answer') {
      deps.log.warn(
        { messageSid: message.messageSid, phone: message.from.phone, reason: verdict },
        'inbound text not answered: inbound guard (country, per-number limit or loop)',
      );
      await claimReply(sql, message, null, 'none', verdict);
      return null;
    }
  }

  const work = replyTo(deps, message);
  const TIMED_OUT = Symbol('timed out');
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    work,
    new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), deps.deadlineMs ?? 5000))),
  ]);
  clearTimeout(timer);

  if (outcome === UNANSWERED) return null;
  if (outcome !== TIMED_OUT) {
    return (await claimReply(sql, message, outcome, outcome === null ? 'none' : 'twiml')) ? outcome : null;
  }
  deps.log.warn({ messageSid: message.messageSid }, 'reply not ready in time; it will be sent as an outbound message');
  void textReplyWhenReady(deps, message, work);
  return null;
}

/**
 * The reply to `message` (null for none). A failure on our side becomes an apology, never silence,
 * except for an opt-out and for any text from a number that opted out (its LEAVE, its `cancel
 * please`), which are `UNANSWERED`: no text at all (Twilio would refuse one to an opted-out number,
 * 21610), and the sweep handles the message again later.
 */
export function replyTo(deps: ReceiveDeps, message: InboundMessage): Promise<string | null | typeof UNANSWERED> {
  return handleInboundText(deps, message).catch(async (error: unknown) => {
    deps.log.error({ err: error, messageSid: message.messageSid }, 'inbound message failed');
    // An opt-out (or a bare CANCEL typed, Twilio's opt-out word) is never answered: the sweep tries it again.
    if (parseCommand(message.body).kind === 'opt_out' || (message.button === undefined && isBareCancel(message.body))) return UNANSWERED;
    return (await mayBeTexted(deps, message)) ? SORRY : UNANSWERED;
  });
}

/** Whether the sender of `message` may get the apology: not opted out, and known not to be (a failed check says no). */
async function mayBeTexted(deps: ReceiveDeps, message: InboundMessage): Promise<boolean> {
  try {
    return !(await isOptedOut(deps.sql, message.clinic.id, message.from.phone));
  } catch (error) {
    deps.log.error({ err: error, messageSid: message.messageSid }, 'opt-out not checked: no apology sent');
    return false;
  }
}

/** The TwiML reply an earlier attempt at `messageSid` gives within `RETRY_WAITS_MS`; null if none comes. */
async function waitForReply(sql: Sql, messageSid: string): Promise<string | null> {
  const deadline = Date.now() + RETRY_WAITS_MS;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const [row] = await sql<{ reply_body: string | null; reply_via: string | null }[]>`
      select reply_body, reply_via from messages where provider_sid = ${messageSid}`;
    if (row?.reply_via === 'twiml') return row.reply_body;
    if (row?.reply_via !== null) return null;
  }
  return null;
}

/** Texts the reply once `reply` settles, unless another attempt answered first. Never throws. */
export async function textReplyWhenReady(deps: ReceiveDeps, message: InboundMessage, reply: Promise<string | null | typeof UNANSWERED>): Promise<void> {
  try {
    const text = await reply;
    if (text === UNANSWERED) return;
    if (!(await claimReply(deps.sql, message, text, text === null ? 'none' : 'outbound')) || text === null) return;
    const [inbound] = await deps.sql<{ until: Date }[]>`
      select created_at + make_interval(mins => ${ANSWER_WITHIN_MINUTES}) as until from messages where provider_sid = ${message.messageSid}`;
    await deps.messenger.send({
      clinicId: message.clinic.id,
      phone: message.from.phone,
      channel: message.from.channel,
      body: text,
      idempotencyKey: replyKey(message.messageSid),
      // The sweep resends it until then (answerStrandedMessages.ts).
      sendUntil: inbound!.until,
    });
  } catch (error) {
    deps.log.error({ err: error, messageSid: message.messageSid }, 'late reply failed');
  }
}

/** The outbound log row of the reply to `messageSid`, whichever way it went. */
export const replyKey = (messageSid: string) => `reply:${messageSid}`;

/** Writes the inbound message to the log. @returns false when its MessageSid was logged before. */
async function logInbound(sql: Sql, m: InboundMessage): Promise<boolean> {
  const [row] = await sql`
    insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, button_payload, provider_sid, status, processing_started_at)
    values (${m.clinic.id}, 'inbound', ${m.from.channel}, ${m.from.phone}, ${m.fromAddress}, ${m.toAddress}, ${m.body}, ${m.button?.payload ?? null},
            ${m.messageSid}, 'received', now())
    on conflict (provider_sid) do nothing
    returning id`;
  return row !== undefined;
}

/**
 * Records how the reply went out (and, for none on purpose, the guard's reason); only the first claim
 * wins. A TwiML reply is also logged as an outbound message (status `accepted`: Twilio sends it under
 * a MessageSid the webhook's answer never learns; its first status callback names it,
 * src/inbound/twimlReplyStatus.ts).
 * @returns whether this call won.
 */
async function claimReply(
  sql: Sql,
  m: InboundMessage,
  reply: string | null,
  via: 'twiml' | 'outbound' | 'none',
  unansweredReason: Exclude<GuardVerdict, 'answer'> | null = null,
): Promise<boolean> {
  return sql.begin(async (tx) => {
    const [row] = await tx`
      update messages set reply_body = ${reply}, reply_via = ${via}, unanswered_reason = ${unansweredReason}, updated_at = now()
      where provider_sid = ${m.messageSid} and reply_via is null
      returning id`;
    if (row === undefined) return false;
    if (via === 'twiml') {
      await tx`
        insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, idempotency_key, status)
        values (${m.clinic.id}, 'outbound', ${m.from.channel}, ${m.from.phone}, ${m.toAddress}, ${m.fromAddress}, ${reply}, ${replyKey(m.messageSid)}, 'accepted')
        on conflict (idempotency_key) do nothing`;
    }
    return true;
  });
}
