/**
 * A patient presses 2 (another time) on a reminder call to a mobile, which promises the open times by
 * text, but Twilio refuses that text: the call says instead that the clinic will call back, and staff
 * see a request to call the patient back (`call_back_reason` `times_not_sent`) instead of a warning in
 * the log only. Real signed Twilio webhooks through the real Hono app, the appointment's real chain,
 * and texts sent through Twilio's REST API stand-in (fakeTwilioApi.ts), which refuses the one after
 * the call.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { describe, expect, it, vi } from 'vitest';
import { phoneToCall } from '../../src/clinics/clinics.js';
import { formatPhoneForPeople } from '../../src/domain/phone.js';
import { bookThroughApi, remindAndAwaitQuestion } from '../support/apiBooking.js';
import { json } from '../support/stack.js';
import { staffCookie } from '../support/staffForms.js';
import { twilioStackSuite } from '../support/twilioStackSuite.js';
import { callTwimlParams, fakeSid, gatherParams } from '../support/twilioWebhooks.js';

const suite = twilioStackSuite();

/**
 * Books a visit 3 days ahead at 11:00 for Lena Fischer, reminds her by text, and has the clinic's
 * reminder call (sharing the reminder's delivery key) answered by a person; from then on Twilio
 * refuses every text to her number (21610: she replied STOP). @returns what the call's keypad needs.
 */
async function onACallThatCannotText() {
  const { stack, twilioApi } = suite;
  const startsAt = DateTime.now().setZone(stack.clinic.timezone).plus({ days: 3 }).set({ hour: 11, minute: 0, second: 0, millisecond: 0 });
  const { id: appointmentId, workflowId, phone, day } = await bookThroughApi(stack, { startsAt, patientName: 'Lena Fischer' });
  await remindAndAwaitQuestion(stack, appointmentId, workflowId);
  const [reminder] = await vi.waitFor(
    async () => {
      const rows = await stack.sql<{ delivery_key: string }[]>`
        select delivery_key from messages where appointment_id = ${appointmentId} and delivery_key like '%:reminder:%' and provider_sid is not null`;
      expect(rows).toHaveLength(1);
      return rows;
    },
    { timeout: 15_000 },
  );
  // The clinic calls to remind (the call delivers the reminder: it shares the reminder text's delivery key).
  const callSid = fakeSid('CA');
  const [call] = await stack.sql<{ id: string }[]>`
    insert into calls (clinic_id, appointment_id, delivery_key, phone, from_address, to_address, language, idempotency_key, call_sid)
    values (${stack.clinic.id}, ${appointmentId}, ${reminder!.delivery_key}, ${phone}, ${stack.clinicNumber}, ${phone}, 'en', ${randomUUID()}, ${callSid})
    returning id::text`;
  const party = { callSid, from: stack.clinicNumber, to: phone };
  expect((await stack.sendWebhook(`/webhooks/twilio/voice/calls/${call!.id}/answer`, callTwimlParams({ ...party, answeredBy: 'human' }))).status).toBe(200);

  twilioApi.setAnswer(phone, (request) => (request.resource === 'messages' ? { kind: 'refused', code: 21610 } : { kind: 'created' }));
  return { stack, appointmentId, phone, day, callSid, callId: call!.id, party };
}

describe('a patient who asks for another time on a reminder call to a mobile', () => {
  it('and cannot be texted the open times: the call says the clinic will call back, and staff see a call-back request saying so', async () => {
    const { stack, appointmentId, day, callSid, callId, party } = await onACallThatCannotText();
    const before = new Date();
    const pressed = await stack.sendWebhook(`/webhooks/twilio/voice/calls/${callId}/gather?attempt=1`, gatherParams({ ...party, digits: '2' }));
    const after = new Date();
    expect(pressed.status).toBe(200);
    // Twilio refused the text before the call's answer went back: the call promises no text, and says
    // the clinic will call back (as staff are asked to), the visit staying as it is meanwhile.
    const twiml = await pressed.text();
    expect(twiml).not.toMatch(/sending you a text/);
    const officePhone = formatPhoneForPeople(phoneToCall(stack.clinic)!);
    expect(twiml).toContain(
      `<Say language="en-US">Sorry, we could not send you a text message with the open times. We will call you back to arrange another time, or you can call us at ${officePhone}. Until then, your visit stays on `,
    );
    expect(twiml).toMatch(/Until then, your visit stays on \w+day, \w+ \d+ at \d{1,2}:\d\d [AP]M\. Goodbye\.<\/Say><Hangup\/><\/Response>$/);
    const [reply] = await stack.sql<{ status: string; error_code: number | null }[]>`
      select status, error_code from messages where idempotency_key = ${`call:${callSid}:reply`}`;
    expect(reply).toEqual({ status: 'failed', error_code: 21610 });

    const { another_time_asked_at, call_back_reason } = (await json(await stack.api(`/api/appointments/${appointmentId}`))) as {
      another_time_asked_at: string | null;
      call_back_reason: string | null;
    };
    expect(call_back_reason).toBe('times_not_sent');
    const asked = Date.parse(another_time_asked_at!);
    expect(asked).toBeGreaterThanOrEqual(before.getTime() - 1_000);
    expect(asked).toBeLessThanOrEqual(after.getTime() + 1_000);
    const { appointments } = (await json(await stack.api(`/api/appointments?date=${day}`))) as {
      appointments: { id: string; another_time_asked_at: string | null; call_back_reason: string | null }[];
    };
    expect(appointments.find((a) => a.id === appointmentId)).toMatchObject({ another_time_asked_at, call_back_reason: 'times_not_sent' });

    // The Appointments page's card says why nobody has the times.
    const page = await (
      await stack.app.request(`/admin/appointments?${new URLSearchParams({ clinic: stack.clinic.slug, date: day }).toString()}`, {
        headers: { Cookie: await staffCookie(stack) },
      })
    ).text();
    const card = new RegExp(`<li class="appt card"[^>]* data-appointment="${appointmentId}"[\\s\\S]*?</li>`).exec(page)?.[0];
    const notice = /<p class="appt-call-back" data-call-back>([\s\S]*?)<\/p>/
      .exec(card ?? '')?.[1]
      ?.replace(/<[^>]*>/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    expect(notice).toMatch(
      /^Call back: Lena asked for another time on \w+ \d+, \d{4}, \d+:\d\d [AP]M, on a reminder call, but the text with the open times could not be sent\. The time has not changed\.$/,
    );
  });
});

describe('a patient who confirms or cancels on a reminder call to a mobile that cannot be texted', () => {
  it.each([
    ['1', 'Thank you. Your visit on '],
    ['3', 'Your visit on '],
  ])('pressing %s is not promised a text that Twilio has refused', async (digits, opening) => {
    const { stack, callSid, callId, party } = await onACallThatCannotText();
    const pressed = await stack.sendWebhook(`/webhooks/twilio/voice/calls/${callId}/gather?attempt=1`, gatherParams({ ...party, digits }));
    expect(pressed.status).toBe(200);
    const twiml = await pressed.text();
    expect(twiml).toContain(`<Say language="en-US">${opening}`);
    expect(twiml).not.toMatch(/text message/);
    const [reply] = await stack.sql<{ status: string; error_code: number | null }[]>`
      select status, error_code from messages where idempotency_key = ${`call:${callSid}:reply`}`;
    expect(reply).toEqual({ status: 'failed', error_code: 21610 });
  });
});
