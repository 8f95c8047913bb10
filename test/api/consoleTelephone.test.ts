/**
 * The console provider as a full stand-in for Twilio: a placed reminder call rings through the real
 * app's voice webhooks, the phone simulator presses a key, and numbers set to busy or a machine behave
 * so; texts report their receipts, a landline's undelivered.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { createDataConverter } from '../../src/temporal/dataConverter.js';
import { appointmentMessageKey, type DeliveryReceipt } from '../../src/workflows/appointmentDefinitions.js';
import { json, patientPhone, startStack, TEST_PAYLOAD_KEYS, type Stack } from '../support/stack.js';
import { signedTwilioRequest } from '../support/twilioWebhooks.js';
import { bookThroughApi } from '../support/apiBooking.js';

let stack: Stack;
// Node warns once per signal: collected from the start, so an earlier test's warning counts too.
const warnings: string[] = [];
const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
beforeAll(async () => {
  process.on('warning', onWarning);
  stack = await startStack({ consoleTelephone: true });
});
afterAll(async () => {
  process.off('warning', onWarning);
  await stack?.stop();
});

/** A booked appointment (its reminder prompt open when `reminded`). */
async function appointment(reminded: boolean, channel: 'sms' | 'voice' = 'sms') {
  const { id, workflowId, phone } = await bookThroughApi(stack, { channel });
  if (reminded) {
    await stack.api(`/api/appointments/${id}/remind`, { method: 'POST' });
    await vi.waitFor(
      async () => expect(await stack.sql`select 1 from patient_prompts where workflow_id = ${workflowId} and closed_at is null`).toHaveLength(1),
      { timeout: 15_000 },
    );
  }
  return { id, workflowId, phone };
}

/** Places a reminder call for appointment `a` through the messenger, keyed as its chain keys a reminder about its start. */
async function placeCall(a: { id: string; phone: string }, note?: string): Promise<string> {
  const [row] = await stack.sql<{ starts_at: Date }[]>`select starts_at from appointments where id = ${a.id}`;
  const placed = await stack.messenger.call({
    clinicId: stack.clinic.id,
    phone: a.phone,
    language: 'en',
    idempotencyKey: randomUUID(),
    appointmentId: a.id,
    deliveryKey: appointmentMessageKey(a.id, row!.starts_at.toISOString(), 'reminder', 1),
    ...(note === undefined ? {} : { note }),
  });
  if (placed.outcome === 'suppressed') throw new Error('suppressed');
  return placed.callSid;
}

/** The delivery receipts signalled to workflow `workflowId` (of stack `on`), decoded (payloads are encrypted in history). */
async function receiptsSignalled(workflowId: string, on: Stack = stack): Promise<DeliveryReceipt[]> {
  const [codec] = createDataConverter(TEST_PAYLOAD_KEYS).payloadCodecs!;
  const history = await on.temporal.workflow.getHandle(workflowId).fetchHistory();
  const signals = (history.events ?? []).map((e) => e.workflowExecutionSignaledEventAttributes).filter((a) => a?.signalName === 'deliveryReceipt');
  const receipts: DeliveryReceipt[] = [];
  for (const signal of signals) {
    const [payload] = await codec!.decode(signal!.input!.payloads!);
    receipts.push(defaultPayloadConverter.fromPayload<DeliveryReceipt>(payload!));
  }
  return receipts;
}

const callOf = async (sid: string) =>
  (await stack.sql`select status, answered_by, note, outcome_note, console_gather_url from calls where call_sid = ${sid}`)[0];
const eventsOf = async (sid: string) =>
  (await stack.sql`select status from call_status_events where call_sid = ${sid} order by id`).map((r) => r.status as string);
const pressKeys = (sid: string, digits: string) => {
  const path = `/webhooks/console/calls/${sid}/digits`;
  return stack.app.request(path, signedTwilioRequest(stack.twilioAuthToken, path, { Digits: digits }));
};

