/**
 * Webhook requests as Twilio sends them: form-encoded POSTs signed with `X-Twilio-Signature`, computed
 * by twilio's own `getExpectedTwilioSignature` over the public URL Twilio called plus the sorted POST
 * parameters (twilio.com/docs/usage/webhooks/webhooks-security). Parameter names follow
 * twilio.com/docs/messaging/guides/webhook-request (SMS, status callbacks) and
 * twilio.com/docs/voice/twiml#request-parameters (voice: call webhooks, `<Gather>` actions, call
 * status callbacks).
 */
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

/** A publicly reachable base URL as Twilio would call it; signatures are computed over it. */
export const PUBLIC_BASE_URL = 'https://desk.clinic.test';

/** A Twilio-style account SID for webhook bodies: `AC` and 32 zeros. */
export const WEBHOOK_ACCOUNT_SID = `AC${'0'.repeat(32)}`;

/** A Twilio-style SID: the two-letter prefix (`SM` message, `CA` call) and 32 hex digits. */
export function fakeSid(prefix = 'SM'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

/** Twilio's signature header for a form post to `path` (with its query, if any), computed over `PUBLIC_BASE_URL + path`. */
export function signTwilio(authToken: string, path: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, `${PUBLIC_BASE_URL}${path}`, params);
}

/** The `RequestInit` of a form POST signed with `authToken` (pass a wrong token to forge one). */
export function signedTwilioRequest(authToken: string, path: string, params: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signTwilio(authToken, path, params) },
    body: new URLSearchParams(params).toString(),
  };
}

/** Anything that answers a `Request` like Hono's `app.request` (the app itself, or a sub-app). */
export interface RequestTarget {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

/** Posts `params` to `path` on `target`, signed with `authToken` as Twilio would sign it. */
export async function postTwilioWebhook(target: RequestTarget, authToken: string, path: string, params: Record<string, string>): Promise<Response> {
  return target.request(path, signedTwilioRequest(authToken, path, params));
}

/** An incoming message (SMS, or WhatsApp when `from` starts with `whatsapp:`); `extra` adds or overrides fields. */
export function inboundMessageParams(message: {
  from: string;
  to: string;
  body: string;
  messageSid?: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    MessageSid: message.messageSid ?? fakeSid('SM'),
    AccountSid: WEBHOOK_ACCOUNT_SID,
    From: message.from,
    To: message.to,
    Body: message.body,
    NumMedia: '0',
    ...message.extra,
  };
}

/** A message status callback: `MessageStatus` (queued, sent, delivered, undelivered, failed, …) and `ErrorCode` on failure. */
export function messageStatusParams(status: {
  messageSid: string;
  messageStatus: string;
  errorCode?: number;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    MessageSid: status.messageSid,
    AccountSid: WEBHOOK_ACCOUNT_SID,
    MessageStatus: status.messageStatus,
    ...(status.errorCode === undefined ? {} : { ErrorCode: String(status.errorCode) }),
    ...status.extra,
  };
}

/** What every voice webhook of one call carries. `direction`: `inbound` (a patient calls) or `outbound-api` (calls.create). */
export interface CallParams {
  callSid: string;
  from: string;
  to: string;
  direction?: 'inbound' | 'outbound-api';
  extra?: Record<string, string>;
}

function callBase(call: CallParams, callStatus: string): Record<string, string> {
  return {
    CallSid: call.callSid,
    AccountSid: WEBHOOK_ACCOUNT_SID,
    From: call.from,
    To: call.to,
    Caller: call.from,
    Called: call.to,
    CallStatus: callStatus,
    Direction: call.direction ?? 'outbound-api',
    ApiVersion: '2010-04-01',
  };
}

/**
 * The request for a call's TwiML: an incoming call (`CallStatus=ringing`) or an answered outbound call
 * (`in-progress`, with `AnsweredBy` when the call was created with MachineDetection).
 */
export function callTwimlParams(call: CallParams & { callStatus?: 'ringing' | 'in-progress'; answeredBy?: string }): Record<string, string> {
  return {
    ...callBase(call, call.callStatus ?? (call.direction === 'inbound' ? 'ringing' : 'in-progress')),
    ...(call.answeredBy === undefined ? {} : { AnsweredBy: call.answeredBy }),
    ...call.extra,
  };
}

/** A `<Gather>` action: the keys pressed in `Digits` (`FinishedOnKey` empty when `numDigits` ended it). */
export function gatherParams(call: CallParams & { digits: string }): Record<string, string> {
  return { ...callBase(call, 'in-progress'), Digits: call.digits, FinishedOnKey: '', ...call.extra };
}

/**
 * A call status callback (StatusCallback of calls.create): `CallStatus` (queued, initiated, ringing,
 * in-progress, completed, busy, failed, no-answer, canceled), `AnsweredBy` (human, machine_start,
 * machine_end_beep, machine_end_silence, machine_end_other, fax, unknown), `CallDuration` in seconds once completed.
 */
export function callStatusParams(
  call: CallParams & { callStatus: string; answeredBy?: string; callDurationSeconds?: number; sequenceNumber?: number },
): Record<string, string> {
  return {
    ...callBase(call, call.callStatus),
    CallbackSource: 'call-progress-events',
    SequenceNumber: String(call.sequenceNumber ?? 0),
    Timestamp: new Date().toUTCString(),
    ...(call.answeredBy === undefined ? {} : { AnsweredBy: call.answeredBy }),
    ...(call.callDurationSeconds === undefined ? {} : { CallDuration: String(call.callDurationSeconds) }),
    ...call.extra,
  };
}

/**
 * The text of the `<Message>` a TwiML reply holds (whatever its attributes, such as the `action` that
 * brings its delivery status back), XML entities read; `''` for an empty `<Response/>`. The tests and the
 * benchmark read replies with it, so both read what Twilio would send the patient.
 */
export function twimlMessage(xml: string): string {
  const match = /<Message\b[^>]*>([\s\S]*?)<\/Message>/.exec(xml);
  return match === null
    ? ''
    : match[1]!
        .replace(/&apos;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
}
