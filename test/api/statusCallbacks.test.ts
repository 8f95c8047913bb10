/**
 * Twilio's message status callbacks: out of order, repeated, for unknown messages, forged, and racing
 * the send they report on.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMessenger } from '../../src/messaging/messenger.js';
import type { Sender } from '../../src/messaging/sender.js';
import { json, patientPhone, patientReply, type Stack, startStack, twimlText } from '../support/stack.js';
import { bookThroughApi } from '../support/apiBooking.js';
import { callStatusParams, fakeSid, signedTwilioRequest } from '../support/twilioWebhooks.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

/** Calls a patient so an outbound message exists; returns its MessageSid. */
async function outboundMessageSid(): Promise<{ sid: string; phone: string }> {
  const phone = patientPhone();
  const code = /ticket is ([A-Z]\d+)/.exec(await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN')))![1]!;
  await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) });
  const [row] = await vi.waitFor(
    async () => {
      const rows =
        await stack.sql`select provider_sid from messages where clinic_id = ${stack.clinic.id} and phone = ${phone} and direction = 'outbound' and provider_sid is not null`;
      expect(rows).not.toHaveLength(0);
      return rows;
    },
    { timeout: 10_000 },
  );
  return { sid: row!.provider_sid as string, phone };
}

const statusOf = async (sid: string) => (await stack.sql`select status, error_code from messages where provider_sid = ${sid}`)[0];

