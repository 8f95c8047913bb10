/**
 * Twilio's message status callbacks: out of order, repeated, for unknown messages, and forged.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { json, patientPhone, patientReply, type Stack, startStack, twimlText } from '../support/stack.js';
import { fakeSid, signedTwilioRequest } from '../support/twilioWebhooks.js';

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
});
