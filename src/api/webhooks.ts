/**
 * Twilio's webhooks: inbound messages (SMS and WhatsApp) answered with TwiML, and message status
 * callbacks written to the message log (a final one also handed to the appointment chain that sent it),
 * those of a TwiML reply included (src/inbound/twimlReplyStatus.ts).
 */
import twilio from 'twilio';
import { z } from 'zod';
import type { CountryCode } from 'libphonenumber-js';
import type { Sql } from '../db/sql.js';
import { AppError } from '../errors.js';
import { findClinicByAddress } from '../clinics/clinics.js';
import { withoutNul } from '../domain/freeText.js';
import { parseAddress, toAddress } from '../domain/phone.js';
import { signalDeliveryReceipt } from '../appointments/signalDeliveryReceipt.js';
import { signalOfferDeliveryFailure } from '../waitlist/offerSignals.js';
import { isFinalStatus } from '../domain/deliveryFallback.js';
import { receiveInboundMessage, type ReceiveDeps } from '../inbound/receiveInboundMessage.js';
import { bindTwimlReply, REPLY_TO_PARAM, twimlReplyAction } from '../inbound/twimlReplyStatus.js';
import { TWILIO_OPTED_OUT } from '../messaging/sender.js';
import { twilioWebhookApp } from './twilioWebhookApp.js';
import { parseOrThrow } from './validation.js';

