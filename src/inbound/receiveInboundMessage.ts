/**
 * An inbound message from Twilio's webhook, handled once per MessageSid and answered in time.
 *
 * Twilio drops a webhook answer that takes over 15 s (Twilio, "Webhooks: connection overrides").
 * So the reply is returned in the same request when it is ready within `deadlineMs`; otherwise the
 * request is answered with no reply and the reply goes out as an outbound message once ready. A claim
 * on the log row (`reply_via`) makes sure exactly one of the two happens. A MessageSid seen before
 * gets the same TwiML reply again and changes nothing.
 */
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.js';
import type { Messenger } from '../messaging/messenger.js';
import type { QueueDeps } from '../queue/joinQueue.js';
import { handleInboundText, type InboundText } from './handleInboundText.js';

/** Reply to a patient when handling fails on our side; Twilio will not retry a 200. */
const SORRY = 'Sorry, something went wrong on our side. Please try again in a minute.';
/** A MessageSid still unanswered this long after its first attempt is taken over by a retry. */
const STALE_AFTER_SECONDS = 20;

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
  const { sql, log } = deps;
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
    if (takeover === undefined) return null; // the first attempt is still at work and will answer
  }

  const work = handleInboundText(deps, message).catch((error: unknown) => {
    log.error({ err: error, messageSid: message.messageSid }, 'inbound message failed');
    return SORRY;
  });
  const TIMED_OUT = Symbol('timed out');
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([work, new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), deps.deadlineMs ?? 5000)))]);
  clearTimeout(timer);

  if (outcome !== TIMED_OUT) {
    return (await claimReply(sql, message.messageSid, outcome, outcome === null ? 'none' : 'twiml')) ? outcome : null;
  }
  log.warn({ messageSid: message.messageSid }, 'reply not ready in time; it will be sent as an outbound message');
  void work
    .then(async (reply) => {
      if (!(await claimReply(sql, message.messageSid, reply, reply === null ? 'none' : 'outbound')) || reply === null) return;
      await deps.messenger.send({
        clinicId: message.clinic.id,
        phone: message.from.phone,
        channel: message.from.channel,
        body: reply,
        idempotencyKey: `reply:${message.messageSid}`,
      });
    })
    .catch((error: unknown) => log.error({ err: error, messageSid: message.messageSid }, 'late reply failed'));
  return null;
}

/** Writes the inbound message to the log. @returns false when its MessageSid was logged before. */
async function logInbound(sql: Sql, m: InboundMessage): Promise<boolean> {
  const [row] = await sql`
    insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, provider_sid, status, processing_started_at)
    values (${m.clinic.id}, 'inbound', ${m.from.channel}, ${m.from.phone}, ${m.fromAddress}, ${m.toAddress}, ${m.body}, ${m.messageSid}, 'received', now())
    on conflict (provider_sid) do nothing
    returning id`;
  return row !== undefined;
}

/** Records how the reply went out; only the first claim wins. @returns whether this call won. */
async function claimReply(sql: Sql, messageSid: string, reply: string | null, via: 'twiml' | 'outbound' | 'none'): Promise<boolean> {
  const [row] = await sql`
    update messages set reply_body = ${reply}, reply_via = ${via}, updated_at = now()
    where provider_sid = ${messageSid} and reply_via is null
    returning id`;
  return row !== undefined;
}