describe('a voice appointment with no Twilio account', () => {
  it('is reminded by a console call from its chain; 1 on the keypad confirms it, and an SMS says so', async () => {
    const a = await appointment(true, 'voice');
    const [call] = await vi.waitFor(
      async () => {
        const rows = await stack.sql<{ call_sid: string; console_gather_url: string | null }[]>`
          select call_sid, console_gather_url from calls where appointment_id = ${a.id} and call_sid is not null`;
        expect(rows[0]?.console_gather_url).toMatch(/\/gather\?attempt=1$/);
        return rows;
      },
      { timeout: 15_000 },
    );
    const pressed = await pressKeys(call!.call_sid, '1');
    expect(await pressed.text()).toMatch(/is confirmed\..*<Hangup\/>/);
    expect(((await json(await stack.api(`/api/appointments/${a.id}`))) as { status: string }).status).toBe('confirmed');
    await vi.waitFor(
      async () => {
        const { deliveries } = (await json(await stack.api(`/api/appointments/${a.id}`))) as {
          deliveries: { kind: string; attempts: { channel: string; status: string; choice: string | null }[] }[];
        };
        expect(deliveries.find((d) => d.kind === 'reminder')?.attempts).toEqual([
          expect.objectContaining({ channel: 'voice', status: 'completed', choice: 'confirm' }),
        ]);
        expect(deliveries.find((d) => d.kind === 'call_reply')?.attempts).toEqual([expect.objectContaining({ channel: 'sms' })]);
      },
      { timeout: 15_000 },
    );
    const texts = await stack.sql<{ body: string; channel: string }[]>`
      select body, channel from messages where appointment_id = ${a.id} and direction = 'outbound' order by id`;
    expect(texts.map((t) => t.channel)).toEqual(['sms', 'sms']);
    expect(texts[1]!.body).toMatch(/is confirmed/);
  });
});

describe('a voice appointment on a landline with no Twilio account', () => {
  it('hears on 2 (another time) to call the clinic, and staff see on the appointment that the patient asked', async () => {
    const phone = patientPhone();
    const set = await stack.api(`/api/console/phones/${encodeURIComponent(phone)}`, { method: 'PUT', body: JSON.stringify({ sms: 'undelivered' }) });
    expect(set.status).toBe(200);
    const { id } = await bookThroughApi(stack, { channel: 'voice', phone });
    // The booking confirmation goes by SMS and comes back 30006: the number is known to be a landline.
    await vi.waitFor(async () => expect(await stack.sql`select 1 from messages where appointment_id = ${id} and error_code = 30006`).toHaveLength(1), {
      timeout: 15_000,
    });
    expect((await stack.api(`/api/appointments/${id}/remind`, { method: 'POST' })).status).toBe(200);
    const [call] = await vi.waitFor(
      async () => {
        const rows = await stack.sql<{ call_sid: string; console_gather_url: string | null }[]>`
          select call_sid, console_gather_url from calls where appointment_id = ${id} and call_sid is not null`;
        expect(rows[0]?.console_gather_url).toMatch(/\/gather\?attempt=1$/);
        return rows;
      },
      { timeout: 15_000 },
    );
    const pressed = await pressKeys(call!.call_sid, '2');
    expect(await pressed.text()).toMatch(/To choose another time, please call us at .*<Hangup\/>/);
    await vi.waitFor(async () => expect(await callOf(call!.call_sid)).toMatchObject({ status: 'completed' }), { timeout: 10_000 });
    const read = (await json(await stack.api(`/api/appointments/${id}`))) as { status: string; another_time_asked_at: string | null };
    expect(read).toMatchObject({ status: 'booked', another_time_asked_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });
  });
});

