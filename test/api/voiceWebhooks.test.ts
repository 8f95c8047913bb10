/**
 * A patient answers a reminder call on the keypad: the TwiML of each step through the real Hono app
 * with Twilio-signed requests, each key's outcome on the appointment's chain and the text after the
 * call, a machine's voicemail, retried webhooks, call status callbacks, and forged requests.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { phoneToCall } from '../../src/clinics/clinics.js';
import { formatPhoneForPeople } from '../../src/domain/phone.js';
import { purgeExpiredRecords } from '../../src/retention/purgeExpiredRecords.js';
import { bookThroughApi, outboundTexts, remindAndAwaitQuestion } from '../support/apiBooking.js';
import { json, patientPhone, patientReply, startStack, type Stack } from '../support/stack.js';
import { staffCookie } from '../support/staffForms.js';
import { callStatusParams, callTwimlParams, fakeSid, gatherParams, signedTwilioRequest } from '../support/twilioWebhooks.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

interface TestCall {
  id: string;
  callSid: string;
  phone: string;
  appointmentId: string;
  workflowId: string;
  /** The appointment's clinic-local day, `YYYY-MM-DD`. */
  day: string;
}

/**
 * A booked appointment whose reminder has gone out (its prompt open, as before a reminder call) and
 * the call placed for it, as the messenger logs it.
 */
async function reminderCall(language = 'en'): Promise<TestCall> {
  const { id: appointmentId, workflowId, phone, day } = await bookThroughApi(stack, { language });
  await remindAndAwaitQuestion(stack, appointmentId, workflowId);
  // The call delivers the reminder the chain sent: it shares the reminder text's delivery key.
  const [reminder] = await vi.waitFor(
    async () => {
      const rows = await stack.sql<{ delivery_key: string }[]>`
        select delivery_key from messages where appointment_id = ${appointmentId} and delivery_key like '%:reminder:%'`;
      expect(rows).toHaveLength(1);
      return rows;
    },
    { timeout: 15_000 },
  );
  const callSid = fakeSid('CA');
  const [row] = await stack.sql`
    insert into calls (clinic_id, appointment_id, delivery_key, phone, from_address, to_address, language, idempotency_key, call_sid)
    values (${stack.clinic.id}, ${appointmentId}, ${reminder!.delivery_key}, ${phone}, ${stack.clinicNumber}, ${phone}, ${language}, ${randomUUID()}, ${callSid})
    returning id`;
  return { id: String(row!.id), callSid, phone, appointmentId, workflowId, day };
}

/**
 * A reminder text that came back undelivered with 30006 (a landline), signalled by its signed status
 * callback, and the call the appointment's chain placed instead.
 */
async function landlineReminderCall(): Promise<TestCall> {
  const { id: appointmentId, workflowId, phone, day } = await bookThroughApi(stack);
  expect((await stack.api(`/api/appointments/${appointmentId}/remind`, { method: 'POST' })).status).toBe(200);
  const attempts = async () => {
    const { deliveries } = (await json(await stack.api(`/api/appointments/${appointmentId}`))) as {
      deliveries: { kind: string; attempts: { channel: string; sid: string | null }[] }[];
    };
    return deliveries.find((d) => d.kind === 'reminder')?.attempts ?? [];
  };
  const [text] = await vi.waitFor(
    async () => {
      const sent = await attempts();
      expect(sent[0]?.sid).toMatch(/^SM/);
      return sent;
    },
    { timeout: 15_000 },
  );
  expect((await stack.sendStatus({ MessageSid: text!.sid!, MessageStatus: 'undelivered', ErrorCode: '30006' })).status).toBe(204);
  const [row] = await vi.waitFor(
    async () => {
      const rows = await stack.sql<{ id: string; call_sid: string }[]>`
        select id::text, call_sid from calls where appointment_id = ${appointmentId} and call_sid is not null`;
      expect(rows).toHaveLength(1);
      return rows;
    },
    { timeout: 15_000 },
  );
  return { id: row!.id, callSid: row!.call_sid, phone, appointmentId, workflowId, day };
}

