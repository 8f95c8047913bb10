/**
 * The delivery status of a reply given as TwiML (`<Response><Message>…`). Twilio sends such a reply
 * under a MessageSid of its own that the webhook's answer never learns, and reports its statuses to the
 * `<Message>` verb's `action` URL ("A URL specifying where Twilio should send status callbacks for the
 * created outbound message"; its older `statusCallback` attribute is deprecated in favour of it:
 * twilio.com/docs/messaging/twiml/message; status callbacks cover TwiML-generated messages too:
 * twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks). Those requests carry
 * the reply's MessageSid, MessageStatus and ErrorCode, and nothing naming the inbound message, so the
 * action URL names it: `status?reply_to=<inbound MessageSid>`, a relative URL Twilio resolves against
 * the SMS webhook's own (`/webhooks/twilio/status`), signed with the rest of the URL.
 */
import type { Sql } from '../db/sql.js';
import { replyKey } from './receiveInboundMessage.js';

/** The query parameter of the status webhook that names the inbound message a TwiML reply answered. */
export const REPLY_TO_PARAM = 'reply_to';

/** The `action` of the `<Message>` answering inbound message `inboundSid`: the status webhook, relative to the SMS webhook. */
export function twimlReplyAction(inboundSid: string): string {
  return `status?${REPLY_TO_PARAM}=${encodeURIComponent(inboundSid)}`;
}

/**
 * Gives the logged TwiML reply to inbound message `inboundSid` (its row keyed `reply:<inboundSid>`)
 * the MessageSid `replySid` Twilio sent it under, so the status callbacks of `replySid` update it as
 * they update any text. Only a row with no MessageSid yet takes one: a repeated callback, or a second
 * copy of the reply (Twilio retried the inbound webhook and sent the same TwiML again), changes nothing.
 */
export async function bindTwimlReply(sql: Sql, inboundSid: string, replySid: string): Promise<void> {
  await sql`
    update messages set provider_sid = ${replySid}, updated_at = now()
    where idempotency_key = ${replyKey(inboundSid)} and direction = 'outbound' and provider_sid is null and status = 'accepted'`;
}
