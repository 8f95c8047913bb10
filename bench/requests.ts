/**
 * The benchmark's requests over HTTP to the API process, as Twilio and staff send them: signed SMS
 * webhooks (test/support/twilioWebhooks.ts, twilio's own signature) and JSON API calls with the token.
 * Each throws on an answer a patient or staff member would see as a failure, so load counts it as an error.
 */
import type { Pool } from 'undici';
import { inboundMessageParams, signedTwilioRequest, twimlMessage } from '../test/support/twilioWebhooks.js';
import { CLINIC_NUMBER, type BenchStack } from './stack.js';

const SMS_PATH = '/webhooks/twilio/sms';

/** The signed form post of a text `body` from `from` to the clinic, ready for undici. */
export function smsRequest(authToken: string, from: string, body: string): { path: string; headers: Record<string, string>; body: string } {
  const init = signedTwilioRequest(authToken, SMS_PATH, inboundMessageParams({ from, to: CLINIC_NUMBER, body }));
  return { path: SMS_PATH, headers: init.headers as Record<string, string>, body: init.body as string };
}

/** Posts `request` to `pool`; returns the body when the status is `expected`, else throws with the status. */
export async function post(pool: Pool, request: { path: string; headers: Record<string, string>; body: string }, expected = 200): Promise<string> {
  const response = await pool.request({ method: 'POST', ...request });
  const text = await response.body.text();
  if (response.statusCode !== expected) throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 120)}`);
  return text;
}

/**
 * Texts the clinic from `from` and returns the TwiML reply's message. Throws on an HTTP error, and on
 * an empty `<Response/>`: the reply missed the webhook's deadline and goes out late as a text.
 */
export async function text(stack: BenchStack, from: string, body: string): Promise<string> {
  const message = await textMayGoUnanswered(stack, from, body);
  if (message === '') throw new Error('empty TwiML: the reply missed the 5 s deadline (sent late)');
  return message;
}

/**
 * Texts the clinic from `from` and returns the TwiML reply's message, or '' for an empty `<Response/>`
 * (no reply, or a late one: the message log's `reply_via` tells which). Throws on an HTTP error.
 */
export async function textMayGoUnanswered(stack: BenchStack, from: string, body: string): Promise<string> {
  const xml = await post(stack.api, smsRequest(stack.twilioAuthToken, from, body));
  return twimlMessage(xml);
}

/** Calls the staff JSON API (`path` with its query); returns the parsed body when the status is `expected`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are read loosely, as in the tests
export async function callApi(stack: BenchStack, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, expected = 200): Promise<any> {
  const response = await stack.api.request({
    method,
    path,
    headers: { Authorization: `Bearer ${stack.adminApiToken}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.body.text();
  if (response.statusCode !== expected) throw new Error(`${method} ${path.split('?')[0]}: HTTP ${response.statusCode}: ${text.slice(0, 160)}`);
  return text === '' ? undefined : JSON.parse(text);
}