describe('status callbacks', () => {
  it('record an opt-out when Twilio reports 21610 for a message (a Messaging Service reports it here)', async () => {
    const { sid, phone } = await outboundMessageSid();
    expect((await stack.sendStatus({ MessageSid: sid, MessageStatus: 'failed', ErrorCode: '21610' })).status).toBe(204);
    expect(await stack.sql`select keyword from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`).toEqual([{ keyword: 'twilio-21610' }]);
    expect(await twimlText(await stack.sendSms(phone, 'STATUS'))).toBe('');
  });

  it('move a message forward and never back when they arrive out of order', async () => {
    const { sid, phone } = await outboundMessageSid();
    expect((await stack.sendStatus({ MessageSid: sid, MessageStatus: 'delivered' })).status).toBe(204);
    expect((await stack.sendStatus({ MessageSid: sid, MessageStatus: 'sent' })).status).toBe(204);
    expect((await stack.sendStatus({ MessageSid: sid, MessageStatus: 'queued' })).status).toBe(204);
    expect(await statusOf(sid)).toMatchObject({ status: 'delivered' });
    const log = await json(await stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`));
    expect(log.messages.find((m: { direction: string }) => m.direction === 'outbound').status).toBe('delivered');
  });

  it('record a failure with its error code', async () => {
    const { sid } = await outboundMessageSid();
    await stack.sendStatus({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003' });
    expect(await statusOf(sid)).toMatchObject({ status: 'undelivered', error_code: 30003 });
  });

  it('handle a repeated callback once', async () => {
    const { sid } = await outboundMessageSid();
    await stack.sendStatus({ MessageSid: sid, MessageStatus: 'delivered' });
    await stack.sendStatus({ MessageSid: sid, MessageStatus: 'delivered' });
    expect(await stack.sql`select status from message_status_events where provider_sid = ${sid}`).toHaveLength(1);
  });

  it('record a callback for an unknown MessageSid instead of failing', async () => {
    const sid = fakeSid();
    const response = await stack.sendStatus({ MessageSid: sid, MessageStatus: 'delivered' });
    expect(response.status).toBe(204);
    expect(await stack.sql`select status from message_status_events where provider_sid = ${sid}`).toEqual([{ status: 'delivered' }]);
  });

  it('refuse a forged callback with 403 and a bad one with 400, writing nothing', async () => {
    const { sid } = await outboundMessageSid();
    const params = { MessageSid: sid, MessageStatus: 'failed' };
    const forged = await stack.app.request('/webhooks/twilio/status', signedTwilioRequest('wrong', '/webhooks/twilio/status', params));
    expect(forged.status).toBe(403);
    const missing = await stack.sendStatus({ MessageSid: sid });
    expect(missing.status).toBe(400);
    expect((await json(missing)).error.field).toBe('MessageStatus');
    expect(await statusOf(sid)).toMatchObject({ status: 'sent' });
    expect(await stack.sql`select 1 from message_status_events where provider_sid = ${sid}`).toHaveLength(0);
  });

  // Twilio may post a status before its answer to messages.create reaches us, so a callback can run
  // while the messenger stores the MessageSid. Each test holds one side at the exact point where the
  // two writes cross (a held row or a held unique key in another transaction), as a busy machine may.
  describe('racing the send they report on', () => {
    /** Sends one text whose provider answers `sid` after `beforeAnswer`; resolves when the messenger is done. */
    const sendWith = (sid: string, phone: string, beforeAnswer: () => Promise<void>) => {
      const sender: Sender = {
        provider: 'twilio',
        async send() {
          await beforeAnswer();
          return { messageSid: sid, status: 'queued' };
        },
        call: () => Promise.reject(new Error('no calls here')),
      };
      const messenger = createMessenger({ sql: stack.sql, sender, callbackBaseUrl: undefined, log: pino({ level: 'silent' }) });
      return messenger.send({ clinicId: stack.clinic.id, phone, channel: 'sms', body: 'Your visit is at 10:00.', idempotencyKey: `race:${sid}` });
    };
    /** Resolves once a statement mentioning `text` waits on a lock. */
    const waitingOnLock = (text: string) =>
      vi.waitFor(
        async () => {
          const rows = await stack.sql`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like ${`%${text}%`}`;
          expect(rows).not.toHaveLength(0);
        },
        { timeout: 10_000, interval: 20 },
      );

    it('land when the callback began before the MessageSid was stored and ends after it', async () => {
      const sid = fakeSid();
      const phone = patientPhone();
      // Another transaction holds this receipt's key, so the callback takes its snapshot and then waits.
      const holder = await stack.sql.reserve();
      await holder`begin`;
      await holder`insert into message_status_events (provider_sid, status, error_code) values (${sid}, 'undelivered', 30006)`;
      const callback = stack.sendStatus({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30006' });
      await waitingOnLock('message_status_events');
      // Meanwhile the send completes and stores its MessageSid, seeing no receipt yet.
      expect(await sendWith(sid, phone, () => Promise.resolve())).toEqual({ outcome: 'sent', messageSid: sid });
      await holder`rollback`;
      holder.release();
      expect((await callback).status).toBe(204);
      expect(await statusOf(sid)).toEqual({ status: 'undelivered', error_code: 30006 });
    });

    it('land when the callback came and went while the MessageSid was being stored', async () => {
      const sid = fakeSid();
      const phone = patientPhone();
      const holder = await stack.sql.reserve();
      // The provider has answered; the messenger's write of the MessageSid waits on the held row.
      const sent = sendWith(sid, phone, async () => {
        await holder`begin`;
        await holder`select 1 from messages where idempotency_key = ${`race:${sid}`} for update`;
      });
      await waitingOnLock('provider_sid');
      // The callback runs to its end, before the MessageSid is there to find.
      expect((await stack.sendStatus({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30006' })).status).toBe(204);
      await holder`commit`;
      holder.release();
      expect(await sent).toEqual({ outcome: 'sent', messageSid: sid });
      expect(await statusOf(sid)).toEqual({ status: 'undelivered', error_code: 30006 });
    });

    it('land on a reminder call when the callback came and went while the CallSid was being stored', async () => {
      const callSid = `CA${fakeSid().slice(2)}`;
      const phone = patientPhone();
      const { id } = await bookThroughApi(stack, { phone, channel: 'sms' });
      const holder = await stack.sql.reserve();
      // Twilio has answered; the messenger's write of the CallSid waits on the held row.
      const sender: Sender = {
        provider: 'twilio',
        send: () => Promise.reject(new Error('no texts here')),
        async call() {
          await holder`begin`;
          await holder`select 1 from calls where idempotency_key = ${`race:${callSid}`} for update`;
          return { callSid, status: 'queued' };
        },
      };
      const messenger = createMessenger({ sql: stack.sql, sender, callbackBaseUrl: 'https://clinic.example', log: pino({ level: 'silent' }) });
      const placed = messenger.call({
        clinicId: stack.clinic.id,
        phone,
        language: 'en',
        idempotencyKey: `race:${callSid}`,
        appointmentId: id,
        deliveryKey: `race:${callSid}`,
      });
      await waitingOnLock('call_sid');
      // The callback runs to its end, before the CallSid is there to find.
      const busy = callStatusParams({ callSid, from: stack.clinicNumber, to: phone, direction: 'outbound-api', callStatus: 'busy' });
      expect((await stack.sendWebhook('/webhooks/twilio/voice/status', busy)).status).toBe(204);
      await holder`commit`;
      holder.release();
      expect(await placed).toEqual({ outcome: 'placed', callSid });
      expect(await stack.sql`select status from calls where call_sid = ${callSid}`).toEqual([{ status: 'busy' }]);
    });
  });
});
