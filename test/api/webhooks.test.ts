/**
 * Patients' texts through the real app, signed as Twilio signs them.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestClinic } from '../support/clinic.js';
import { json, patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';
import { fakeSid, signedTwilioRequest } from '../support/twilioWebhooks.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

const rowsFor = async (phone: string) => ({
  messages: (await stack.sql`select direction, body from messages where clinic_id = ${stack.clinic.id} and phone = ${phone} order by id`).map((r) => ({
    ...r,
  })),
  tickets: (await stack.sql`select code, state from tickets where clinic_id = ${stack.clinic.id} and phone = ${phone}`).map((r) => ({ ...r })),
});

async function joinedCode(response: Response): Promise<string> {
  const reply = await twimlText(response);
  const code = /ticket is ([A-Z]\d+)/.exec(reply)?.[1];
  if (code === undefined) throw new Error(`no ticket in reply: ${reply}`);
  return code;
}

describe('signatures', () => {
  it('refuses a forged signature with 403 and writes nothing', async () => {
    const phone = patientPhone();
    const params = { MessageSid: fakeSid(), From: phone, To: stack.clinicNumber, Body: 'JOIN' };
    const response = await stack.app.request('/webhooks/twilio/sms', signedTwilioRequest('not-the-auth-token', '/webhooks/twilio/sms', params));
    expect(response.status).toBe(403);
    expect((await json(response)).error).toMatchObject({ code: 'forbidden', field: 'X-Twilio-Signature' });
    expect(await rowsFor(phone)).toEqual({ messages: [], tickets: [] });
  });

  it('refuses a request with no signature, and one whose body was changed after signing', async () => {
    const phone = patientPhone();
    const params = { MessageSid: fakeSid(), From: phone, To: stack.clinicNumber, Body: 'JOIN' };
    const unsigned = await stack.app.request('/webhooks/twilio/sms', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    expect(unsigned.status).toBe(403);
    const tampered = await stack.app.request('/webhooks/twilio/sms', {
      ...signedTwilioRequest(stack.twilioAuthToken, '/webhooks/twilio/sms', params),
      body: new URLSearchParams({ ...params, Body: 'LEAVE' }).toString(),
    });
    expect(tampered.status).toBe(403);
    expect(await rowsFor(phone)).toEqual({ messages: [], tickets: [] });
  });
});

describe('bad input', () => {
  it('answers 400 naming From or Body when one is missing', async () => {
    const noFrom = await stack.sendSms('', 'JOIN', { params: { From: '' } });
    expect(noFrom.status).toBe(400);
    expect((await json(noFrom)).error.field).toBe('From');

    const phone = patientPhone();
    const params = { MessageSid: fakeSid(), From: phone, To: stack.clinicNumber };
    const noBody = await stack.sendWebhook('/webhooks/twilio/sms', params);
    expect(noBody.status).toBe(400);
    expect((await json(noBody)).error).toMatchObject({ code: 'bad_request', field: 'Body' });
    expect(await rowsFor(phone)).toEqual({ messages: [], tickets: [] });
  });

  it('answers 400 when From is not a phone number, and 404 when no clinic owns To', async () => {
    const notPhone = await stack.sendSms('hello', 'JOIN');
    expect(notPhone.status).toBe(400);
    expect((await json(notPhone)).error).toMatchObject({ field: 'From', message: 'From: must be a phone number (E.164, or whatsapp:+…)' });
    const strangeTo = await stack.sendSms(patientPhone(), 'JOIN', { params: { To: '+12025550000' } });
    expect(strangeTo.status).toBe(404);
    expect((await json(strangeTo)).error.field).toBe('To');
  });

  it('answers 400 naming From when From and To are on different channels, and writes nothing', async () => {
    const phone = patientPhone();
    const whatsAppToSms = await stack.sendSms(`whatsapp:${phone}`, 'JOIN', { params: { To: stack.clinicNumber } });
    expect(whatsAppToSms.status).toBe(400);
    expect((await json(whatsAppToSms)).error).toMatchObject({ code: 'bad_request', field: 'From', message: expect.stringContaining('must match') });
    const smsToWhatsApp = await stack.sendSms(phone, 'JOIN', { params: { To: `whatsapp:${stack.clinicNumber}` } });
    expect(smsToWhatsApp.status).toBe(400);
    expect((await json(smsToWhatsApp)).error).toMatchObject({ code: 'bad_request', field: 'From' });
    expect(await rowsFor(phone)).toEqual({ messages: [], tickets: [] });
  });

  it('answers 10 KB of junk with the short help, and keeps it in the log', async () => {
    const phone = patientPhone();
    const junk = 'x%$#@!'.repeat(1700);
    const response = await stack.sendSms(phone, junk);
    expect(response.status).toBe(200);
    expect(await twimlText(response)).toContain("didn't understand");
    expect((await rowsFor(phone)).tickets).toEqual([]);
  });

  it('takes emoji and other scripts in a JOIN note', async () => {
    const phone = patientPhone();
    const code = await joinedCode(await stack.sendSms(phone, 'join 🤕 dolor de espalda 背中が痛い'));
    const queue = await json(await stack.api('/api/queue'));
    expect(queue.tickets.find((t: { code: string }) => t.code === code).note).toBe('🤕 dolor de espalda 背中が痛い');
  });

  it('answers an unknown command with the help text', async () => {
    const reply = await twimlText(await stack.sendSms(patientPhone(), 'when do you open?'));
    expect(reply).toContain('Reply JOIN to get in line');
  });
});

describe('a patient in line', () => {
  it('checks their place, gets the same ticket on a second JOIN, and leaves', async () => {
    const phone = patientPhone();
    const code = await joinedCode(await stack.sendSms(phone, 'JOIN'));
    expect(await twimlText(await stack.sendSms(phone, 'status'))).toContain(`ticket ${code}`);
    expect(await twimlText(await stack.sendSms(phone, 'JOIN'))).toContain(`already in line with ticket ${code}`);
    expect(await twimlText(await stack.sendSms(phone, ' Leave '))).toContain(`you've left the line (ticket ${code})`);
    expect(await twimlText(await stack.sendSms(phone, 'STATUS'))).toContain("you're not in line");
    expect((await rowsFor(phone)).tickets).toEqual([{ code, state: 'left' }]);
  });

  it('gets one ticket when Twilio retries the same MessageSid, and the same reply again', async () => {
    const phone = patientPhone();
    const messageSid = fakeSid();
    const first = await twimlText(await stack.sendSms(phone, 'JOIN', { messageSid }));
    const again = await twimlText(await stack.sendSms(phone, 'JOIN', { messageSid }));
    expect(again).toBe(first);
    const rows = await rowsFor(phone);
    expect(rows.tickets).toHaveLength(1);
    expect(rows.messages).toEqual([
      { direction: 'inbound', body: 'JOIN' },
      { direction: 'outbound', body: first },
    ]);
  });

  it('hears how to reach the clinic and how to stop on HELP', async () => {
    const reply = await twimlText(await stack.sendSms(patientPhone(), 'help'));
    expect(reply).toContain('Test Clinic');
    expect(reply).toContain(`(202) 555-${stack.clinicNumber.slice(-4)}`);
    expect(reply).toContain('STOP');
  });

  it('on WhatsApp is answered and called on WhatsApp', async () => {
    const phone = patientPhone();
    const code = await joinedCode(await stack.sendSms(`whatsapp:${phone}`, 'JOIN'));
    const moved = await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) });
    expect(moved.status).toBe(200);
    const called = await vi.waitFor(
      async () => {
        const found = (await json(await stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`))).messages.find((m: { body: string }) =>
          m.body.includes("you're next"),
        );
        expect(found).toBeDefined();
        return found;
      },
      { timeout: 10_000 },
    );
    const log = await json(await stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`));
    expect(log.messages.at(-1)).toMatchObject({ direction: 'inbound', channel: 'whatsapp', from: `whatsapp:${phone}` });
    expect(called).toMatchObject({ direction: 'outbound', channel: 'whatsapp', to: `whatsapp:${phone}`, from: `whatsapp:${stack.clinicNumber}` });
  });
});

describe('after closing time', () => {
  /** Tomorrow in `timezone` (mid-morning there now), as Intl names a day in `language`: `Tuesday, Dec 8`, `martes, 8 dic`. */
  const tomorrowIn = (timezone: string, language: string) =>
    new Intl.DateTimeFormat(language, { timeZone: timezone, weekday: 'long', month: 'short', day: 'numeric' }).format(Date.now() + 24 * 60 * 60 * 1000);

  it('a JOIN gets a ticket for the next day, and is told so, naming the day', async () => {
    const { clinic, clinicNumber } = await createTestClinic(stack.sql, { closingTime: '09:00' });
    const reply = await twimlText(await stack.sendSms(patientPhone(), 'JOIN', { params: { To: clinicNumber } }));
    expect(reply).toMatch(
      new RegExp(
        `we've closed for today, so your ticket [A-Z]\\d+ is for our next open day, ${tomorrowIn(clinic.timezone, 'en-US')}: you're #1 in line, with little or no wait once we open`,
      ),
    );
  });

  it('STATUS and a second JOIN say the ticket is for the next open day too, naming it, never "come now"', async () => {
    const { clinic, clinicNumber } = await createTestClinic(stack.sql, { closingTime: '09:00' });
    const phone = patientPhone();
    const day = tomorrowIn(clinic.timezone, 'en-US');
    const joined = await twimlText(await stack.sendSms(phone, 'JOIN', { params: { To: clinicNumber } }));
    const code = /your ticket ([A-Z]\d+) is for our next open day/.exec(joined)?.[1];
    expect(await twimlText(await stack.sendSms(phone, 'STATUS', { params: { To: clinicNumber } }))).toBe(
      `Test Clinic: ticket ${code} is for our next open day, ${day}: you're #1 in line, with little or no wait once we open.`,
    );
    expect(await twimlText(await stack.sendSms(phone, 'JOIN', { params: { To: clinicNumber } }))).toBe(
      `Test Clinic: you're already in line with ticket ${code}, for our next open day, ${day}: you're #1 in line, with little or no wait once we open.`,
    );
  });

  it('a Spanish reader is told the day in Spanish (without the accent GSM-7 lacks)', async () => {
    const { clinic, clinicNumber } = await createTestClinic(stack.sql, { closingTime: '09:00' });
    const day = tomorrowIn(clinic.timezone, 'es').replace('á', 'a');
    const phone = patientPhone();
    await stack.sendSms(phone, 'ESPAÑOL', { params: { To: clinicNumber } });
    const reply = await twimlText(await stack.sendSms(phone, 'JOIN', { params: { To: clinicNumber } }));
    expect(reply).toMatch(
      new RegExp(`^Test Clinic: hoy ya cerramos, por eso su turno [A-Z]\\d+ es para nuestra siguiente jornada, el ${day}: tiene el lugar #1`),
    );
  });
});