const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a Twilio SID (${prefix} and 32 hex digits)`);

// A tap on a WhatsApp template's quick-reply button arrives as an inbound WhatsApp message with the
// button's label in `ButtonText` and its payload in `ButtonPayload` (Twilio, "Twilio's request to your
// incoming message Webhook URL", WhatsApp parameters: twilio.com/docs/messaging/guides/webhook-request;
// Meta's own webhook carries the same pair, `button.text` / `button.payload`:
// developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/button/).
// Free text is logged as sent, but without NUL, which Postgres cannot store; an address with a control
// character in it is no address.
const ZAddress = z
  .string()
  .min(1)
  .refine((address) => !/\p{Cc}/u.test(address), 'must not contain control characters');
const ZText = z.string().transform(withoutNul);
const ZInboundMessage = z.object({
  MessageSid: sid('(SM|MM)'),
  From: ZAddress,
  To: ZAddress,
  Body: ZText,
  ButtonText: ZText.optional(),
  ButtonPayload: ZText.optional(),
});

const ZStatusCallback = z.object({
  MessageSid: sid('(SM|MM)'),
  MessageStatus: z.string().regex(/^[a-z_]{1,20}$/, 'must be a Twilio message status such as delivered'),
  ErrorCode: z
    .string()
    .regex(/^\d{1,6}$/, 'must be a number')
    .optional(),
});
/** The status webhook's query: `reply_to`, the inbound message a TwiML reply answered (its `<Message action>`). */
const ZStatusQuery = z.object({ [REPLY_TO_PARAM]: sid('(SM|MM)').optional() });

/** Dependencies of the webhook routes. */
export interface WebhookDeps extends ReceiveDeps {
  sql: Sql;
  defaultCountry: CountryCode;
  twilioAuthToken: string | undefined;
  publicBaseUrl: string | undefined;
}

/** Routes under `/webhooks/twilio`. */
export function webhookRoutes(deps: WebhookDeps) {
  const app = twilioWebhookApp(deps);

  app.post('/sms', async (c) => {
    const p = parseOrThrow(ZInboundMessage, c.get('twilioParams'));
    const from = parseAddress(p.From, deps.defaultCountry);
    if (from === undefined) throw new AppError('bad_request', 'From: must be a phone number (E.164, or whatsapp:+…)', 'From');
    const to = parseAddress(p.To, deps.defaultCountry);
    // Twilio posts an SMS to an SMS number and a WhatsApp message to a WhatsApp one; a mixed pair would
    // make a ticket on a channel the clinic cannot answer on.
    if (to !== undefined && to.channel !== from.channel) {
      throw new AppError('bad_request', `From: is a ${from.channel} address but To is a ${to.channel} one; the channel of From and To must match`, 'From');
    }
    const clinic = to === undefined ? undefined : await findClinicByAddress(deps.sql, toAddress(to));
    if (clinic === undefined) throw new AppError('not_found', `no clinic owns the number ${p.To}`, 'To');
    // A button press is only WhatsApp's; its text is what the log shows, its payload what it answers.
    const button =
      from.channel === 'whatsapp' && p.ButtonText !== undefined && p.ButtonText !== ''
        ? { text: p.ButtonText, payload: p.ButtonPayload ?? p.ButtonText }
        : undefined;
    const reply = await receiveInboundMessage(deps, {
      clinic,
      from,
      body: button?.text ?? p.Body,
      ...(button === undefined ? {} : { button }),
      messageSid: p.MessageSid,
      fromAddress: p.From,
      toAddress: p.To,
    });
    const twiml = new twilio.twiml.MessagingResponse();
    // Twilio reports the reply's statuses to `action`, which names this message so the reply's row is found.
    if (reply !== null) twiml.message({ action: twimlReplyAction(p.MessageSid), method: 'POST' }, reply);
    return c.body(twiml.toString(), 200, { 'Content-Type': 'text/xml; charset=utf-8' });
  });

  app.post('/status', async (c) => {
    const p = parseOrThrow(ZStatusCallback, c.get('twilioParams'));
    const replyTo = parseOrThrow(ZStatusQuery, c.req.query())[REPLY_TO_PARAM];
    // A TwiML reply's first callback names the MessageSid Twilio sent it under: its row takes it first.
    if (replyTo !== undefined) await bindTwimlReply(deps.sql, replyTo, p.MessageSid);
    const errorCode = p.ErrorCode === undefined ? null : Number(p.ErrorCode);
    // The receipt, the message's status (never moving back: a late `sent` after `delivered` is kept
    // as an event only), an opt-out and what the message belongs to, in one statement: every text
    // sent brings two or three of these, so each round trip to Postgres counts. A Messaging Service
    // reports a send to an opted-out number here (21610), not on messages.create.
    const applyReceipt = () =>
      deps.sql<{ appointment_id: string | null; offer_id: string | null }[]>`
        with event as (
          insert into message_status_events (provider_sid, status, error_code) values (${p.MessageSid}, ${p.MessageStatus}, ${errorCode})
          on conflict (provider_sid, status) do nothing),
        updated as (
          update messages set status = ${p.MessageStatus}, error_code = coalesce(${errorCode}, error_code), updated_at = now()
          where provider_sid = ${p.MessageSid} and message_status_rank(${p.MessageStatus}) > message_status_rank(status)),
        opted_out as (
          insert into opt_outs (clinic_id, phone, keyword)
          select clinic_id, phone, 'twilio-21610' from messages
          where provider_sid = ${p.MessageSid} and direction = 'outbound' and ${errorCode === TWILIO_OPTED_OUT}
          on conflict do nothing)
        select appointment_id::text, offer_id::text from messages where provider_sid = ${p.MessageSid} and direction = 'outbound'`;
    // Twilio's callback can beat the answer to messages.create, while the messenger is still storing
    // the MessageSid: this statement, whose snapshot came before that write committed, then finds no
    // message. Applied once more after its event is committed, it finds the MessageSid if that write
    // has committed by then; if not, the messenger's check after its write (messenger.ts) starts later
    // than this event's commit and applies it. Either way no receipt is lost.
    let [message] = await applyReceipt();
    if (message === undefined) [message] = await applyReceipt();
    const appointmentId = message?.appointment_id ?? null;
    const offerId = message?.offer_id ?? null;
    // An appointment chain waits for its messages' final statuses to fall back to another channel.
    if (appointmentId !== null && isFinalStatus('sms', p.MessageStatus)) {
      await signalDeliveryReceipt(deps, appointmentId, { sid: p.MessageSid, status: p.MessageStatus, errorCode });
    }
    // An offer whose text never arrives frees its place for the next patient on the waitlist.
    if (offerId !== null) await signalOfferDeliveryFailure(deps, offerId, p.MessageStatus, errorCode);
    // A `<Message>` action's answer is read as TwiML: an empty one, so Twilio does nothing more.
    if (replyTo !== undefined) return c.body(new twilio.twiml.MessagingResponse().toString(), 200, { 'Content-Type': 'text/xml; charset=utf-8' });
    return c.body(null, 204);
  });

  return app;
}
