/**
 * A patient answers a WhatsApp reminder by tapping one of its template's quick-reply buttons: Twilio
 * posts the tap to the SMS webhook as an inbound WhatsApp message with `ButtonText` and
 * `ButtonPayload`, and the reply router takes it like the word typed. A `Cancel` button cancels the
 * appointment; it is never the carrier opt-out word CANCEL.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerStrandedMessages } from '../../src/inbound/answerStrandedMessages.js';
import { bookThroughApi } from '../support/apiBooking.js';
import { textsTo } from '../support/appointments.js';
import { fakeSid, json, patientPhone, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const appointment = async (id: string) => json(await stack.api(`/api/appointments/${id}`));

/** Books a WhatsApp appointment for `phone` three days out and has its reminder sent; resolves once the reminder is in the log. */
async function bookAndRemind(phone: string): Promise<string> {
  const { id } = await bookThroughApi(stack, { phone, channel: 'whatsapp', patientName: 'Ana Lopez', provider: 'Dr Ramirez', service: 'Dental cleaning' });
  expect((await stack.api(`/api/appointments/${id}/remind`, { method: 'POST' })).status).toBe(200);
  const patient = { clinicId: stack.clinic.id, phone };
  await expect.poll(async () => (await textsTo(stack.sql, patient)).at(-1)?.body, { timeout: 15_000 }).toMatch(/Reply YES to confirm/);
  return id;
}

/** A signed tap on a quick-reply button from `phone`'s WhatsApp. */
const tap = (phone: string, text: string, payload: string) =>
  stack.sendSms(`whatsapp:${phone}`, text, { params: { ButtonText: text, ButtonPayload: payload } });

describe('a quick-reply button on a WhatsApp reminder', () => {
  it('confirms by its payload, and the tap is logged with the button text', async () => {
    const phone = patientPhone();
    const id = await bookAndRemind(phone);
    const reply = await patientReply(stack, phone, await tap(phone, 'Confirm', 'CONFIRM'));
    expect(reply).toMatch(/^Test Clinic: thank you, Ana Lopez\. Your visit with Dr Ramirez on .* is confirmed/);
    expect((await appointment(id)).status).toBe('confirmed');
    const [logged] = await stack.sql`
      select channel, body, button_payload from messages where clinic_id = ${stack.clinic.id} and phone = ${phone} and direction = 'inbound'`;
    expect(logged).toEqual({ channel: 'whatsapp', body: 'Confirm', button_payload: 'CONFIRM' });
  });

  it('answers by its text when the payload is not a word the open question takes', async () => {
    const phone = patientPhone();
    const id = await bookAndRemind(phone);
    const reply = await patientReply(stack, phone, await tap(phone, 'Yes', 'reminder-button-1'));
    expect(reply).toMatch(/is confirmed/);
    expect((await appointment(id)).status).toBe('confirmed');
  });

  it('cancels with the cancelled reply through the router, and opts nobody out, while a typed CANCEL is an opt-out word', async () => {
    expect((await json(await stack.api('/api/clinic'))).cancel_is_opt_out).toBe(true);
    const phone = patientPhone();
    const id = await bookAndRemind(phone);
    const reply = await patientReply(stack, phone, await tap(phone, 'Cancel', 'CANCEL'));
    expect(reply).toMatch(/^Test Clinic: Ana Lopez, your visit with Dr Ramirez on .* is cancelled/);
    expect((await appointment(id)).status).toBe('cancelled');
    expect(await stack.sql`select 1 from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`).toHaveLength(0);
  });

  it('is only a button on WhatsApp: the same parameters on an SMS leave a typed CANCEL the opt-out word', async () => {
    const phone = patientPhone();
    const id = await bookAndRemind(phone);
    expect(await twimlText(await stack.sendSms(phone, 'Cancel', { params: { ButtonText: 'Cancel', ButtonPayload: 'CANCEL' } }))).toBe('');
    expect((await appointment(id)).status).toBe('cancelled');
    expect(await stack.sql`select keyword from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`).toEqual([{ keyword: 'CANCEL' }]);
  });

  it('is still a button when the reply sweep handles it again after a restart: Cancel cancels, nobody is opted out', async () => {
    const phone = patientPhone();
    const id = await bookAndRemind(phone);
    // The webhook logged the tap, then the process stopped before answering it.
    await stack.sql`
      insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, button_payload, provider_sid, status, processing_started_at)
      values (${stack.clinic.id}, 'inbound', 'whatsapp', ${phone}, ${`whatsapp:${phone}`}, ${`whatsapp:${stack.clinicNumber}`}, 'Cancel', 'CANCEL', ${fakeSid()},
              'received', now() - interval '1 minute')`;
    const log = pino({ level: 'silent' });
    await answerStrandedMessages({ sql: stack.sql, temporal: stack.temporal, taskQueue: stack.taskQueue, log, messenger: stack.messenger });
    expect((await appointment(id)).status).toBe('cancelled');
    expect(await stack.sql`select 1 from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`).toHaveLength(0);
    await expect.poll(async () => (await textsTo(stack.sql, { clinicId: stack.clinic.id, phone })).at(-1)?.body, { timeout: 15_000 }).toMatch(/is cancelled/);
  });
});