const party = (call: TestCall) => ({ callSid: call.callSid, from: stack.clinicNumber, to: call.phone });
const answer = (call: TestCall, answeredBy = 'human') =>
  stack.sendWebhook(`/webhooks/twilio/voice/calls/${call.id}/answer`, callTwimlParams({ ...party(call), answeredBy }));
const press = (call: TestCall, digits: string, attempt = 1) =>
  stack.sendWebhook(`/webhooks/twilio/voice/calls/${call.id}/gather?attempt=${attempt}`, gatherParams({ ...party(call), digits }));
const callStatus = (call: TestCall, callStatus: string, answeredBy?: string) =>
  stack.sendWebhook('/webhooks/twilio/voice/status', callStatusParams({ ...party(call), callStatus, ...(answeredBy === undefined ? {} : { answeredBy }) }));
const appointmentStatus = async (call: TestCall) => ((await json(await stack.api(`/api/appointments/${call.appointmentId}`))) as { status: string }).status;
const callRow = async (call: TestCall) =>
  (await stack.sql`select status, answered_by, digits, choice, note, outcome_note, error_code from calls where id = ${call.id}`)[0];
/** The call's attempt as `GET /api/appointments/{id}` lists it among the appointment's deliveries. */
const callAttempt = async (call: TestCall) => {
  const { deliveries } = (await json(await stack.api(`/api/appointments/${call.appointmentId}`))) as { deliveries: { attempts: { sid: string | null }[] }[] };
  return deliveries.flatMap((d) => d.attempts).find((attempt) => attempt.sid === call.callSid);
};
const textsAfterCall = (call: TestCall) => stack.sql`select body, appointment_id::text from messages where idempotency_key = ${`call:${call.callSid}:reply`}`;
/** What `GET /api/appointments/{id}` says of a request for another time by phone that staff should call back about. */
const anotherTimeAsked = async (call: TestCall) =>
  ((await json(await stack.api(`/api/appointments/${call.appointmentId}`))) as { another_time_asked_at: string | null }).another_time_asked_at;
/** What the day's list (`GET /api/appointments?date=`) says of the same request for the call's appointment. */
const anotherTimeAskedInList = async (call: TestCall) => {
  const { appointments } = (await json(await stack.api(`/api/appointments?date=${call.day}`))) as {
    appointments: { id: string; another_time_asked_at: string | null }[];
  };
  return appointments.find((a) => a.id === call.appointmentId)?.another_time_asked_at;
};
/** The call-back notice on the appointment's card on the Appointments page, as text; undefined when none. */
const callBackNotice = async (call: TestCall) => {
  const page = await (
    await stack.app.request(`/admin/appointments?${new URLSearchParams({ clinic: stack.clinic.slug, date: call.day }).toString()}`, {
      headers: { Cookie: await staffCookie(stack) },
    })
  ).text();
  const card = new RegExp(`<li class="appt card"[^>]* data-appointment="${call.appointmentId}"[\\s\\S]*?</li>`).exec(page)?.[0];
  expect(card).toBeDefined();
  const notice = /<p class="appt-call-back" data-call-back>([\s\S]*?)<\/p>/.exec(card!)?.[1];
  return notice
    ?.replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
};
const gatherAction = (call: TestCall, attempt: number) =>
  `https://desk.clinic.test/webhooks/twilio/voice/calls/${call.id}/gather?attempt=${attempt}`.replace(/&/g, '&amp;');

