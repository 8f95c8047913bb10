/**
 * The delivery fallback of an appointment chain in Temporal's time-skipping test server, with its
 * real activities on the test Postgres and the Twilio adapter against a local stand-in of Twilio's
 * REST API (the requests are checked): WhatsApp inside and outside the 24-hour window (body, template,
 * or SMS without one), WhatsApp failing (63016) → SMS, an SMS to a landline (30006) → a call, an
 * unanswered call → one more call after the clinic's delay → SMS, a call Twilio refuses outright
 * (21215) → SMS at once, delivered → nothing more, and calls only within contact hours; a call Twilio
 * never places (5xx to every try) ends failed in the call log and is texted instead, within contact
 * hours; a call Twilio throttles is not placed once its question has closed (a text YES, a staff move).
 * Receipts are signalled as the status webhooks signal them.
 */
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeliveries } from '../../src/appointments/deliveryAttempts.js';
import { settleUnsent } from '../../src/messaging/unsentDeliveries.js';
import { deleteWhatsAppTemplate, saveWhatsAppTemplate } from '../../src/clinics/whatsAppTemplates.js';
import { startFakeTwilioApi, type FakeTwilioApi } from '../support/fakeTwilioApi.js';
import { startAppointmentChain } from '../../src/appointments/startAppointmentChain.js';
import type { Clinic } from '../../src/clinics/clinics.js';
import type { Sql } from '../../src/db/sql.js';
import {
  answerAppointmentPromptUpdate,
  deliveryReceiptSignal,
  remindNowUpdate,
  rescheduleAppointmentUpdate,
  type AppointmentChannel,
} from '../../src/workflows/appointmentDefinitions.js';
import { bookTestAppointment, kindsSentTo, moveClinicTo, nextLocal, sleepUntil, type TestBooking } from '../support/appointments.js';
import { startTimeSkipping, type TimeSkipping } from '../support/timeSkipping.js';
import { PUBLIC_BASE_URL } from '../support/twilioWebhooks.js';

const EventType = temporal.api.enums.v1.EventType;
const ZONE = 'America/Chicago';
const MINUTE = 60_000;

let ts: TimeSkipping;
let env: TimeSkipping['env'];
let sql: Sql;
let clinic: Clinic;

let twilioApi: FakeTwilioApi;

beforeAll(async () => {
  // Sent through the Twilio adapter to a local stand-in of its REST API, so the test sees each
  // request; a public address, so calls can be placed (their TwiML URL).
  twilioApi = await startFakeTwilioApi();
  ts = await startTimeSkipping({ sender: twilioApi.sender(), callbackBaseUrl: PUBLIC_BASE_URL });
  ({ env, sql } = ts);
  clinic = await moveClinicTo(sql, ts.clinic, ZONE);
});
afterAll(async () => {
  await ts?.stop();
  await twilioApi?.close();
});

/**
 * Books an appointment two days out at 15:00 with no planned reminders, then sends one reminder now;
 * with `wroteOnWhatsApp` the patient wrote on WhatsApp just before, so the 24-hour window is open.
 */
async function remindNow(channel: AppointmentChannel, options: Partial<TestBooking> & { wroteOnWhatsApp?: boolean } = {}) {
  const { wroteOnWhatsApp, ...booking } = options;
  await sleepUntil(env, await nextLocal(env, ZONE, '10:00'));
  const appointment = await bookTestAppointment(sql, clinic, { startsAt: await nextLocal(env, ZONE, '15:00', 2), reminderRules: [], channel, ...booking });
  const handle = await startAppointmentChain(ts.temporal, ts.taskQueue, appointment);
  const attemptsOf = async (kind: string) => (await listDeliveries(sql, appointment.appointmentId)).find((d) => d.kind === kind)?.attempts ?? [];
  await expect.poll(() => attemptsOf('booking_confirmation')).toHaveLength(1);
  if (wroteOnWhatsApp === true) {
    await sql`
      insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, status)
      values (${clinic.id}, 'inbound', 'whatsapp', ${appointment.phone}, ${`whatsapp:${appointment.phone}`}, ${`whatsapp:${ts.clinicNumber}`}, 'hi', 'received')`;
  }
  await handle.executeUpdate(remindNowUpdate);
  await expect.poll(async () => (await attemptsOf('reminder')).map((a) => a.sid !== null)).toEqual([true]);
  return {
    appointment,
    handle,
    attemptsOf,
    channels: async () => (await attemptsOf('reminder')).map((a) => a.channel),
    /** Signals the final receipt of the reminder's latest attempt, as the status webhooks do. */
    receipt: async (status: string, errorCode: number | null = null) => {
      // The attempt's sid is written once the provider has taken it.
      await expect.poll(async () => (await attemptsOf('reminder')).at(-1)?.sid).toMatch(/^(SM|CA)/);
      const last = (await attemptsOf('reminder')).at(-1)!;
      await handle.signal(deliveryReceiptSignal, { sid: last.sid!, status, errorCode });
      // Before the test moves the clock, the chain has taken the receipt in (a workflow task
      // completed after the signal): a fallback's delay runs from the receipt.
      await expect.poll(() => handledLastSignal(handle)).toBe(true);
    },
  };
}

