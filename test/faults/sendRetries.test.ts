/**
 * Twilio's REST API (the local stand-in, fakeTwilioApi.ts) failing a send: a 500 and a 429 with
 * `Retry-After` are retried with backoff, the second no sooner than Twilio asked, and the text or call
 * goes out once; one whose answer is lost (Twilio made it, then the connection was reset) is found at
 * Twilio by the retry and not sent or placed again (a reminder call so placed is kept even when its
 * question closed before the retry); a refusal for good (21610 unsubscribed, 21211 invalid number, 63016 outside the
 * WhatsApp window) is tried once, recorded on the message row, and the ticket goes on; a "taken"
 * notice refused for good leaves the filled slot booked and the other patients told.
 */
import { describe, expect, it, vi } from 'vitest';
import { bookThroughApi } from '../support/apiBooking.js';
import { patientPhone, patientReply } from '../support/stack.js';
import { twilioStackSuite } from '../support/twilioStackSuite.js';
import { addProvider, logCancellation, waitlistPatient } from '../support/waitlist.js';

const suite = twilioStackSuite();

/**
 * A patient in line, called to the desk by staff: the "you're next" text goes through Twilio, which
 * answers as `answers` say from then on (the JOIN's reply, late on a loaded machine, goes before).
 * @returns the ticket's workflow ID.
 */
async function joinAndCall(phone: string, answers: () => void): Promise<string> {
  const code = /ticket is ([A-Z]\d+)/.exec(await patientReply(suite.stack, phone, await suite.stack.sendSms(phone, 'JOIN')))![1]!;
  await vi.waitFor(async () =>
    expect(
      await suite.stack.sql`select 1 from messages where phone = ${phone} and direction = 'outbound' and provider_sid is null and status <> 'accepted'`,
    ).toHaveLength(0),
  );
  answers();
  expect((await suite.stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) })).status).toBe(200);
  const [ticket] = await suite.stack.sql<
    { workflow_id: string }[]
  >`select workflow_id from tickets where clinic_id = ${suite.stack.clinic.id} and code = ${code}`;
  return ticket!.workflow_id;
}

const calledRow = async (workflowId: string) =>
  (
    await suite.stack.sql<{ status: string; provider_sid: string | null; error_code: number | null }[]>`
    select status, provider_sid, error_code from messages where idempotency_key = ${`${workflowId}:called`}`
  )[0];

/** The requests Twilio got for the "you're next" text of `workflowId`. */
async function calledRequests(workflowId: string, phone: string) {
  const [row] = await suite.stack.sql<{ body: string }[]>`select body from messages where idempotency_key = ${`${workflowId}:called`}`;
  return suite.twilioApi.requestsTo(phone, 'messages').filter((r) => r.form.Body === row!.body);
}

/** The final attempt of activity `type` in the workflow's history: its number, and how it ended. */
async function lastAttempt(workflowId: string, type: string): Promise<{ attempt: number; failure?: { type: string; nonRetryable: boolean } }> {
  const events = (await suite.stack.temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
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
    const workflowId = await joinAndCall(phone, () =>
      suite.twilioApi.setAnswers(phone, [
        { kind: 'outage', httpStatus: 500 },
        { kind: 'throttled', retryAfterSeconds: 4 },
      ]),
    );
    const row = await vi.waitFor(
      async () => {
        const found = await calledRow(workflowId);
        if (found?.provider_sid == null) throw new Error('not sent yet');
        return found;
      },
      { timeout: 60_000, interval: 250 },
    );
    const requests = await calledRequests(workflowId, phone);
    expect(requests).toHaveLength(3);
    // Temporal's backoff (1 s after the first failure) …
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(900);
    // … and Twilio's Retry-After (4 s), where the policy alone would have waited 2 s.
    expect(requests[2]!.at - requests[1]!.at).toBeGreaterThanOrEqual(3_900);
    expect(row).toMatchObject({ status: 'queued', provider_sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), error_code: null });
    expect(await lastAttempt(workflowId, 'sendTicketNotice')).toEqual({ attempt: 3 });
    // Twilio answered each failed try, so none had sent it: no lookup.
    expect(suite.twilioApi.requestsTo(phone, 'messages').filter((r) => r.method === 'GET')).toHaveLength(0);
  });

  it('places a reminder call once after a 429 with Retry-After', async () => {
    const { id, phone } = await bookThroughApi(suite.stack, { channel: 'voice', patientName: 'Ana Lopez', provider: 'Dr Ramirez', service: 'Checkup' });
    // The booking's confirmation goes by SMS first; then the reminder call meets the 429.
    await vi.waitFor(
      async () => expect(await suite.stack.sql`select 1 from messages where appointment_id = ${id} and provider_sid is not null`).toHaveLength(1),
      {
        timeout: 30_000,
      },
    );
    suite.twilioApi.setAnswers(phone, [{ kind: 'throttled', retryAfterSeconds: 3 }]);
    expect((await suite.stack.api(`/api/appointments/${id}/remind`, { method: 'POST' })).status).toBe(200);
    const calls = await vi.waitFor(
      async () => {
        const rows = await suite.stack.sql<{ call_sid: string | null }[]>`select call_sid from calls where appointment_id = ${id}`;
        if (rows[0]?.call_sid == null) throw new Error('not placed yet');
        return rows;
      },
      { timeout: 60_000, interval: 250 },
    );
    expect(calls).toEqual([{ call_sid: expect.stringMatching(/^CA[0-9a-f]{32}$/) }]);
    const requests = suite.twilioApi.requestsTo(phone, 'calls');
    expect(requests).toHaveLength(2);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(2_900);
  });
});