describe('a reminder call answered by the patient', () => {
  it('reads the appointment in a keypad menu, in English', async () => {
    const call = await reminderCall();
    const response = await answer(call);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/xml/);
    const twiml = await response.text();
    expect(twiml).toContain(`<Gather numDigits="1" action="${gatherAction(call, 1)}" method="POST" timeout="6" actionOnEmptyResult="true">`);
    expect(twiml).toMatch(
      /<Say language="en-US">Hello, this is Test Clinic\. Rahul Sharma, your visit with Dr Mehta is on \w+day, \w+ \d+ at \d{1,2}:\d\d [AP]M\. Press 1 to confirm\./,
    );
    expect(await callRow(call)).toMatchObject({ answered_by: 'human' });
  });

  it('reads it in Spanish to a Spanish reader, and after a wrong key says so in Spanish before the choices', async () => {
    const call = await reminderCall('es');
    const twiml = await (await answer(call)).text();
    expect(twiml).toMatch(/<Say language="es-MX">Hola, le llamamos de Test Clinic\. .* marque 1\./);
    expect(await (await press(call, '5', 1)).text()).toContain(
      '<Say language="es-MX">Lo sentimos, esa tecla no es una de las opciones. Para confirmar, marque 1. Para otra hora, marque 2. Para cancelar, marque 3.</Say></Gather>',
    );
  });

  it('after silence says only the choices again in Spanish to a Spanish reader', async () => {
    const call = await reminderCall('es');
    await answer(call);
    expect(await (await press(call, '', 1)).text()).toContain(
      '<Say language="es-MX">No escuchamos ninguna tecla. Para confirmar, marque 1. Para otra hora, marque 2. Para cancelar, marque 3.</Say></Gather>',
    );
  });

  it("reads a clinic's own wording of the menu after silence", async () => {
    const call = await reminderCall();
    const path = '/api/clinic/templates/call_no_key/en';
    const body = 'Still there, {patient_name}? 1 confirms, 2 for another time, 3 cancels.';
    expect((await stack.api(path, { method: 'PUT', body: JSON.stringify({ body }) })).status).toBe(200);
    try {
      await answer(call);
      expect(await (await press(call, '', 1)).text()).toContain(
        '<Say language="en-US">Still there, Rahul Sharma? 1 confirms, 2 for another time, 3 cancels.</Say>',
      );
    } finally {
      await stack.sql`delete from message_templates where clinic_id = ${stack.clinic.id} and kind = 'call_no_key'`;
    }
  });

  it("reads a clinic's own wording of the menu after a wrong key", async () => {
    const call = await reminderCall();
    const path = '/api/clinic/templates/call_not_a_choice/en';
    const body = 'That key does nothing, {patient_name}. 1 confirms, 2 for another time, 3 cancels.';
    expect((await stack.api(path, { method: 'PUT', body: JSON.stringify({ body }) })).status).toBe(200);
    try {
      await answer(call);
      expect(await (await press(call, '0', 1)).text()).toContain(
        '<Say language="en-US">That key does nothing, Rahul Sharma. 1 confirms, 2 for another time, 3 cancels.</Say>',
      );
    } finally {
      await stack.sql`delete from message_templates where clinic_id = ${stack.clinic.id} and kind = 'call_not_a_choice'`;
    }
  });

  it('after silence says only the choices once more (the greeting was heard), then says goodbye', async () => {
    const call = await reminderCall();
    await answer(call);
    expect(await (await press(call, '', 1)).text()).toContain(
      `<Response><Gather numDigits="1" action="${gatherAction(call, 2)}" method="POST" timeout="6" actionOnEmptyResult="true">` +
        '<Say language="en-US">We did not hear a key. Press 1 to confirm. Press 2 for another time. Press 3 to cancel.</Say></Gather></Response>',
    );
    const goodbye = await (await press(call, '', 2)).text();
    expect(goodbye).toMatch(/<Say language="en-US">We did not get an answer\..*<\/Say><Hangup\/>/);
    expect(goodbye).not.toContain('<Gather');
  });

  it('plays the menu again after a wrong key; after the third, a kind goodbye: the visit unchanged, whom to call, no text promised', async () => {
    const call = await reminderCall();
    await answer(call);
    // The greeting was heard: the repeat says the key was not a choice, then only the choices.
    const choicesAgain = (attempt: number) =>
      `<Response><Gather numDigits="1" action="${gatherAction(call, attempt)}" method="POST" timeout="6" actionOnEmptyResult="true">` +
      '<Say language="en-US">Sorry, that key is not one of the choices. Press 1 to confirm. Press 2 for another time. Press 3 to cancel.</Say></Gather></Response>';
    expect(await (await press(call, '9', 1)).text()).toContain(choicesAgain(2));
    expect(await (await press(call, '#', 2)).text()).toContain(choicesAgain(3));
    // The menu is capped: a call cannot loop for ever.
    const goodbye = await (await press(call, '7', 3)).text();
    const officePhone = formatPhoneForPeople(phoneToCall(stack.clinic)!);
    expect(goodbye).toMatch(
      /<Response><Say language="en-US">Sorry, we could not understand the keys you pressed, so your visit on \w+day, \w+ \d+ at \d{1,2}:\d\d [AP]M has not been changed\. /,
    );
    expect(goodbye).toContain(`To confirm, change or cancel it, please call us at ${officePhone}. Thank you, and goodbye.</Say><Hangup/></Response>`);
    expect(goodbye).not.toMatch(/did not get an answer|text/i);
    expect(await appointmentStatus(call)).toBe('booked');
    expect(await callRow(call)).toMatchObject({ digits: '7', choice: null, outcome_note: 'no choice on the keypad' });
    expect(await textsAfterCall(call)).toHaveLength(0);
  });

  it('confirms on 1: the chain confirms, the call says so and hangs up, a text confirms it after the call', async () => {
    const call = await reminderCall();
    await answer(call);
    const twiml = await (await press(call, '1')).text();
    expect(twiml).toMatch(/<Say language="en-US">Thank you\. Your visit on .* is confirmed\..*<\/Say><Hangup\/>/);
    expect(await appointmentStatus(call)).toBe('confirmed');
    expect(await callRow(call)).toMatchObject({ digits: '1', choice: 'confirm' });
    expect(await textsAfterCall(call)).toEqual([
      { body: expect.stringMatching(/Your visit with Dr Mehta on .* is confirmed/), appointment_id: call.appointmentId },
    ]);

    // Twilio retries the same step: the same TwiML, and nothing done twice.
    const again = await (await press(call, '1')).text();
    expect(again).toBe(twiml);
    expect(await textsAfterCall(call)).toHaveLength(1);
  });

  it('cancels on 3', async () => {
    const call = await reminderCall();
    await answer(call);
    expect(await (await press(call, '3')).text()).toMatch(/is cancelled\./);
    expect(await appointmentStatus(call)).toBe('cancelled');
    expect(await textsAfterCall(call)).toEqual([{ body: expect.stringMatching(/is cancelled/), appointment_id: call.appointmentId }]);
  });

  it('texts the numbered open times on 2', async () => {
    const call = await reminderCall();
    await answer(call);
    expect(await (await press(call, '2')).text()).toMatch(/We are sending you a text message about another time\./);
    const [text] = await textsAfterCall(call);
    expect(text!.body).toMatch(/reply with the number of a time:\n.+\n1\) /);
    expect(await callRow(call)).toMatchObject({ choice: 'reschedule' });
    // The open times were texted: nobody needs to call the patient back.
    expect(await anotherTimeAsked(call)).toBeNull();
    expect(await anotherTimeAskedInList(call)).toBeNull();
    expect(await callBackNotice(call)).toBeUndefined();
  });

  it('on a landline (its reminder text came back 30006), asks the patient to call the clinic for another time on 2, and texts nothing', async () => {
    const call = await landlineReminderCall();
    await answer(call);
    const textsBefore = await stack.sql`select 1 from messages where phone = ${call.phone} and direction = 'outbound'`;
    const twiml = await (await press(call, '2')).text();
    const officePhone = formatPhoneForPeople(phoneToCall(stack.clinic)!);
    expect(twiml).toContain(`<Say language="en-US">To choose another time, please call us at ${officePhone}. Until then, your visit stays on `);
    expect(twiml).toMatch(/your visit stays on \w+day, \w+ \d+ at \d{1,2}:\d\d [AP]M\. Goodbye\.<\/Say><Hangup\/><\/Response>$/);
    expect(twiml).not.toMatch(/text/i);
    // The call's attempt keeps why it was placed (the chain's fallback reason) and, apart, what it came to.
    expect(await callAttempt(call)).toMatchObject({
      channel: 'voice',
      answered_by: 'human',
      choice: 'reschedule',
      note: 'the text was undelivered (30006): a landline, so a call',
      outcome_note: 'a landline: asked to call the clinic for another time',
    });
    // The chain was not asked for a list of times that could neither arrive nor be answered.
    expect(await appointmentStatus(call)).toBe('booked');
    expect(await stack.sql`select kind from patient_prompts where workflow_id = ${call.workflowId} and closed_at is null`).toEqual([
      { kind: 'appointment_reminder' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await stack.sql`select 1 from messages where phone = ${call.phone} and direction = 'outbound'`).toHaveLength(textsBefore.length);

    // Staff see that the patient asked for another time, to call them back: in the API and on the Appointments page.
    const [{ created_at: placed }] = (await stack.sql`select created_at from calls where id = ${call.id}`) as unknown as [{ created_at: Date }];
    expect(await anotherTimeAsked(call)).toBe(placed.toISOString());
    expect(((await json(await stack.api(`/api/appointments/${call.appointmentId}`))) as { call_back_reason: string | null }).call_back_reason).toBe('landline');
    // The day's list carries it too, so staff working from it call the patient back.
    expect(await anotherTimeAskedInList(call)).toBe(placed.toISOString());
    expect(await callBackNotice(call)).toMatch(
      /^Call back: Rahul asked for another time on the reminder call of \w+ \d+, \d{4}, \d+:\d\d [AP]M\. A landline takes no texts, so the time has not changed\.$/,
    );
    // Staff called back and moved the visit: the request is answered.
    const to = DateTime.now().plus({ days: 4 }).set({ second: 0, millisecond: 0 }).toISO();
    expect((await stack.api(`/api/appointments/${call.appointmentId}`, { method: 'PATCH', body: JSON.stringify({ starts_at: to }) })).status).toBe(200);
    expect(await anotherTimeAsked(call)).toBeNull();
  });

  it('on a landline, keeps the request to call back after the retention purge masks the number of the text that came back 30006', async () => {
    const call = await landlineReminderCall();
    await answer(call);
    await press(call, '2');
    const [{ created_at: placed }] = (await stack.sql`select created_at from calls where id = ${call.id}`) as unknown as [{ created_at: Date }];
    expect(await anotherTimeAsked(call)).toBe(placed.toISOString());

    // The reminder text that came back 30006 passes the clinic's retention_days (the visit still ahead,
    // the call recent) and the purge masks its number: the message log no longer says which number
    // takes no texts.
    await stack.sql`update messages set created_at = created_at - interval '100 days' where phone = ${call.phone} and error_code = 30006`;
    await purgeExpiredRecords(stack.sql);
    expect(await stack.sql`select phone from messages where appointment_id = ${call.appointmentId} and error_code = 30006`).toEqual([
      { phone: `•••• ${call.phone.slice(-4)}` },
    ]);

    // Staff are still asked to call the patient back, for the same reason.
    expect(await anotherTimeAsked(call)).toBe(placed.toISOString());
    expect(((await json(await stack.api(`/api/appointments/${call.appointmentId}`))) as { call_back_reason: string | null }).call_back_reason).toBe('landline');
    expect(await callBackNotice(call)).toMatch(
      /^Call back: Rahul asked for another time on the reminder call of .*\. A landline takes no texts, so the time has not changed\.$/,
    );
  });

  it('on a landline, confirms on 1 without promising or sending a text', async () => {
    const call = await landlineReminderCall();
    await answer(call);
    const twiml = await (await press(call, '1')).text();
    expect(twiml).toMatch(/<Say language="en-US">Thank you\. Your visit on .* is confirmed\. Goodbye\.<\/Say><Hangup\/>/);
    expect(twiml).not.toMatch(/text/i);
    expect(await appointmentStatus(call)).toBe('confirmed');
    expect(await textsAfterCall(call)).toHaveLength(0);
  });

  it.each([
    ['completed', '3'],
    ['failed', '1'],
  ])('changes nothing for a key on a call already %s in our records, and hangs up saying nothing', async (ended, key) => {
    const call = await reminderCall();
    await answer(call);
    expect((await callStatus(call, ended)).status).toBe(204);
    const response = await press(call, key);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>');
    expect(await appointmentStatus(call)).toBe('booked');
    expect(await callRow(call)).toMatchObject({ status: ended, digits: null, choice: null, outcome_note: null });
    expect(await textsAfterCall(call)).toHaveLength(0);
    expect(await stack.sql`select step from call_steps where call_sid = ${call.callSid}`).toEqual([{ step: 'answer' }]);
  });

  it.each([
    ['completed', 'human'],
    ['no-answer', 'machine_end_beep'],
  ])('reads no menu and leaves no voicemail when the call is already %s in our records: it hangs up saying nothing', async (ended, answeredBy) => {
    const call = await reminderCall();
    expect((await callStatus(call, ended)).status).toBe(204);
    const response = await answer(call, answeredBy);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>');
    expect(await callRow(call)).toMatchObject({ status: ended, answered_by: null, digits: null, choice: null, outcome_note: null });
    expect(await stack.sql`select 1 from call_steps where call_sid = ${call.callSid}`).toHaveLength(0);
    expect(await appointmentStatus(call)).toBe('booked');
    expect(await textsAfterCall(call)).toHaveLength(0);
  });

  it('says the question was already answered when the patient answered it by text during the call, and changes nothing', async () => {
    const call = await reminderCall();
    await answer(call);
    await stack.sendSms(call.phone, 'YES');
    await vi.waitFor(async () => expect(await appointmentStatus(call)).toBe('confirmed'), { timeout: 10_000 });
    const twiml = await (await press(call, '3')).text();
    expect(twiml).toMatch(
      /<Say language="en-US">Sorry, since we called you, your appointment has changed or this question has already been answered, .*<Hangup\/>/,
    );
    expect(await appointmentStatus(call)).toBe('confirmed');
    expect(await callRow(call)).toMatchObject({
      digits: '3',
      choice: null,
      outcome_note: 'the question had closed (moved or answered since the call): nothing changed',
    });
    expect(await textsAfterCall(call)).toHaveLength(0);
  });

  it('apologises when the chain cannot take the answer (it is gone), and asks the patient to call the office', async () => {
    const call = await reminderCall();
    await answer(call);
    await stack.temporal.workflow.getHandle(call.workflowId).terminate('test: the chain is gone');
    const twiml = await (await press(call, '1')).text();
    expect(twiml).toMatch(/Sorry, we could not record your answer\. Please call the office at .*<Hangup\/>/);
    expect(await appointmentStatus(call)).toBe('booked');
    expect(await callRow(call)).toMatchObject({ digits: '1', choice: null, outcome_note: 'the choice could not be recorded' });
    expect(await textsAfterCall(call)).toHaveLength(0);
  });
});