describe('a console reminder call', () => {
  it('rings, is answered, waits for a key; 1 confirms the appointment and the call completes', async () => {
    const a = await appointment(true);
    const sid = await placeCall(a);
    expect(sid).toMatch(/^CA[0-9a-f]{32}$/);
    await vi.waitFor(async () => expect((await callOf(sid))?.console_gather_url).toMatch(/\/gather\?attempt=1$/), { timeout: 10_000 });
    expect(await eventsOf(sid)).toEqual(['initiated', 'ringing', 'in-progress']);
    expect(await callOf(sid)).toMatchObject({ status: 'in-progress', answered_by: 'human' });

    const pressed = await pressKeys(sid, '1');
    expect(pressed.status).toBe(200);
    expect(await pressed.text()).toMatch(/is confirmed\..*<Hangup\/>/);
    expect(((await json(await stack.api(`/api/appointments/${a.id}`))) as { status: string }).status).toBe('confirmed');
    await vi.waitFor(async () => expect(await callOf(sid)).toMatchObject({ status: 'completed', console_gather_url: null }), { timeout: 10_000 });
    expect(await stack.sql`select body from messages where idempotency_key = ${`call:${sid}:reply`}`).toHaveLength(1);
    // The chain heard the call's final status once (its texts' receipts are signalled too).
    await vi.waitFor(
      async () => expect((await receiptsSignalled(a.workflowId)).filter((r) => r.sid === sid)).toEqual([expect.objectContaining({ status: 'completed' })]),
      {
        timeout: 10_000,
      },
    );

    const again = await pressKeys(sid, '1');
    expect(again.status).toBe(409);
  });

  it('ends busy for a number set to busy', async () => {
    const a = await appointment(false);
    const set = await stack.api(`/api/console/phones/${encodeURIComponent(a.phone)}`, { method: 'PUT', body: JSON.stringify({ call: 'busy' }) });
    expect(set.status).toBe(200);
    expect(await json(set)).toEqual({ phone: a.phone, sms: 'delivered', whatsapp: 'delivered', call: 'busy' });
    const sid = await placeCall(a);
    await vi.waitFor(async () => expect(await callOf(sid)).toMatchObject({ status: 'busy' }), { timeout: 10_000 });
    expect(await eventsOf(sid)).toEqual(['initiated', 'ringing', 'busy']);
  });

  it('leaves a voicemail on a number set to a machine, then completes; the call keeps why it was placed beside what it came to', async () => {
    const a = await appointment(false);
    await stack.api(`/api/console/phones/${encodeURIComponent(a.phone)}`, { method: 'PUT', body: JSON.stringify({ call: 'machine' }) });
    const sid = await placeCall(a, 'the call was busy: called again');
    await vi.waitFor(async () => expect(await callOf(sid)).toMatchObject({ status: 'completed' }), { timeout: 10_000 });
    const { deliveries } = (await json(await stack.api(`/api/appointments/${a.id}`))) as { deliveries: { attempts: { sid: string | null }[] }[] };
    expect(deliveries.flatMap((d) => d.attempts).find((attempt) => attempt.sid === sid)).toMatchObject({
      channel: 'voice',
      status: 'completed',
      answered_by: 'machine_end_beep',
      note: 'the call was busy: called again',
      outcome_note: 'voicemail left',
    });
    expect(((await json(await stack.api(`/api/appointments/${a.id}`))) as { status: string }).status).toBe('booked');
  });

  it('refuses a bad behaviour with 400 naming the field, and lists the numbers set', async () => {
    const phone = patientPhone();
    const bad = await stack.api(`/api/console/phones/${encodeURIComponent(phone)}`, { method: 'PUT', body: JSON.stringify({ call: 'ring' }) });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.field).toBe('call');
    await stack.api(`/api/console/phones/${encodeURIComponent(phone)}`, { method: 'PUT', body: JSON.stringify({ sms: 'undelivered' }) });
    expect((await json(await stack.api('/api/console/phones'))).phones).toContainEqual({ phone, sms: 'undelivered', whatsapp: 'delivered', call: 'answer' });
  });
});