describe('a send whose answer from Twilio is lost', () => {
  it('is found at Twilio by the retry: the patient gets one text, and the log holds the MessageSid Twilio made', async () => {
    const phone = patientPhone();
    const workflowId = await joinAndCall(phone, () => suite.twilioApi.setAnswers(phone, [{ kind: 'lost' }]));
    const row = await vi.waitFor(
      async () => {
        const [found] = await suite.stack.sql<{ provider_sid: string | null; body: string; note: string | null; send_error: string | null }[]>`
          select provider_sid, body, note, send_error from messages where idempotency_key = ${`${workflowId}:called`}`;
        if (found?.provider_sid == null) throw new Error('not sent yet');
        return found;
      },
      { timeout: 60_000, interval: 250 },
    );
    // What reached the patient: Twilio made one "you're next" text, and it is the one the log holds.
    const made = suite.twilioApi.made.filter((m) => m.resource === 'messages' && m.json.to === phone && m.json.body === row.body);
    expect(made.map((m) => m.json.sid)).toEqual([row.provider_sid]);
    expect(row).toMatchObject({ note: 'found at Twilio after a lost answer: not sent again', send_error: null });
    expect(await calledRequests(workflowId, phone)).toHaveLength(1);
    // One lookup, by the retry.
    expect(suite.twilioApi.requestsTo(phone, 'messages').filter((r) => r.method === 'GET')).toHaveLength(1);
    expect(await lastAttempt(workflowId, 'sendTicketNotice')).toEqual({ attempt: 2 });
  });

  it('places a reminder call once: the retry finds the call Twilio placed and keeps its CallSid', async () => {
    const { id, phone } = await bookThroughApi(suite.stack, { channel: 'voice', patientName: 'Ana Lopez', provider: 'Dr Ramirez', service: 'Checkup' });
    await vi.waitFor(
      async () => expect(await suite.stack.sql`select 1 from messages where appointment_id = ${id} and provider_sid is not null`).toHaveLength(1),
      { timeout: 30_000 },
    );
    suite.twilioApi.setAnswers(phone, [{ kind: 'lost' }]);
    expect((await suite.stack.api(`/api/appointments/${id}/remind`, { method: 'POST' })).status).toBe(200);
    const calls = await vi.waitFor(
      async () => {
        const rows = await suite.stack.sql<{ call_sid: string | null; note: string | null }[]>`select call_sid, note from calls where appointment_id = ${id}`;
        if (rows[0]?.call_sid == null) throw new Error('not placed yet');
        return rows;
      },
      { timeout: 60_000, interval: 250 },
    );
    const made = suite.twilioApi.made.filter((m) => m.resource === 'calls' && m.json.to === phone);
    expect(made.map((m) => m.json.sid)).toEqual([calls[0]!.call_sid]);
    expect(calls).toEqual([{ call_sid: made[0]!.json.sid, note: 'found at Twilio after a lost answer: not placed again' }]);
    expect(suite.twilioApi.requestsTo(phone, 'calls').filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('is not withdrawn when its question closes before the retry: the call Twilio placed is adopted, with its CallSid', async () => {
    const { id, phone } = await bookThroughApi(suite.stack, { channel: 'voice', patientName: 'Ana Lopez', provider: 'Dr Ramirez', service: 'Checkup' });
    await vi.waitFor(
      async () => expect(await suite.stack.sql`select 1 from messages where appointment_id = ${id} and provider_sid is not null`).toHaveLength(1),
      { timeout: 30_000 },
    );
    // Twilio places the reminder call; its answer is lost only once the patient has answered YES by text.
    let answered!: () => void;
    suite.twilioApi.setAnswers(phone, [{ kind: 'lost', until: new Promise<void>((resolve) => (answered = resolve)) }]);
    expect((await suite.stack.api(`/api/appointments/${id}/remind`, { method: 'POST' })).status).toBe(200);
    const madeCalls = () => suite.twilioApi.made.filter((m) => m.resource === 'calls' && m.json.to === phone);
    await expect.poll(() => madeCalls().length, { timeout: 30_000 }).toBe(1);
    expect((await suite.stack.sendSms(phone, 'YES')).status).toBe(200);
    const open = async () =>
      (
        await suite.stack.sql`
          select 1 from patient_prompts p join appointments a on a.workflow_id = p.workflow_id
          where a.id = ${id} and p.kind = 'appointment_reminder' and p.closed_at is null`
      ).length;
    await expect.poll(open, { timeout: 30_000 }).toBe(0);
    answered();
    // The retry finds the call ringing at Twilio: it keeps its CallSid instead of recording it "not placed".
    const row = await vi.waitFor(
      async () => {
        const [found] = await suite.stack.sql<{ call_sid: string | null; status: string; note: string | null }[]>`
          select call_sid, status, note from calls where appointment_id = ${id}`;
        if (found?.call_sid == null && found?.status !== 'canceled') throw new Error('not settled yet');
        return found;
      },
      { timeout: 60_000, interval: 250 },
    );
    expect(row).toEqual({ call_sid: madeCalls()[0]!.json.sid, status: 'queued', note: 'found at Twilio after a lost answer: not placed again' });
    expect(suite.twilioApi.requestsTo(phone, 'calls').filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

describe('a send Twilio refuses for good', () => {
  it.each([
    [21610, 'Attempt to send to unsubscribed recipient'],
    [21211, "The 'To' number is not a valid phone number."],
    [63016, 'Failed to send freeform message because you are outside the allowed window.'],
  ])('%i is tried once, recorded on the message row, and the ticket goes on', async (code, message) => {
    const phone = patientPhone();
    const workflowId = await joinAndCall(phone, () => suite.twilioApi.setAnswer(phone, { kind: 'refused', code, message }));
    await vi.waitFor(async () => expect(await calledRow(workflowId)).toEqual({ status: 'failed', provider_sid: null, error_code: code }), {
      timeout: 30_000,
      interval: 250,
    });
    expect(await lastAttempt(workflowId, 'sendTicketNotice')).toEqual({ attempt: 1, failure: { type: 'MessageRejected', nonRetryable: true } });
    expect(await calledRequests(workflowId, phone)).toHaveLength(1);
    const optedOut = await suite.stack.sql`select 1 from opt_outs where clinic_id = ${suite.stack.clinic.id} and phone = ${phone}`;
    expect(optedOut).toHaveLength(code === 21610 ? 1 : 0);
    // The ticket is not stuck on its text: staff move it on.
    const [ticket] = await suite.stack.sql<{ code: string }[]>`select code from tickets where workflow_id = ${workflowId}`;
    expect((await suite.stack.api(`/api/tickets/${ticket!.code}/state`, { method: 'POST', body: JSON.stringify({ state: 'in_room' }) })).status).toBe(200);
  });
});

describe('an offer notice Twilio refuses for good', () => {
  it('is recorded, and the slot stays booked and the others are still told', { timeout: 90_000 }, async () => {
    const settings = await suite.stack.api('/api/clinic', {
      method: 'PATCH',
      body: JSON.stringify({ contact_hours_start: '00:00', contact_hours_end: '23:59', offer_batch_size: 3 }),
    });
    expect(settings.status, await settings.text()).toBe(200);
    const providerId = await addProvider(suite.stack, 'Dr Refused');
    const [winner, refused, told] = [
      await waitlistPatient(suite.stack, providerId),
      await waitlistPatient(suite.stack, providerId),
      await waitlistPatient(suite.stack, providerId),
    ];
    // The offer goes through; the "taken" notice meets 21610 (the patient unsubscribed meanwhile).
    suite.twilioApi.setAnswer(refused, (request) =>
      String(request.form.Body).includes(' taken')
        ? { kind: 'refused', code: 21610, message: 'Attempt to send to unsubscribed recipient' }
        : { kind: 'created' },
    );
    const { id, workflow_id: workflowId } = await logCancellation(suite.stack, providerId);
    const offerTexts = () =>
      suite.stack.sql`select 1 from messages m join offers o on o.id = m.offer_id where o.cancellation_id = ${id} and m.provider_sid is not null`;
    await vi.waitFor(async () => expect(await offerTexts()).toHaveLength(3), { timeout: 30_000, interval: 250 });

    expect(await patientReply(suite.stack, winner, await suite.stack.sendSms(winner, 'YES'))).toMatch(/^Test Clinic: Confirmed\./);
    const notice = (phone: string) =>
      suite.stack.sql<{ status: string; error_code: number | null }[]>`
        select m.status, m.error_code from messages m join offers o on o.id = m.offer_id
        where o.cancellation_id = ${id} and m.phone = ${phone} and m.idempotency_key like '%:offer_taken'`;
    await vi.waitFor(async () => expect(await notice(refused)).toEqual([{ status: 'failed', error_code: 21610 }]), { timeout: 30_000, interval: 250 });
    await vi.waitFor(async () => expect(await notice(told)).toEqual([expect.objectContaining({ error_code: null })]), { timeout: 30_000, interval: 250 });

    const [slot] = await suite.stack.sql<{ status: string; phone: string }[]>`
      select c.status, a.phone from cancellation_events c join appointments a on a.id = c.filled_by_appointment_id where c.id = ${id}`;
    expect(slot).toEqual({ status: 'filled', phone: winner });
    // Still running, as it does until the last hold ends (before, the refused notice failed it here).
    expect((await suite.stack.temporal.workflow.getHandle(workflowId).describe()).status.name).toBe('RUNNING');
  });
});
