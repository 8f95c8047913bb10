/**
 * The outbound messaging provider seen by Frontdesk: `console` (the embedded default) or `twilio`.
 * It sends messages (`messages.create`) and places calls (`calls.create`).
 */

/**
 * A pre-approved WhatsApp template: its Content SID (`HX…`) and `contentVariables`, a JSON object
 * keyed `"1"`, `"2"`, … as a string. Source: twilio.com/docs/whatsapp/tutorial/send-whatsapp-notification-messages-templates.
 */
export interface ProviderTemplate {
  contentSid: string;
  contentVariables: string;
}

/**
 * One message to hand to the provider. Addresses are Twilio style (`+1555…`, `whatsapp:+1555…`).
 * With `template`, the provider sends the template and no body (WhatsApp outside the 24-hour
 * window); `body` is then our own rendering of it, for the log only.
 */
export interface ProviderMessage {
  from: string;
  to: string;
  body: string;
  template?: ProviderTemplate;
  /** Twilio StatusCallback URL, when the API is publicly reachable. */
  statusCallback: string | undefined;
}

/** One outbound call to hand to the provider: Twilio fetches the TwiML at `url` when the call connects. */
export interface ProviderCall {
  from: string;
  to: string;
  /** Where the call's TwiML is (the answer webhook of this call). */
  url: string;
  /** Twilio StatusCallback for the call's progress (`initiated`, `ringing`, `answered`, `completed`). */
  statusCallback: string;
}

/** What the provider said about a call: its CallSid (`CA…`) and first status (`queued`). */
export interface ProviderCallReceipt {
  callSid: string;
  status: string;
}

/** What the provider said: its MessageSid and the message's first status (`queued`, `sent`, …). */
export interface ProviderReceipt {
  messageSid: string;
  status: string;
}

/**
 * A provider that sends messages and places calls. Both throw MessageRejectedError when the provider
 * refuses for good. A provider reached over the network also finds what an earlier try made when its
 * answer was lost (`findSent`, `findPlaced`); one that answers in-process (the console) has none to find.
 */
export interface Sender {
  readonly provider: 'console' | 'twilio';
  send(message: ProviderMessage): Promise<ProviderReceipt>;
  call(call: ProviderCall): Promise<ProviderCallReceipt>;
  /**
   * The messages the provider made, no earlier than `since`, that could be `message` (same recipient,
   * sender and text, sent through its API), oldest first; one bounded lookup. Retryable errors are
   * thrown as they came.
   */
  findSent?(message: ProviderMessage, since: Date): Promise<ProviderReceipt[]>;
  /** The calls the provider placed, no earlier than `since`, that could be `call` (same recipient and caller, through its API), oldest first; as `findSent`. */
  findPlaced?(call: ProviderCall, since: Date): Promise<ProviderCallReceipt[]>;
}

/** Twilio error 21610: the recipient has opted out (texted STOP). Source: Twilio error dictionary. */
export const TWILIO_OPTED_OUT = 21610;

/** The provider refused this message for good (a 4xx from Twilio); sending it again cannot help. */
export class MessageRejectedError extends Error {
  override name = 'MessageRejectedError';
  constructor(
    message: string,
    readonly errorCode: number | undefined,
  ) {
    super(message);
  }
}

/**
 * The provider asked us to wait before trying again: a 429 (or 503) with `Retry-After`. Not final:
 * the caller retries after `retryAfterMs`. `errorCode` is the provider's own (Twilio's 20429, "Too Many
 * Requests"), when its answer gave one. Source: twilio.com/docs/usage/rest-api-best-practices
 * ("back off when you receive a 429"), RFC 9110 §10.2.3 (Retry-After: seconds or an HTTP date).
 */
export class ProviderBusyError extends Error {
  override name = 'ProviderBusyError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
    readonly errorCode?: number,
  ) {
    super(message);
  }
}