/** Whether a workflow task has completed since the workflow's latest signal. */
async function handledLastSignal(handle: { fetchHistory(): Promise<{ events?: { eventType?: unknown }[] | null }> }): Promise<boolean> {
  const events = (await handle.fetchHistory()).events ?? [];
  const type = (e: { eventType?: unknown }) => String(e.eventType);
  const signalled = events.map(type).lastIndexOf(String(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED));
  return signalled >= 0 && events.slice(signalled).some((e) => type(e) === String(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED));
}

describe('a WhatsApp reminder', () => {
  it('goes by WhatsApp inside the 24-hour window, and by SMS with the reason outside it when the clinic has no template', async () => {
    const outside = await remindNow('whatsapp');
    expect(await outside.attemptsOf('reminder')).toEqual([
      expect.objectContaining({ channel: 'sms', note: expect.stringContaining('outside the 24-hour WhatsApp window') }),
    ]);
    const inside = await remindNow('whatsapp', { wroteOnWhatsApp: true });
    expect(await inside.attemptsOf('reminder')).toEqual([expect.objectContaining({ channel: 'whatsapp', note: null })]);
    const [request] = twilioApi.requestsTo(`whatsapp:${inside.appointment.phone}`, 'messages');
    expect(request!.form).toMatchObject({ Body: expect.stringContaining('Reply YES to confirm') });
    expect(request!.form).not.toHaveProperty('ContentSid');
  });

  it("goes as the clinic's approved template outside the window: Content SID and variables, no body", async () => {
    const contentSid = `HX${'b'.repeat(32)}`;
    await saveWhatsAppTemplate(sql, clinic.id, { kind: 'reminder', language: 'en', contentSid, variables: { 1: '{patient_name}', 2: '{time}' } });
    const chain = await remindNow('whatsapp');
    expect(await chain.attemptsOf('reminder')).toEqual([expect.objectContaining({ channel: 'whatsapp', note: null })]);
    const [request] = twilioApi.requestsTo(`whatsapp:${chain.appointment.phone}`, 'messages');
    expect(request!.form).toEqual({
      To: `whatsapp:${chain.appointment.phone}`,
      From: `whatsapp:${ts.clinicNumber}`,
      ContentSid: contentSid,
      ContentVariables: JSON.stringify({ 1: 'Rahul Sharma', 2: '3:00 PM' }),
      StatusCallback: `${PUBLIC_BASE_URL}/webhooks/twilio/status`,
    });
    await deleteWhatsAppTemplate(sql, clinic.id, 'reminder', 'en');
  });

  it('that fails with 63016 is sent by SMS, and a delivered SMS ends it', async () => {
    const chain = await remindNow('whatsapp', { wroteOnWhatsApp: true });
    await chain.receipt('failed', 63016);
    await expect.poll(chain.channels).toEqual(['whatsapp', 'sms']);
    expect((await chain.attemptsOf('reminder'))[1]!.note).toBe('the WhatsApp message was failed (63016): sent by SMS');

    await chain.receipt('delivered');
    await env.sleep(2 * 60 * MINUTE);
    expect(await chain.channels()).toEqual(['whatsapp', 'sms']);
  });
});