describe('a key pressed after staff moved the appointment during the call', () => {
  /** Staff move the call's appointment 4 days out (`PATCH /api/appointments/{id}`); waits for the move's text asking about the new time. @returns the new start. */
  const moveDuringCall = async (call: TestCall, asked: RegExp): Promise<string> => {
    const to = DateTime.now().plus({ days: 4 }).set({ second: 0, millisecond: 0 }).toISO();
    const moved = await stack.api(`/api/appointments/${call.appointmentId}`, { method: 'PATCH', body: JSON.stringify({ starts_at: to }) });
    expect(moved.status).toBe(200);
    await expect.poll(async () => (await outboundTexts(stack, call.phone)).at(-1), { timeout: 15_000 }).toMatch(asked);
    return ((await json(moved)) as { starts_at: string }).starts_at;
  };
  const appointmentNow = async (call: TestCall) =>
    (await json(await stack.api(`/api/appointments/${call.appointmentId}`))) as { status: string; starts_at: string };

  it.each(['1', '3'])(
    "on %s changes nothing, says the appointment changed and a text has the details; the move's question stays open and a later YES confirms the new time",
    async (key) => {
      const call = await reminderCall();
      await answer(call);
      const startsAt = await moveDuringCall(call, /is now .*\.\nReply YES to confirm, NO to cancel, CHANGE for another time\.$/);

      const twiml = await (await press(call, key)).text();
      expect(twiml).toContain(
        '<Response><Say language="en-US">Sorry, since we called you, your appointment has changed or this question has already been answered, so your key has changed nothing. ' +
          'We have sent you a text message with the details. Goodbye.</Say><Hangup/></Response>',
      );
      expect(await appointmentNow(call)).toMatchObject({ status: 'booked', starts_at: startsAt });
      expect(await callRow(call)).toMatchObject({
        digits: key,
        choice: null,
        outcome_note: 'the question had closed (moved or answered since the call): nothing changed',
      });
      expect(await textsAfterCall(call)).toHaveLength(0);

      // The move's own question is still open: the patient's YES by text confirms the new time.
      const reply = await patientReply(stack, call.phone, await stack.sendSms(call.phone, 'YES'));
      expect(reply).toMatch(/^Test Clinic: thank you, Rahul Sharma\. Your visit with Dr Mehta on .* is confirmed/);
      expect(await appointmentNow(call)).toMatchObject({ status: 'confirmed', starts_at: startsAt });
    },
  );

  it('says so in Spanish to a Spanish reader', async () => {
    const call = await reminderCall('es');
    await answer(call);
    await moveDuringCall(call, /pasa al .*\.\nSI para confirmar, NO para cancelar, CAMBIAR para otra hora\.$/);
    expect(await (await press(call, '1')).text()).toContain(
      '<Say language="es-MX">Lo sentimos, desde que le llamamos su cita ha cambiado o esta pregunta ya fue respondida, así que su tecla no ha cambiado nada. ' +
        'Le hemos enviado un mensaje de texto con los detalles. Adiós.</Say><Hangup/>',
    );
    expect((await appointmentNow(call)).status).toBe('booked');
  });

  it('on a landline, promises no text and gives the office phone, also for 2', async () => {
    const call = await landlineReminderCall();
    await answer(call);
    const startsAt = await moveDuringCall(call, /is now .*\nReply YES to confirm/);
    const twiml = await (await press(call, '2')).text();
    const officePhone = formatPhoneForPeople(phoneToCall(stack.clinic)!);
    expect(twiml).toContain(
      '<Say language="en-US">Sorry, since we called you, your appointment has changed or this question has already been answered, so your key has changed nothing. ' +
        `For the details, please call us at ${officePhone}. Goodbye.</Say><Hangup/>`,
    );
    expect(await appointmentNow(call)).toMatchObject({ status: 'booked', starts_at: startsAt });
    expect(await callRow(call)).toMatchObject({
      digits: '2',
      choice: null,
      outcome_note: 'the question had closed (moved or answered since the call): nothing changed',
    });
    // Not a request to call back about another time: the key asked about a time that is no longer the visit's.
    expect(await anotherTimeAsked(call)).toBeNull();
  });
});

