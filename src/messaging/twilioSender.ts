/**
 * The `twilio` provider: sends through Twilio's Messages API (`messages.create`), from the clinic's
 * number or Messaging Service (SMS) or its WhatsApp sender, and places calls through its Calls API
 * (`calls.create`) from the clinic's number. After a try whose answer was lost it lists what Twilio
 * made (`messages.list`, `calls.list`), as Twilio takes no idempotency key for either create.
 */
import twilio from 'twilio';
import { maskPhoneNumbers } from '../domain/phone.js';
import { MessageRejectedError, ProviderBusyError, type ProviderMessage, type Sender } from './sender.js';

/** Options of the Twilio sender; `httpClient` routes the REST calls elsewhere (a local server in tests). */
export interface TwilioSenderOptions {
  accountSid: string;
  authToken: string;
  messagingServiceSid: string | undefined;
  httpClient?: twilio.RequestClient;
}

/**
 * A sender over Twilio's REST API. A 4xx answer becomes MessageRejectedError (with Twilio's error
 * code, e.g. 21610 opted out, 21211 invalid number); a 429 or 503 with `Retry-After` becomes
 * ProviderBusyError (the wait Twilio asks for); other 429s, 5xx and network errors are thrown as they
 * are, so the activity retries.
 */
export function createTwilioSender(options: TwilioSenderOptions): Sender {
  const client = twilio(options.accountSid, options.authToken, { httpClient: new RetryAfterClient(options.httpClient ?? new twilio.RequestClient()) });
  const viaService = (message: ProviderMessage) => options.messagingServiceSid !== undefined && !message.to.startsWith('whatsapp:');
  return {
    provider: 'twilio',
    async send(message) {
      const useService = viaService(message);
      const created = await rejectingClientErrors(() =>
        client.messages.create({
          to: message.to,
          // A template goes without a body: Twilio sends the approved content (error 63016 otherwise).
          ...(message.template === undefined
            ? { body: message.body }
            : { contentSid: message.template.contentSid, contentVariables: message.template.contentVariables }),
          ...(useService ? { messagingServiceSid: options.messagingServiceSid } : { from: message.from }),
          ...(message.statusCallback === undefined ? {} : { statusCallback: message.statusCallback }),
        }),
      );
      return { messageSid: created.sid, status: created.status };
    },
    async call(call) {
      const created = await rejectingClientErrors(() =>
        client.calls.create({
          to: call.to,
          from: call.from,
          url: call.url,
          method: 'POST',
          statusCallback: call.statusCallback,
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
          // Answering machine detection that waits for the greeting to end, so a voicemail is left
          // after the beep (twilio.com/docs/voice/answering-machine-detection).
          machineDetection: 'DetectMessageEnd',
        }),
      );
      return { callSid: created.sid, status: created.status };
    },
    /**
     * One page (LOOKUP_LIMIT, newest first) of Twilio's Message list filtered by `To` and, without a
     * Messaging Service, `From` (the filters it takes: To, From, DateSent; twilio.com/docs/messaging/api/message-resource#read-multiple-message-resources,
     * twilio.com/docs/messaging/tutorials/how-to-retrieve-and-modify-message-history). Not `DateSent>`:
     * it filters by the day a message was sent, and a message still queued has no sent date. Kept: the
     * REST API's (`outbound-api`, never a TwiML reply) with the same text, from the service when one
     * sends it, made since `since` less CLOCK_MARGIN_MS. A template's text at Twilio is Twilio's
     * rendering, so one worded otherwise than ours is not found, and goes again.
     */
    async findSent(message, since) {
      const useService = viaService(message);
      const listed = await client.messages.list({ to: message.to, ...(useService ? {} : { from: message.from }), limit: LOOKUP_LIMIT });
      const earliest = since.getTime() - CLOCK_MARGIN_MS;
      // Listed newest first, and Twilio's times are to the second: reversed, then sorted (stably), oldest first.
      return listed
        .reverse()
        .filter(
          (m) =>
            m.direction === 'outbound-api' &&
            m.body === message.body &&
            (useService ? m.messagingServiceSid === options.messagingServiceSid : m.from === message.from) &&
            m.dateCreated.getTime() >= earliest,
        )
        .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime())
        .map((m) => ({ messageSid: m.sid, status: m.status }));
    },
    /**
     * One page (LOOKUP_LIMIT, newest first) of Twilio's Call list filtered by `To` and `From` (it also
     * takes Status, StartTime, EndTime, ParentCallSid; twilio.com/docs/voice/api/call-resource#read-multiple-call-resources).
     * Not `StartTime>`: a call still queued has not started. Kept: the REST API's (`outbound-api`) made
     * since `since` less CLOCK_MARGIN_MS. A call carries no text to compare: the messenger leaves out
     * those another row already holds.
     */
    async findPlaced(call, since) {
      const listed = await client.calls.list({ to: call.to, from: call.from, limit: LOOKUP_LIMIT });
      const earliest = since.getTime() - CLOCK_MARGIN_MS;
      return listed
        .reverse()
        .filter((c) => c.direction === 'outbound-api' && c.from === call.from && c.dateCreated.getTime() >= earliest)
        .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime())
        .map((c) => ({ callSid: c.sid, status: c.status }));
    },
  };
}

/** How many of the newest messages or calls to one number a lookup reads: one page, one request. */
const LOOKUP_LIMIT = 20;

/** How far before `since` a lookup reaches (ms): Twilio's times are to the second, and its clock and ours may differ by a little. */
const CLOCK_MARGIN_MS = 10_000;

/** Runs a REST call; a 4xx other than 429 becomes MessageRejectedError, anything else is rethrown to be retried. */
async function rejectingClientErrors<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500 && status !== 429) {
      // Twilio's texts name the number ("The 'To' number +1… is not a valid phone number"): the message
      // goes into workflow history and logs, so it carries the number masked.
      throw new MessageRejectedError(maskPhoneNumbers((error as Error).message), (error as { code?: number }).code);
    }
    throw error;
  }
}

/**
 * A RequestClient that reads `Retry-After` (twilio's RestException keeps no headers): a 429 or 503
 * carrying it is thrown as ProviderBusyError with the wait in ms (seconds or an HTTP date, RFC 9110
 * §10.2.3) and Twilio's error code; every other answer goes to twilio's client as it came. Requests go
 * through `inner`.
 */
class RetryAfterClient extends twilio.RequestClient {
  constructor(private readonly inner: twilio.RequestClient) {
    super();
  }

  override request: twilio.RequestClient['request'] = async (opts) => {
    const response = await this.inner.request(opts);
    if (response.statusCode !== 429 && response.statusCode !== 503) return response;
    const header = (response.headers as Record<string, unknown> | undefined)?.['retry-after'];
    const retryAfterMs = typeof header === 'string' ? parseRetryAfter(header, Date.now()) : undefined;
    if (retryAfterMs === undefined) return response;
    throw new ProviderBusyError(
      `Twilio answered ${response.statusCode} and asks to retry after ${Math.ceil(retryAfterMs / 1000)} s`,
      retryAfterMs,
      twilioErrorCode(response.body),
    );
  };
}

/** Twilio's error code in an error answer's body (JSON text or parsed, `{ code, message, … }`); undefined when it has none. */
function twilioErrorCode(body: unknown): number | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const code = (parsed as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** A `Retry-After` value (delay seconds, or an HTTP date) as ms from `now`; undefined when it is neither. */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
