/**
 * The `console` provider: used when no Twilio credentials are set. Each message is logged (number
 * masked; its text at `debug` only) and the messenger writes it to the message log; none is dropped.
 * With a telephone (consoleTelephone.ts), calls are played and receipts reported as Twilio would.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ConsoleTelephone } from './consoleTelephone.js';
import type { Sender } from './sender.js';

/**
 * A sender that prints each message and answers with a Twilio-shaped MessageSid and status `sent`,
 * and a call with a CallSid and `queued`. `telephone` then plays the call and reports the message's
 * receipts in the background; without it (tests), nothing follows.
 */
export function createConsoleSender(log: Logger, telephone?: ConsoleTelephone): Sender {
  return {
    provider: 'console',
    send(message) {
      const messageSid = `SM${randomBytes(16).toString('hex')}`;
      // The number is masked by the logger; the text only at debug (the message log keeps it for staff).
      log.info({ messageSid, from: message.from, to: message.to }, 'outbound message sent (console provider)');
      log.debug({ messageSid }, `outbound message text: ${message.body}`);
      telephone?.reportMessage(message, messageSid);
      return Promise.resolve({ messageSid, status: 'sent' });
    },
    call(call) {
      const callSid = `CA${randomBytes(16).toString('hex')}`;
      log.info({ callSid, from: call.from, to: call.to }, 'outbound call placed (console provider)');
      telephone?.placeCall(call, callSid);
      return Promise.resolve({ callSid, status: 'queued' });
    },
  };
}