describe('opting out', () => {
  it('sends nothing at all after STOP, even to a JOIN, until START', async () => {
    const phone = patientPhone();
    const stop = await stack.sendSms(phone, 'STOP');
    expect(await twimlText(stop)).toBe('');
    const join = await stack.sendSms(phone, 'JOIN');
    expect(join.status).toBe(200);
    expect(await twimlText(join)).toBe('');
    const rows = await rowsFor(phone);
    expect(rows.tickets).toEqual([]);
    expect(rows.messages.filter((m) => m.direction === 'outbound')).toEqual([]);

    expect(await twimlText(await stack.sendSms(phone, 'start'))).toContain("you'll get our texts again");
    expect(await twimlText(await stack.sendSms(phone, 'JOIN'))).toContain('your ticket is');
  });

  it('takes every single-word opt-out keyword Twilio honours', async () => {
    for (const word of ['STOPALL', 'unsubscribe', 'END', 'quit', 'REVOKE', 'OptOut']) {
      const phone = patientPhone();
      await stack.sendSms(phone, word);
      expect(await twimlText(await stack.sendSms(phone, 'HELP')), word).toBe('');
    }
  });

  // Twilio blocks and confirms only the bare keyword ("Only single-word messages will trigger the block",
  // help.twilio.com, "Twilio support for opt-out keywords"): any other opt-out is confirmed by us, once.
  it.each(['Stop.', 'STOP!', 'stop please', 'please stop', 'STOP texting me', 'opt out'])(
    'reads %j as an opt-out: confirmed once, and nothing afterwards',
    async (body) => {
      const phone = patientPhone();
      const confirmation = "Test Clinic: you won't get any more texts from us. Reply START to get them again.";
      expect(await twimlText(await stack.sendSms(phone, body))).toBe(confirmation);
      expect(await stack.sql`select 1 from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`).toHaveLength(1);
      expect(await twimlText(await stack.sendSms(phone, 'JOIN'))).toBe('');
      expect((await rowsFor(phone)).messages.filter((m) => m.direction === 'outbound').map((m) => m.body)).toEqual([confirmation]);
    },
  );

  it('takes a YES from an opted-out number as Twilio does: back in, and told so', async () => {
    const phone = patientPhone();
    await stack.sendSms(phone, 'STOP');
    expect(await twimlText(await stack.sendSms(phone, 'yes'))).toContain("you'll get our texts again");
    expect(await stack.sql`select 1 from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`).toHaveLength(0);
    expect(await twimlText(await stack.sendSms(phone, 'JOIN'))).toContain('your ticket is');
  });

  it('answers a YES from a number that never opted out as any other text', async () => {
    expect(await twimlText(await stack.sendSms(patientPhone(), 'YES'))).toContain("sorry, we didn't understand");
  });

  it("stops a queued patient's texts too: being called sends nothing", async () => {
    const phone = patientPhone();
    const code = await joinedCode(await stack.sendSms(phone, 'JOIN'));
    await stack.sendSms(phone, 'STOP');
    expect((await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) })).status).toBe(200);
    // The "you're next" activity runs after the update returns: wait until it has completed.
    const [ticket] = await stack.sql<{ workflow_id: string }[]>`select workflow_id from tickets where clinic_id = ${stack.clinic.id} and phone = ${phone}`;
    await expect
      .poll(async () => {
        const history = await stack.temporal.workflow.getHandle(ticket!.workflow_id).fetchHistory();
        return (history.events ?? []).filter((e) => e.activityTaskCompletedEventAttributes != null).length;
      })
      .toBeGreaterThanOrEqual(1); // sendTicketNotice (the row writes are local activities)
    const texts = (await rowsFor(phone)).messages.filter((m) => m.direction === 'outbound').map((m) => m.body);
    expect(texts).toHaveLength(1); // the reply to JOIN, before STOP
    expect(texts[0]).toContain('your ticket is');
  });
});