describe('a reminder call answered after its question closed while the phone rang', () => {
  it('reads no menu for a visit staff moved meanwhile: its new time and the office phone, as on voicemail', async () => {
    const call = await reminderCall();
    const to = DateTime.now().plus({ days: 4 }).set({ hour: 9, minute: 30, second: 0, millisecond: 0 });
    expect((await stack.api(`/api/appointments/${call.appointmentId}`, { method: 'PATCH', body: JSON.stringify({ starts_at: to.toISO() }) })).status).toBe(200);
    await expect.poll(async () => (await outboundTexts(stack, call.phone)).at(-1), { timeout: 15_000 }).toMatch(/Reply YES to confirm/);

    const twiml = await (await answer(call)).text();
    const newTime = to.setZone(stack.clinic.timezone).setLocale('en-US').toLocaleString(DateTime.TIME_SIMPLE); // the US clinic's 9:30 AM
    expect(twiml).toMatch(
      new RegExp(
        `<Response><Say language="en-US">Hello, this is Test Clinic with a reminder of your visit on .* at ${newTime}\\. Questions\\? Please call us at .*</Say><Hangup/></Response>$`,
      ),
    );
    expect(twiml).not.toContain('<Gather');
    expect(await callRow(call)).toMatchObject({ outcome_note: 'the question had closed before the call was answered: no menu' });
    expect(await appointmentStatus(call)).toBe('booked');
  });

  it.each([
    [
      'en',
      'human',
      /<Say language="en-US">Hello, this is Test Clinic\. Your visit on .* at \d{1,2}:\d\d [AP]M has been cancelled\. To book again, please call us at .*\. Goodbye\.<\/Say><Hangup\/>/,
    ],
    [
      'es',
      'human',
      /<Say language="es-MX">Hola, le llamamos de Test Clinic\. Su cita del .*, \d{1,2}:\d\d [ap]\.m\. ha sido cancelada\. Para otra cita, llame al .*\. Adiós\.<\/Say><Hangup\/>/,
    ],
    ['en', 'machine_end_beep', /<Say language="en-US">Hello, this is Test Clinic\. Your visit on .* has been cancelled\./],
  ])('says a visit cancelled meanwhile is cancelled (%s, answered by %s), instead of asking to confirm it', async (language, answeredBy, said) => {
    const call = await reminderCall(language);
    expect((await stack.api(`/api/appointments/${call.appointmentId}/cancel`, { method: 'POST' })).status).toBe(200);

    const twiml = await (await answer(call, answeredBy)).text();
    expect(twiml).toMatch(said);
    expect(twiml).not.toContain('<Gather');
    expect(twiml).not.toContain('Dr Mehta');
    expect(await appointmentStatus(call)).toBe('cancelled');
  });
});

