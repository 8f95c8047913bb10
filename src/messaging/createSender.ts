/**
 * Chooses the messaging provider from the configuration: `twilio` when credentials are set, else `console`.
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Sql } from '../db/sql.js';
import { createConsoleSender } from './consoleSender.js';
import { createConsoleTelephone, type ConsoleTelephone } from './consoleTelephone.js';
import { createMessenger, type Messenger } from './messenger.js';
import { createTwilioSender } from './twilioSender.js';
import type { Sender } from './sender.js';

/** The sender `config` asks for; the console one plays calls and receipts on `telephone` when given. */
export function createSender(config: Config, log: Logger, telephone?: ConsoleTelephone): Sender {
  const twilio = config.twilio;
  return twilio.provider === 'twilio'
    ? createTwilioSender({ accountSid: twilio.accountSid, authToken: twilio.authToken, messagingServiceSid: twilio.messagingServiceSid })
    : createConsoleSender(log, telephone);
}

/**
 * The console provider's telephone (consoleTelephone.ts) when `config` sends through the console:
 * it calls the API on this machine (`http://localhost:PORT`), signing with TWILIO_AUTH_TOKEN when set.
 * Undefined with Twilio. Close it on shutdown.
 */
export function consoleTelephoneFor(config: Config, sql: Sql, log: Logger): ConsoleTelephone | undefined {
  if (config.twilio.provider === 'twilio') return undefined;
  return createConsoleTelephone({
    sql,
    log,
    localOrigin: `http://localhost:${config.port}`,
    authToken: config.twilio.authToken,
    publicBaseUrl: config.publicBaseUrl,
  });
}

/**
 * The address Twilio (or the console provider standing in for it) calls back: PUBLIC_BASE_URL, or
 * with the console provider and no public address, the API on this machine (`http://localhost:PORT`).
 */
export function callbackBaseUrl(config: Config): string | undefined {
  if (config.publicBaseUrl !== undefined) return config.publicBaseUrl;
  return config.twilio.provider === 'console' ? `http://localhost:${config.port}` : undefined;
}

/**
 * The messenger of a process as `config` asks for it: the provider's sender, the callback address,
 * and with the console provider its telephone (to close on shutdown; undefined with Twilio).
 */
export function createMessengerFor(config: Config, sql: Sql, log: Logger): { messenger: Messenger; consoleTelephone: ConsoleTelephone | undefined } {
  const consoleTelephone = consoleTelephoneFor(config, sql, log);
  const messenger = createMessenger({ sql, sender: createSender(config, log, consoleTelephone), callbackBaseUrl: callbackBaseUrl(config), log });
  return { messenger, consoleTelephone };
}