describe('a staff move of a WhatsApp appointment outside the 24-hour window', () => {
  /** Books a WhatsApp appointment (its confirmation sent) and moves it a day later, as staff do. @returns the `rescheduled` text's attempts and Twilio requests to the patient. */
  async function moveOutsideWindow() {
    const chain = await remindNow('whatsapp');
    const startsAt = new Date(Date.parse(chain.appointment.startsAt) + 24 * 60 * MINUTE).toISOString();
    await chain.handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt }] });
    await expect.poll(async () => (await chain.attemptsOf('rescheduled')).map((a) => a.sid !== null)).toEqual([true]);
    return {
      attempts: await chain.attemptsOf('rescheduled'),
      requests: [...twilioApi.requestsTo(`whatsapp:${chain.appointment.phone}`, 'messages'), ...twilioApi.requestsTo(chain.appointment.phone, 'messages')],
    };
  }
  const QUESTION = 'Reply YES to confirm, NO to cancel, CHANGE for another time.';

  it("asks the patient YES / NO / CHANGE through the approved template's {question} variable", async () => {
    const contentSid = `HX${'d'.repeat(32)}`;
    await saveWhatsAppTemplate(sql, clinic.id, {
      kind: 'rescheduled',
      language: 'en',
      contentSid,
      variables: { 1: '{patient_name}', 2: '{date}', 3: '{time}', 4: '{question}' },
    });
    const { attempts, requests } = await moveOutsideWindow();
    expect(attempts).toEqual([expect.objectContaining({ channel: 'whatsapp', note: null })]);
    const sent = requests.find((r) => r.form.ContentSid === contentSid);
    expect(sent).toBeDefined();
    expect(JSON.parse(String(sent!.form.ContentVariables))).toMatchObject({ 1: 'Rahul Sharma', 3: '3:00 PM', 4: QUESTION });
    await deleteWhatsAppTemplate(sql, clinic.id, 'rescheduled', 'en');
  });

  it("goes by SMS with its question when the clinic's template has no {question} variable to carry it", async () => {
    const contentSid = `HX${'e'.repeat(32)}`;
    await saveWhatsAppTemplate(sql, clinic.id, {
      kind: 'rescheduled',
      language: 'en',
      contentSid,
      variables: { 1: '{patient_name}', 2: '{date}', 3: '{time}' },
    });
    const { attempts, requests } = await moveOutsideWindow();
    expect(attempts).toEqual([expect.objectContaining({ channel: 'sms', note: expect.stringContaining('with a {question} variable for its question') })]);
    expect(requests.some((r) => r.form.ContentSid === contentSid)).toBe(false);
    const moved = requests.map((r) => String(r.form.Body)).filter((body) => body.includes(' is now '));
    expect(moved).toEqual([expect.stringMatching(/is now .*\nReply YES to confirm, NO to cancel, CHANGE for another time\.$/)]);
    await deleteWhatsAppTemplate(sql, clinic.id, 'rescheduled', 'en');
  });
});

describe('an SMS reminder', () => {
  it('undelivered to a landline (30006) becomes a call; a delivered one is never sent again', async () => {
    const landline = await remindNow('sms');
    await landline.receipt('undelivered', 30006);
    await expect.poll(landline.channels).toEqual(['sms', 'voice']);
    // The call's row is written before Twilio answers with its CallSid.
    await expect
      .poll(async () => (await landline.attemptsOf('reminder'))[1])
      .toMatchObject({ channel: 'voice', sid: expect.stringMatching(/^CA[0-9a-f]{32}$/), status: 'queued' });
    expect(twilioApi.requestsTo(landline.appointment.phone, 'calls')).toHaveLength(1);

    const delivered = await remindNow('sms');
    await delivered.receipt('delivered');
    await env.sleep(3 * 60 * MINUTE);
    expect(await delivered.channels()).toEqual(['sms']);
  });

  it('with no receipt in 30 minutes counts as sent', async () => {
    const quiet = await remindNow('sms');
    await env.sleep(31 * MINUTE);
    await quiet.receipt('undelivered', 30006); // too late: the attempt is settled
    await env.sleep(MINUTE);
    expect(await quiet.channels()).toEqual(['sms']);
  });
});

