/**
 * Twilio's REST API (the local stand-in, fakeTwilioApi.ts) failing a send: a 500 and a 429 with
 * `Retry-After` are retried with backoff, the second no sooner than Twilio asked, and the text or call
 * goes out once; a refusal for good (21610 unsubscribed, 21211 invalid number, 63016 outside the
 * WhatsApp window) is tried once, recorded on the message row, and the ticket goes on.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTwilioSender } from '../../src/messaging/twilioSender.js';
import { startFakeTwilioApi, type FakeTwilioApi } from '../support/fakeTwilioApi.js';
import { json, patientPhone, patientReply, startStack, type Stack } from '../support/stack.js';

let twilioApi: FakeTwilioApi;
let stack: Stack;
beforeAll(async () => {
  twilioApi = await startFakeTwilioApi();
  const sender = createTwilioSender({
    accountSid: `AC${'2'.repeat(32)}`,
    authToken: 'local-auth-token',
    messagingServiceSid: undefined,
    httpClient: twilioApi.httpClient(),
  });
  stack = await startStack({ sender });
});
afterAll(async () => {
  await stack?.stop();
  await twilioApi?.close();
});

/** A patient in line, called to the desk by staff: the "you're next" text goes through Twilio. @returns the ticket's workflow ID. */
async function joinAndCall(phone: string): Promise<string> {
  const code = /ticket is ([A-Z]\d+)/.exec(await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN')))![1]!;
  expect((await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) })).status).toBe(200);
  const [ticket] = await stack.sql<{ workflow_id: string }[]>`select workflow_id from tickets where clinic_id = ${stack.clinic.id} and code = ${code}`;
  return ticket!.workflow_id;
}

const calledRow = async (workflowId: string) =>
  (
    await stack.sql<{ status: string; provider_sid: string | null; error_code: number | null }[]>`
    select status, provider_sid, error_code from messages where idempotency_key = ${`${workflowId}:called`}`
  )[0];

/** The final attempt of activity `type` in the workflow's history: its number, and how it ended. */
async function lastAttempt(workflowId: string, type: string): Promise<{ attempt: number; failure?: { type: string; nonRetryable: boolean } }> {
  const events = (await stack.temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === type)!;
  const started = events.find((e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled.eventId))!;
  const failed = events.find((e) => String(e.activityTaskFailedEventAttributes?.scheduledEventId) === String(scheduled.eventId));
  const info = failed?.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo;
  return {
    attempt: started.activityTaskStartedEventAttributes!.attempt!,
    ...(info == null ? {} : { failure: { type: info.type!, nonRetryable: info.nonRetryable === true } }),
  };
}

describe('a send that meets retryable errors', () => {
  it('is retried with backoff, waits as long as Retry-After asks, and is sent once', async () => {
    const phone = patientPhone();
    twilioApi.setAnswers(phone, [
      { kind: 'outage', httpStatus: 500 },
      { kind: 'throttled', retryAfterSeconds: 4 },
    ]);
    const workflowId = await joinAndCall(phone);
    const row = await vi.waitFor(
      async () => {
        const found = await calledRow(workflowId);
        if (found?.provider_sid == null) throw new Error('not sent yet');
        return found;
      },
      { timeout: 60_000, interval: 250 },
    );
    const requests = twilioApi.requestsTo(phone, 'messages');
    expect(requests).toHaveLength(3);
    // Temporal's backoff (1 s after the first failure) …
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(900);
    // … and Twilio's Retry-After (4 s), where the policy alone would have waited 2 s.
    expect(requests[2]!.at - requests[1]!.at).toBeGreaterThanOrEqual(3_900);
    expect(row).toMatchObject({ status: 'queued', provider_sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), error_code: null });
    expect(await lastAttempt(workflowId, 'sendTicketNotice')).toEqual({ attempt: 3 });
  });

  it('places a reminder call once after a 429 with Retry-After', async () => {
    const phone = patientPhone();
    const booked = await stack.api('/api/appointments', {
      method: 'POST',
      body: JSON.stringify({
        patient_name: 'Ana Lopez',
        phone,
        starts_at: new Date(Date.now() + 3 * 86_400_000).toISOString(),
        duration_minutes: 30,
        provider: 'Dr Ramirez',
        service: 'Checkup',
        channel: 'voice',
      }),
    });
    const { id } = (await json(booked)) as { id: string };
    // The booking's confirmation goes by SMS first; then the reminder call meets the 429.
    await vi.waitFor(async () => expect(await stack.sql`select 1 from messages where appointment_id = ${id} and provider_sid is not null`).toHaveLength(1), {
      timeout: 30_000,
    });
    twilioApi.setAnswers(phone, [{ kind: 'throttled', retryAfterSeconds: 3 }]);
    expect((await stack.api(`/api/appointments/${id}/remind`, { method: 'POST' })).status).toBe(200);
    const calls = await vi.waitFor(
      async () => {
        const rows = await stack.sql<{ call_sid: string | null }[]>`select call_sid from calls where appointment_id = ${id}`;
        if (rows[0]?.call_sid == null) throw new Error('not placed yet');
        return rows;
      },
      { timeout: 60_000, interval: 250 },
    );
    expect(calls).toEqual([{ call_sid: expect.stringMatching(/^CA[0-9a-f]{32}$/) }]);
    const requests = twilioApi.requestsTo(phone, 'calls');
    expect(requests).toHaveLength(2);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(2_900);
  });
});

describe('a send Twilio refuses for good', () => {
  it.each([
    [21610, 'Attempt to send to unsubscribed recipient'],
    [21211, "The 'To' number is not a valid phone number."],
    [63016, 'Failed to send freeform message because you are outside the allowed window.'],
  ])('%i is tried once, recorded on the message row, and the ticket goes on', async (code, message) => {
    const phone = patientPhone();
    twilioApi.setAnswer(phone, { kind: 'refused', code, message });
    const workflowId = await joinAndCall(phone);
    await vi.waitFor(async () => expect(await calledRow(workflowId)).toEqual({ status: 'failed', provider_sid: null, error_code: code }), {
      timeout: 30_000,
      interval: 250,
    });
    expect(await lastAttempt(workflowId, 'sendTicketNotice')).toEqual({ attempt: 1, failure: { type: 'MessageRejected', nonRetryable: true } });
    expect(twilioApi.requestsTo(phone, 'messages')).toHaveLength(1);
    const optedOut = await stack.sql`select 1 from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`;
    expect(optedOut).toHaveLength(code === 21610 ? 1 : 0);
    // The ticket is not stuck on its text: staff move it on.
    const [ticket] = await stack.sql<{ code: string }[]>`select code from tickets where workflow_id = ${workflowId}`;
    expect((await stack.api(`/api/tickets/${ticket!.code}/state`, { method: 'POST', body: JSON.stringify({ state: 'in_room' }) })).status).toBe(200);
  });
});
