/**
 * Replies that did not reach the patient the first time: a late reply Twilio refused with a 5xx is
 * sent again by the sweep, once; an old START cut off by a restart is never replayed over a later
 * STOP; a Twilio retry of a message still being handled gets the first attempt's reply.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerStrandedMessages } from '../../src/inbound/answerStrandedMessages.js';
import { textReplyWhenReady } from '../../src/inbound/receiveInboundMessage.js';
import { createMessenger } from '../../src/messaging/messenger.js';
import { startFakeTwilioApi, type FakeTwilioApi } from '../support/fakeTwilioApi.js';
import { fakeSid, patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
let twilioApi: FakeTwilioApi;
beforeAll(async () => {
  stack = await startStack({ replyDeadlineMs: 15_000 });
  twilioApi = await startFakeTwilioApi();
});
afterAll(async () => {
  await twilioApi.close();
  await stack.stop();
});

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** What the API process sweeps with, sending through Twilio's REST API (the local stand-in). */
function sweepDeps() {
  const messenger = createMessenger({ sql: stack.sql, sender: twilioApi.sender({ timeoutMs: 2000 }), callbackBaseUrl: undefined, log });
  return { sql: stack.sql, temporal: stack.temporal, taskQueue: stack.taskQueue, log, messenger };
}

/** Logs an inbound message as the webhook does, `minutesAgo` old. */
async function logInbound(phone: string, body: string, minutesAgo: number, replyVia: string | null = null): Promise<string> {
  const sid = fakeSid();
  await stack.sql`
    insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, provider_sid, status, reply_via, processing_started_at, created_at, updated_at)
    values (${stack.clinic.id}, 'inbound', 'sms', ${phone}, ${phone}, ${stack.clinicNumber}, ${body}, ${sid}, 'received', ${replyVia},
            now() - make_interval(mins => ${minutesAgo}), now() - make_interval(mins => ${minutesAgo}), now() - make_interval(mins => ${minutesAgo}))`;
  return sid;
}

describe('a late reply Twilio refused with a 5xx', () => {
  it('is sent again by the sweep, and the patient gets it exactly once', async () => {
    const deps = sweepDeps();
    const phone = patientPhone();
    const messageSid = await logInbound(phone, 'JOIN', 1);
    twilioApi.setAnswer(phone, { kind: 'outage' });
    const message = {
      clinic: stack.clinic,
      from: { phone, channel: 'sms' as const },
      body: 'JOIN',
      messageSid,
      fromAddress: phone,
      toAddress: stack.clinicNumber,
    };
    await textReplyWhenReady(deps, message, Promise.resolve('Test Clinic: your ticket is Z1.'));
    expect(twilioApi.requestsTo(phone, 'messages')).toHaveLength(1);

    twilioApi.clearAnswer(phone);
    // The sweep leaves a reply alone for STALE_AFTER_SECONDS after its last attempt: let that pass.
    await stack.sql`update messages set updated_at = now() - interval '1 minute' where provider_sid = ${messageSid}`;
    // The sweep takes up every clinic's stranded texts (other test files' too): count this patient's texts below.
    expect(await answerStrandedMessages(deps)).toBeGreaterThanOrEqual(1);
    await answerStrandedMessages(deps);

    const sent = twilioApi.requestsTo(phone, 'messages');
    expect(sent).toHaveLength(2); // the refused attempt, then the one that went through
    expect(sent[1]!.form.Body).toBe('Test Clinic: your ticket is Z1.');
    const outbound = await stack.sql`select provider_sid from messages where clinic_id = ${stack.clinic.id} and phone = ${phone} and direction = 'outbound'`;
    expect(outbound).toHaveLength(1);
    expect(outbound[0]!.provider_sid).not.toBeNull();
  });
});

describe('an opt-in cut off by a restart', () => {
  it('is not replayed over the STOP the patient sent after it', async () => {
    const phone = patientPhone();
    await logInbound(phone, 'START', 3);
    await logInbound(phone, 'STOP', 2, 'none');
    await stack.sql`insert into opt_outs (clinic_id, phone, keyword) values (${stack.clinic.id}, ${phone}, 'STOP')`;

    await answerStrandedMessages(sweepDeps());
    expect(await stack.sql`select 1 from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`).toHaveLength(1);
    expect(twilioApi.requestsTo(phone, 'messages')).toHaveLength(0);
  });

  it('is still replayed when nothing came after it', async () => {
    const phone = patientPhone();
    await logInbound(phone, 'STOP', 2);
    await answerStrandedMessages(sweepDeps());
    expect(await stack.sql`select keyword from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`).toEqual([{ keyword: 'STOP' }]);
  });
});

describe('a Twilio retry of a message still being handled', () => {
  it('gets the reply of the first attempt, not an empty answer', async () => {
    await stack.stopWorker();
    const phone = patientPhone();
    const messageSid = fakeSid();
    const first = stack.sendSms(phone, 'JOIN', { messageSid });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const retry = stack.sendSms(phone, 'JOIN', { messageSid });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await stack.startWorker();
    const [firstReply, retryReply] = await Promise.all([first.then(twimlText), retry.then(twimlText)]);
    expect(firstReply).toMatch(/your ticket is [A-Z]\d+/);
    expect(retryReply).toBe(firstReply);
  });
});
