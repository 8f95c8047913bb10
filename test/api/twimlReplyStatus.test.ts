/**
 * A reply given inside the TwiML answer to a patient's text: Twilio sends it under a MessageSid of its
 * own and reports its statuses to the `<Message>` verb's action, which names the text it answered, so
 * staff see it `sent`, `delivered` or `undelivered` like any other text instead of `accepted` for ever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';
import { fakeSid, messageStatusParams, PUBLIC_BASE_URL, signTwilio } from '../support/twilioWebhooks.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

/** Texts JOIN from a new number. @returns the number, the reply's text and the path (with query) its `<Message action>` points at, as Twilio resolves it. */
async function joinAndReply(): Promise<{ phone: string; reply: string; actionPath: string }> {
  const phone = patientPhone();
  const response = await stack.sendSms(phone, 'JOIN');
  const twiml = await response.clone().text();
  const action = /<Message\b[^>]*\baction="([^"]*)"/.exec(twiml)?.[1]?.replace(/&amp;/g, '&');
  expect(action, twiml).toBeDefined();
  const resolved = new URL(action!, `${PUBLIC_BASE_URL}/webhooks/twilio/sms`);
  expect(resolved.origin).toBe(PUBLIC_BASE_URL);
  return { phone, reply: await twimlText(response), actionPath: `${resolved.pathname}${resolved.search}` };
}

/** The patient's outbound texts as GET /api/messages lists them. */
async function outboundLog(phone: string): Promise<{ body: string; status: string; error_code: number | null }[]> {
  const log = await json(await stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`));
  return log.messages.filter((m: { direction: string }) => m.direction === 'outbound');
}

describe('a reply given as TwiML', () => {
  it('is delivered in the message log once Twilio reports it to the action its <Message> carried', async () => {
    const { phone, reply, actionPath } = await joinAndReply();
    expect(reply).toMatch(/ticket is/);
    expect(await outboundLog(phone)).toEqual([expect.objectContaining({ body: reply, status: 'accepted' })]);

    // Twilio's status callbacks for it: its own MessageSid, nothing naming the text it answered.
    const replySid = fakeSid('SM');
    const sent = await stack.sendWebhook(actionPath, messageStatusParams({ messageSid: replySid, messageStatus: 'sent' }));
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('<Response/>');
    expect(await outboundLog(phone)).toEqual([expect.objectContaining({ body: reply, status: 'sent' })]);
    await stack.sendWebhook(actionPath, messageStatusParams({ messageSid: replySid, messageStatus: 'delivered' }));
    expect(await outboundLog(phone)).toEqual([expect.objectContaining({ body: reply, status: 'delivered', error_code: null })]);
    expect(await stack.sql`select status from messages where provider_sid = ${replySid}`).toEqual([{ status: 'delivered' }]);
  });

  it('shows undelivered with its error code when the reply does not arrive', async () => {
    const { phone, reply, actionPath } = await joinAndReply();
    const replySid = fakeSid('SM');
    await stack.sendWebhook(actionPath, messageStatusParams({ messageSid: replySid, messageStatus: 'sent' }));
    await stack.sendWebhook(actionPath, messageStatusParams({ messageSid: replySid, messageStatus: 'undelivered', errorCode: 30003 }));
    expect(await outboundLog(phone)).toEqual([expect.objectContaining({ body: reply, status: 'undelivered', error_code: 30003 })]);
  });

  it('keeps the first MessageSid: a second copy of the reply (a retried webhook) does not take the row', async () => {
    const { phone, actionPath } = await joinAndReply();
    const first = fakeSid('SM');
    const second = fakeSid('SM');
    await stack.sendWebhook(actionPath, messageStatusParams({ messageSid: first, messageStatus: 'delivered' }));
    await stack.sendWebhook(actionPath, messageStatusParams({ messageSid: second, messageStatus: 'failed', errorCode: 30007 }));
    expect(await outboundLog(phone)).toEqual([expect.objectContaining({ status: 'delivered', error_code: null })]);
  });

  it('refuses a reply_to that is no MessageSid with 400 naming it, and a forged one with 403, writing nothing', async () => {
    const { phone } = await joinAndReply();
    const params = messageStatusParams({ messageSid: fakeSid('SM'), messageStatus: 'delivered' });
    const bad = await stack.sendWebhook('/webhooks/twilio/status?reply_to=nope', params);
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.field).toBe('reply_to');
    const [inbound] = await stack.sql`select provider_sid from messages where phone = ${phone} and direction = 'inbound'`;
    // Signed over another reply_to than the one posted: the signature covers the query.
    const forged = await stack.app.request(`/webhooks/twilio/status?reply_to=${inbound!.provider_sid}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': signTwilio(stack.twilioAuthToken, `/webhooks/twilio/status?reply_to=${fakeSid('SM')}`, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(forged.status).toBe(403);
    expect(await outboundLog(phone)).toEqual([expect.objectContaining({ status: 'accepted' })]);
  });
});