describe('a reminder call answered by a machine', () => {
  it('leaves the time and the office phone, no provider or service, and hangs up', async () => {
    const call = await reminderCall();
    const twiml = await (await answer(call, 'machine_end_beep')).text();
    expect(twiml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Say language="en-US">Hello, this is Test Clinic with a reminder of your visit on .* at \d{1,2}:\d\d [AP]M\. Questions\? Please call us at .*<\/Say><Hangup\/><\/Response>$/,
    );
    expect(twiml).not.toContain('Dr Mehta');
    expect(twiml).not.toContain('Ortho');
    expect(twiml).not.toContain('<Gather');
    expect(await callRow(call)).toMatchObject({ answered_by: 'machine_end_beep', outcome_note: 'voicemail left' });
    expect(await appointmentStatus(call)).toBe('booked');
  });
});

describe('call status callbacks', () => {
  it('move a call forward only, and tell the chain its final status', async () => {
    const call = await reminderCall();
    for (const status of ['initiated', 'ringing', 'in-progress']) expect((await callStatus(call, status)).status).toBe(204);
    expect((await callStatus(call, 'completed', 'machine_end_beep')).status).toBe(204);
    expect((await callStatus(call, 'ringing')).status).toBe(204);
    expect((await callStatus(call, 'completed', 'machine_end_beep')).status).toBe(204);
    expect(await callRow(call)).toMatchObject({ status: 'completed', answered_by: 'machine_end_beep' });
    expect(await stack.sql`select status from call_status_events where call_sid = ${call.callSid} order by id`).toHaveLength(4);

    const history = await stack.temporal.workflow.getHandle(call.workflowId).fetchHistory();
    const receipts = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'deliveryReceipt');
    expect(receipts).toHaveLength(1);
  });

  it('record a callback for an unknown CallSid, and refuse a bad one with 400', async () => {
    const sid = fakeSid('CA');
    const params = callStatusParams({ callSid: sid, from: stack.clinicNumber, to: patientPhone(), callStatus: 'busy' });
    expect((await stack.sendWebhook('/webhooks/twilio/voice/status', params)).status).toBe(204);
    expect(await stack.sql`select status from call_status_events where call_sid = ${sid}`).toEqual([{ status: 'busy' }]);
    const bad = await stack.sendWebhook('/webhooks/twilio/voice/status', { ...params, CallSid: 'CA123' });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.field).toBe('CallSid');
  });
});

describe('forged voice webhooks', () => {
  it('are refused with 403 and change nothing', async () => {
    const call = await reminderCall();
    const path = `/webhooks/twilio/voice/calls/${call.id}/gather?attempt=1`;
    const forged = await stack.app.request(path, signedTwilioRequest('wrong', path, gatherParams({ ...party(call), digits: '3' })));
    expect(forged.status).toBe(403);
    const status = await stack.app.request(
      '/webhooks/twilio/voice/status',
      signedTwilioRequest('wrong', '/webhooks/twilio/voice/status', callStatusParams({ ...party(call), callStatus: 'completed' })),
    );
    expect(status.status).toBe(403);
    expect(await appointmentStatus(call)).toBe('booked');
    expect(await stack.sql`select 1 from call_steps where call_sid = ${call.callSid}`).toHaveLength(0);
    expect(await stack.sql`select 1 from call_status_events where call_sid = ${call.callSid}`).toHaveLength(0);
  });
});
