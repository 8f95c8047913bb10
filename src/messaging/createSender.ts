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

/**
 * The address Twilio (or the console provider standing in for it) calls back: PUBLIC_BASE_URL, or
 * with the console provider and no public address, the API on this machine (`http://localhost:PORT`).
 */
export function callbackBaseUrl(config: Config): string | undefined {
  if (config.publicBaseUrl !== undefined) return config.publicBaseUrl;
  return config.twilio.provider === 'console' ? `http://localhost:${config.port}` : undefined;
}