describe('a voice reminder', () => {
  it("is a call, the chain's other messages texts; unanswered, it is called once more after the clinic's delay, then texted", async () => {
    const chain = await remindNow('voice', { callRetryMinutes: 45 });
    expect(await chain.attemptsOf('booking_confirmation')).toEqual([expect.objectContaining({ channel: 'sms' })]);
    expect(await chain.channels()).toEqual(['voice']);

    await chain.receipt('no-answer');
    await env.sleep(44 * MINUTE);
    expect(await chain.channels()).toEqual(['voice']);
    await env.sleep(2 * MINUTE);
    await expect.poll(chain.channels).toEqual(['voice', 'voice']);
    // Each call says why it went as a call: the first is the appointment's own channel, the second a retry.
    expect((await chain.attemptsOf('reminder')).map((a) => a.note)).toEqual([null, 'the call was no-answer: called again']);

    await chain.receipt('busy');
    await expect.poll(chain.channels).toEqual(['voice', 'voice', 'sms']);
    expect((await chain.attemptsOf('reminder'))[2]!.note).toBe('the calls were not answered (busy): sent by SMS');
  });

  it('is not called or texted again once the patient has answered its question meanwhile (a text while the retry waited)', async () => {
    const chain = await remindNow('voice', { callRetryMinutes: 45 });
    await chain.receipt('busy');
    const answered = await chain.handle.executeUpdate(answerAppointmentPromptUpdate, {
      args: [{ answer: 'YES', kind: 'appointment_reminder', phone: chain.appointment.phone }],
    });
    expect(answered.reply).toMatch(/confirmed/);
    await env.sleep(3 * 60 * MINUTE);
    expect(await chain.channels()).toEqual(['voice']);
  });

  it('refused outright by Twilio (21215, no permission to call the number) is texted at once, with the reason, and never called again', async () => {
    await sleepUntil(env, await nextLocal(env, ZONE, '10:00'));
    const appointment = await bookTestAppointment(sql, clinic, {
      startsAt: await nextLocal(env, ZONE, '15:00', 2),
      reminderRules: [],
      channel: 'voice',
      callRetryMinutes: 45,
    });
    twilioApi.setAnswer(appointment.phone, (request) =>
      request.resource === 'calls' ? { kind: 'refused', code: 21215, message: 'Account not authorized to call this number' } : { kind: 'created' },
    );
    const handle = await startAppointmentChain(ts.temporal, ts.taskQueue, appointment);
    const reminders = async () => (await listDeliveries(sql, appointment.appointmentId)).find((d) => d.kind === 'reminder')?.attempts ?? [];
    await handle.executeUpdate(remindNowUpdate);
    // The text's row is written before Twilio answers with its MessageSid: wait for the text as sent.
    await expect.poll(reminders).toMatchObject([
      { channel: 'voice', status: 'failed', errorCode: 21215, sid: null },
      { channel: 'sms', note: 'the call was refused (21215): sent by SMS', sid: expect.stringMatching(/^SM/) },
    ]);
    const [sent] = twilioApi.requestsTo(appointment.phone, 'messages').filter((r) => String(r.form.Body).includes('Reply YES to confirm'));
    expect(sent).toBeDefined();

    await env.sleep(3 * 60 * MINUTE);
    expect((await reminders()).map((a) => a.channel)).toEqual(['voice', 'sms']);
    expect(twilioApi.requestsTo(appointment.phone, 'calls')).toHaveLength(1);
    twilioApi.clearAnswer(appointment.phone);
  });

  it('that Twilio never places (a 503 to each of its tries) ends failed in the call log and is texted instead, once contact hours open', async () => {
    await sleepUntil(env, await nextLocal(env, ZONE, '10:00'));
    const appointment = await bookTestAppointment(sql, clinic, {
      startsAt: await nextLocal(env, ZONE, '15:00', 2),
      reminderRules: [],
      channel: 'voice',
      contactHours: { start: '08:00', end: '10:10' },
    });
    twilioApi.setAnswer(appointment.phone, (request) => (request.resource === 'calls' ? { kind: 'outage', httpStatus: 503 } : { kind: 'created' }));
    const handle = await startAppointmentChain(ts.temporal, ts.taskQueue, appointment);
    const reminders = async () => (await listDeliveries(sql, appointment.appointmentId)).filter((d) => d.kind === 'reminder').map((d) => d.attempts);
    await handle.executeUpdate(remindNowUpdate);
    // Its 20 tries, at most a minute apart, take about a quarter of an hour; each leaves Twilio's answer on the call's row.
    await env.sleep(20 * MINUTE);
    await expect.poll(() => twilioApi.requestsTo(appointment.phone, 'calls').length, { timeout: 30_000 }).toBe(20);
    const [row] = await sql<{ send_error: string }[]>`select send_error from calls where appointment_id = ${appointment.appointmentId}`;
    expect(row!.send_error).toBe('Twilio answered 503: Service unavailable');
    // Past its deadline and the grace, the API's sweep ends it failed. (The deadline is the activity's
    // schedule-to-close on the test server's clock, which has skipped ahead of Postgres's: it is moved
    // back to where Postgres's would have it. This test server gives activities no retry policy, so
    // the last attempt cannot know it is the last, as it does on a real one.)
    await sql`update calls set send_until = now() - interval '3 minutes' where appointment_id = ${appointment.appointmentId}`;
    expect(await settleUnsent(sql, 'calls')).toBeGreaterThanOrEqual(1);
    expect(await reminders()).toEqual([[expect.objectContaining({ channel: 'voice', status: 'failed', errorCode: 20503, sid: null })]]);

    // The tries ran out after contact hours closed (10:10): the text waits for them to open.
    const opens = await nextLocal(env, ZONE, '08:00');
    await sleepUntil(env, opens - MINUTE);
    expect((await reminders()).flat().map((a) => a.channel)).toEqual(['voice']);
    await sleepUntil(env, opens + MINUTE);
    await expect.poll(reminders, { timeout: 30_000 }).toEqual([
      [
        expect.objectContaining({ channel: 'voice', status: 'failed', sid: null }),
        expect.objectContaining({
          channel: 'sms',
          note: 'the call was not placed (Twilio took none of its tries): sent by SMS',
          sid: expect.stringMatching(/^SM/),
        }),
      ],
    ]);
    const texted = twilioApi.requestsTo(appointment.phone, 'messages').filter((r) => String(r.form.Body).includes('Reply YES to confirm'));
    expect(texted).toHaveLength(1);

    // The chain goes on: staff send the reminder again once Twilio is back, and it is called.
    twilioApi.clearAnswer(appointment.phone);
    await handle.executeUpdate(remindNowUpdate);
    await expect
      .poll(reminders, { timeout: 30_000 })
      .toEqual([
        [expect.objectContaining({ channel: 'voice', status: 'failed' }), expect.objectContaining({ channel: 'sms' })],
        [expect.objectContaining({ channel: 'voice', sid: expect.stringMatching(/^CA/) })],
      ]);
  });

  it('that Twilio never places is not texted when staff sent a new reminder meanwhile: the new one is called', async () => {
    await sleepUntil(env, await nextLocal(env, ZONE, '10:00'));
    const appointment = await bookTestAppointment(sql, clinic, { startsAt: await nextLocal(env, ZONE, '15:00', 2), reminderRules: [], channel: 'voice' });
    // Twilio answers 503 to the first call's 20 tries, then takes calls again.
    let tries = 0;
    twilioApi.setAnswer(appointment.phone, (request) =>
      request.resource === 'calls' && ++tries <= 20 ? { kind: 'outage', httpStatus: 503 } : { kind: 'created' },
    );
    const handle = await startAppointmentChain(ts.temporal, ts.taskQueue, appointment);
    const reminders = async () => (await listDeliveries(sql, appointment.appointmentId)).filter((d) => d.kind === 'reminder').map((d) => d.attempts);
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => twilioApi.requestsTo(appointment.phone, 'calls').length, { timeout: 30_000 }).toBe(1);
    await handle.executeUpdate(remindNowUpdate);
    await env.sleep(20 * MINUTE);
    await expect
      .poll(reminders, { timeout: 30_000 })
      .toEqual([
        [expect.objectContaining({ channel: 'voice', sid: null })],
        [expect.objectContaining({ channel: 'voice', sid: expect.stringMatching(/^CA/) })],
      ]);
    await env.sleep(60 * MINUTE);
    expect((await reminders()).flat().map((a) => a.channel)).toEqual(['voice', 'voice']);
    twilioApi.clearAnswer(appointment.phone);
  });

  /**
   * A voice reminder whose call Twilio throttles (429, retry after 60 s); resolves once its first try
   * was refused, with the chain's handle and the reminder's attempts.
   */
  async function remindThrottled() {
    await sleepUntil(env, await nextLocal(env, ZONE, '10:00'));
    const appointment = await bookTestAppointment(sql, clinic, { startsAt: await nextLocal(env, ZONE, '15:00', 2), reminderRules: [], channel: 'voice' });
    twilioApi.setAnswer(appointment.phone, (request) => (request.resource === 'calls' ? { kind: 'throttled', retryAfterSeconds: 60 } : { kind: 'created' }));
    const handle = await startAppointmentChain(ts.temporal, ts.taskQueue, appointment);
    await handle.executeUpdate(remindNowUpdate);
    await expect.poll(() => twilioApi.requestsTo(appointment.phone, 'calls').length, { timeout: 30_000 }).toBe(1);
    const reminders = async () => (await listDeliveries(sql, appointment.appointmentId)).filter((d) => d.kind === 'reminder').flatMap((d) => d.attempts);
    return { appointment, handle, reminders };
  }

  it('that Twilio throttles is not placed once the patient has answered YES by text meanwhile, and nothing stands in for it', async () => {
    const { appointment, handle, reminders } = await remindThrottled();
    const answered = await handle.executeUpdate(answerAppointmentPromptUpdate, {
      args: [{ answer: 'YES', kind: 'appointment_reminder', phone: appointment.phone }],
    });
    expect(answered.reply).toMatch(/confirmed/);
    // Twilio takes calls again before the next try: the try places nothing, and the call ends canceled.
    twilioApi.clearAnswer(appointment.phone);
    await env.sleep(5 * MINUTE);
    await expect.poll(reminders, { timeout: 30_000 }).toEqual([expect.objectContaining({ channel: 'voice', status: 'canceled', sid: null })]);
    await env.sleep(3 * 60 * MINUTE);
    expect(twilioApi.requestsTo(appointment.phone, 'calls')).toHaveLength(1);
    expect((await reminders()).map((a) => a.channel)).toEqual(['voice']);
  });

  it('that Twilio throttles is not placed once staff have moved the visit meanwhile; the move is texted', async () => {
    const { appointment, handle, reminders } = await remindThrottled();
    const newStart = await nextLocal(env, ZONE, '11:00', 3);
    await handle.executeUpdate(rescheduleAppointmentUpdate, { args: [{ startsAt: new Date(newStart).toISOString() }] });
    twilioApi.clearAnswer(appointment.phone);
    await env.sleep(5 * MINUTE);
    await expect.poll(reminders, { timeout: 30_000 }).toEqual([expect.objectContaining({ channel: 'voice', status: 'canceled', sid: null })]);
    await expect.poll(() => kindsSentTo(sql, appointment), { timeout: 30_000 }).toContain('rescheduled');
    expect(twilioApi.requestsTo(appointment.phone, 'calls')).toHaveLength(1);
  });

  it('answered (by a person or a machine) ends there', async () => {
    const chain = await remindNow('voice');
    await chain.receipt('completed');
    await env.sleep(3 * 60 * MINUTE);
    expect(await chain.channels()).toEqual(['voice']);
  });

  it('is called again only within contact hours', async () => {
    const chain = await remindNow('voice', { contactHours: { start: '08:00', end: '10:20' } });
    await chain.receipt('no-answer');
    // 30 minutes on is after contact hours (until 10:20): the second call waits for 08:00.
    const opens = await nextLocal(env, ZONE, '08:00');
    await sleepUntil(env, opens - MINUTE);
    expect(await chain.channels()).toEqual(['voice']);
    await sleepUntil(env, opens + MINUTE);
    await expect.poll(chain.channels).toEqual(['voice', 'voice']);
  });
});
