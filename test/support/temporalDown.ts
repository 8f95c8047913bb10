/**
 * A stack's app as a second API process runs it while Temporal cannot be reached: the same database
 * and clinic, but a Temporal client aimed at a closed port (1 s to connect, without the default retry
 * interceptor, which would retry the refused connection for ~20 s), so every workflow call fails fast,
 * as it does in an outage. Its log keeps the error lines, to read what it logged.
 */
import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { inboundMessageParams, postTwilioWebhook } from './twilioWebhooks.js';
import type { Stack } from './stack.js';

/** The app with Temporal down: a signed inbound text to it, and the error lines it logged (pino JSON). */
export interface TemporalDownApp {
  /** Posts a Twilio-signed inbound text from `from` (E.164) to the stack's clinic number; `messageSid` to name it. */
  sendSms(from: string, body: string, messageSid?: string): Promise<Response>;
  /** Everything the app logged at `error` so far, one JSON object a line. */
  loggedErrors(): string;
}

/**
 * A Temporal client aimed at a closed port (see above): every workflow call fails within about 1 s.
 * The one way tests make Temporal unreachable; close it with `client.connection.close()`.
 */
export function unreachableTemporal(): Client {
  return new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s', interceptors: [] }) });
}

/** `stack`'s app with Temporal unreachable (see above). */
export function appWithTemporalDown(stack: Stack): TemporalDownApp {
  let errors = '';
  const temporal = unreachableTemporal();
  const app = stack.createApp({ temporal, log: pino({ level: 'error' }, { write: (line: string) => void (errors += line) }) });
  return {
    sendSms: (from, body, messageSid) =>
      postTwilioWebhook(
        app,
        stack.twilioAuthToken,
        '/webhooks/twilio/sms',
        inboundMessageParams({ from, to: stack.clinicNumber, body, ...(messageSid === undefined ? {} : { messageSid }) }),
      ),
    loggedErrors: () => errors,
  };
}
