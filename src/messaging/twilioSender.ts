/**
 * The `twilio` provider: sends through Twilio's Messages API (`messages.create`), from the clinic's
 * number or Messaging Service (SMS) or its WhatsApp sender, and places calls through its Calls API
 * (`calls.create`) from the clinic's number.
 */
import twilio from 'twilio';
import { maskPhoneNumbers } from '../domain/phone.js';
import { MessageRejectedError, ProviderBusyError, type Sender } from './sender.js';

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
  return {
    provider: 'twilio',
    async send(message) {
      const useService = options.messagingServiceSid !== undefined && !message.to.startsWith('whatsapp:');
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
  };
}

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
