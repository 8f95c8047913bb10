/**
 * Chooses the messaging provider from the configuration: `twilio` when credentials are set, else `console`.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createConsoleSender } from './consoleSender.js';
import { createTwilioSender } from './twilioSender.js';
import type { Sender } from './sender.js';

/** The sender `config` asks for. */
export function createSender(config: Config, log: Logger): Sender {
  const twilio = config.twilio;
  return twilio.provider === 'twilio'
    ? createTwilioSender({ accountSid: twilio.accountSid, authToken: twilio.authToken, messagingServiceSid: twilio.messagingServiceSid })
    : createConsoleSender(log);
}

/** The StatusCallback URL given with every outbound message, when the API has a public address. */
export function statusCallbackUrl(config: Config): string | undefined {
  return config.publicBaseUrl === undefined ? undefined : `${config.publicBaseUrl}/webhooks/twilio/status`;
}