describe('a console reminder call nobody presses a key on', () => {
  // A second of the call lasts 20 ms here: the menu (about 30 words) and its 6 s timeout take 0.4 s.
  let quick: Stack;
  beforeAll(async () => {
    quick = await startStack({ consoleTelephone: true, consoleSecondMs: 20 });
  });
  afterAll(() => quick?.stop());

  it('times out as at Twilio: the menu is read again, then the goodbye, and the call completes with the chain told', async () => {
    const { id, workflowId, phone } = await bookThroughApi(quick, { channel: 'voice' });
    await quick.api(`/api/appointments/${id}/remind`, { method: 'POST' });
    const sid = await vi.waitFor(
      async () => {
        const [row] = await quick.sql<{ call_sid: string }[]>`select call_sid from calls where appointment_id = ${id} and call_sid is not null`;
        expect(row?.call_sid).toMatch(/^CA/);
        return row!.call_sid;
      },
      { timeout: 15_000 },
    );
    await vi.waitFor(
      async () =>
        expect((await quick.sql`select status, note, outcome_note, console_gather_url from calls where call_sid = ${sid}`)[0]).toEqual({
          status: 'completed',
          // The reminder's first attempt, on the appointment's own channel: no fallback to explain.
          note: null,
          outcome_note: 'no choice on the keypad',
          console_gather_url: null,
        }),
      { timeout: 15_000 },
    );
    const said = await quick.sql<{ step: string; twiml: string }[]>`select step, twiml from call_steps where call_sid = ${sid} order by created_at, step`;
    expect(said.map((s) => s.step)).toEqual(['answer', 'gather-1', 'gather-2']);
    expect(said[1]!.twiml).toContain('/gather?attempt=2');
    expect(said[2]!.twiml).toMatch(/We did not get an answer\..*<Hangup\/>/);
    expect((await quick.sql`select status from call_status_events where call_sid = ${sid} order by id`).map((r) => r.status)).toEqual([
      'initiated',
      'ringing',
      'in-progress',
      'completed',
    ]);
    expect(((await json(await quick.api(`/api/appointments/${id}`))) as { status: string }).status).toBe('booked');
    expect(await quick.sql`select 1 from messages where phone = ${phone} and idempotency_key = ${`call:${sid}:reply`}`).toHaveLength(0);
    await vi.waitFor(
      async () => expect((await receiptsSignalled(workflowId, quick)).filter((r) => r.sid === sid)).toEqual([expect.objectContaining({ status: 'completed' })]),
      {
        timeout: 10_000,
      },
    );
    // Too late for a key: the call is over.
    const path = `/webhooks/console/calls/${sid}/digits`;
    expect((await quick.app.request(path, signedTwilioRequest(quick.twilioAuthToken, path, { Digits: '1' }))).status).toBe(409);
  });
});

describe('console text receipts', () => {
  it('delivers to a mobile and reports 30006 for a landline', async () => {
    const mobile = patientPhone();
    const landline = '+13125550006';
    for (const [phone, key] of [
      [mobile, randomUUID()],
      [landline, randomUUID()],
    ] as const) {
      await stack.messenger.send({ clinicId: stack.clinic.id, phone, channel: 'sms', body: 'hello', idempotencyKey: key });
    }
    await vi.waitFor(
      async () => {
        const rows =
          await stack.sql`select phone, status, error_code from messages where clinic_id = ${stack.clinic.id} and phone in (${mobile}, ${landline}) and body = 'hello'`;
        expect(rows).toEqual(
          expect.arrayContaining([
            { phone: mobile, status: 'delivered', error_code: null },
            { phone: landline, status: 'undelivered', error_code: 30006 },
          ]),
        );
      },
      { timeout: 10_000 },
    );
  });
});

describe('console replies given as TwiML', () => {
  it('reports the reply to a patient text to its <Message> action: delivered to a mobile, undelivered 30006 to a landline', async () => {
    const mobile = patientPhone();
    const landline = '+13125550006';
    for (const phone of [mobile, landline]) {
      const twiml = await stack.consoleTelephone!.sendText({ from: phone, to: stack.clinicNumber, body: 'JOIN' });
      expect(twiml).toMatch(/<Message action="status\?reply_to=SM[0-9a-f]{32}" method="POST">/);
    }
    await vi.waitFor(
      async () => {
        const rows = await stack.sql`
          select phone, status, error_code, provider_sid is not null as named from messages
          where clinic_id = ${stack.clinic.id} and phone in (${mobile}, ${landline}) and direction = 'outbound'`;
        expect(rows).toEqual(
          expect.arrayContaining([
            { phone: mobile, status: 'delivered', error_code: null, named: true },
            { phone: landline, status: 'undelivered', error_code: 30006, named: true },
          ]),
        );
      },
      { timeout: 10_000 },
    );
  });
});

describe('console text receipts under load', () => {
  it('reports 30 texts sent at once, all delivered, with no leak warning from Node', async () => {
    const phones = Array.from({ length: 30 }, () => patientPhone());
    await Promise.all(
      phones.map((phone) => stack.messenger.send({ clinicId: stack.clinic.id, phone, channel: 'sms', body: 'at once', idempotencyKey: randomUUID() })),
    );
    await vi.waitFor(
      async () => {
        const [row] = await stack.sql<{ delivered: number }[]>`
          select count(*)::int as delivered from messages
          where clinic_id = ${stack.clinic.id} and phone in ${stack.sql(phones)} and body = 'at once' and status = 'delivered'`;
        expect(row?.delivered).toBe(30);
      },
      { timeout: 15_000 },
    );
    // Node reports a warning on the next tick after the listener that crossed its limit.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });
});
