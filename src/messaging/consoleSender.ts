/**
 * The `console` provider: used when no Twilio credentials are set. Messages are printed (and the
 * messenger writes them to the message log), never dropped.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Sender } from './sender.js';

/** A sender that prints each message and answers with a Twilio-shaped MessageSid and status `sent`. */
export function createConsoleSender(log: Logger): Sender {
  return {
    provider: 'console',
    async send(message) {
      const messageSid = `SM${randomBytes(16).toString('hex')}`;
      log.info({ messageSid, from: message.from, to: message.to }, `outbound message: ${message.body}`);
      return { messageSid, status: 'sent' };
    },
  };
}
