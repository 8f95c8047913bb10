/**
 * An appointment on the real stack, as staff and the patient live it: booked through the API, the
 * confirmation in the message log, a reminder, YES by a signed webhook → confirmed; the same in
 * Spanish; a staff move's text, whose YES confirms the new time; a bare CANCEL with and without CANCEL
 * as the number's opt-out word; a reminder that fell due before a worker reached the new chain; the
 * CSV export.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundTexts } from '../support/apiBooking.js';
import { json, patientPhone, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const textsTo = (phone: string) => outboundTexts(stack, phone);
const appointment = async (id: string) => json(await stack.api(`/api/appointments/${id}`));

async function book(phone: string, extra: Record<string, unknown> = {}): Promise<{ id: string; starts_at: string; next_reminder_at: string | null }> {
  const response = await stack.api('/api/appointments', {
    method: 'POST',
    body: JSON.stringify({
      patient_name: 'Ana Lopez',
      phone,
      starts_at: inDays(3),
      duration_minutes: 30,
      provider: 'Dr Ramirez',
      service: 'Dental cleaning',
      channel: 'sms',
      ...extra,
    }),
  });
  expect(response.status).toBe(201);
  return json(response);
}

describe('an appointment booked through the API', () => {
  it('is confirmed at once, reminded on request, and confirmed by YES', async () => {
    const phone = patientPhone();
    const booked = await book(phone);
    expect(booked).toMatchObject({ status: 'booked', workflow_id: `appointment-${stack.clinic.slug}-${booked.id}` });
    expect(booked.next_reminder_at).not.toBeNull();
    await expect
      .poll(() => textsTo(phone), { timeout: 15_000 })
      .toEqual([expect.stringMatching(/^Test Clinic: Ana Lopez, your visit with Dr Ramirez is booked for /)]);

    expect((await stack.api(`/api/appointments/${booked.id}/remind`, { method: 'POST' })).status).toBe(200);
    await expect.poll(async () => (await textsTo(phone)).at(-1), { timeout: 15_000 }).toMatch(/Reply YES to confirm, NO to cancel, CHANGE for another time\.$/);

    const reply = await patientReply(stack, phone, await stack.sendSms(phone, 'yes'));
    expect(reply).toMatch(/^Test Clinic: thank you, Ana Lopez\. Your visit with Dr Ramirez on .* is confirmed/);
    expect((await appointment(booked.id)).status).toBe('confirmed');
  });

  it('speaks Spanish to a patient booked in Spanish, and SI confirms', async () => {
    const phone = patientPhone();
    const booked = await book(phone, { language: 'es' });
    await expect
      .poll(() => textsTo(phone), { timeout: 15_000 })
      .toEqual([expect.stringMatching(/^Test Clinic: Ana Lopez, su cita con Dr Ramirez queda reservada/)]);
    await stack.api(`/api/appointments/${booked.id}/remind`, { method: 'POST' });
    await expect
      .poll(async () => (await textsTo(phone)).at(-1), { timeout: 15_000 })
      .toMatch(/Responda SI para confirmar, NO para cancelar, CAMBIAR para otra hora\.$/);
    expect(await patientReply(stack, phone, await stack.sendSms(phone, 'Sí'))).toMatch(/^Test Clinic: gracias, Ana Lopez\. Su cita .* queda confirmada/);
    expect((await appointment(booked.id)).status).toBe('confirmed');
  });
});

describe('an answer with courtesy around it', () => {
  it('confirms on "Yes, I\'ll take it 🙂" as on YES, and answers "yes but not today" with the help listing YES, NO and CHANGE', async () => {
    const phone = patientPhone();
    const booked = await book(phone);
    await stack.api(`/api/appointments/${booked.id}/remind`, { method: 'POST' });
    await expect.poll(async () => (await textsTo(phone)).at(-1), { timeout: 15_000 }).toMatch(/Reply YES to confirm/);

    const unsure = await twimlText(await stack.sendSms(phone, 'yes but not today'));
    expect(unsure).toMatch(/^Test Clinic: sorry, we didn't understand\..*\bYES\b.*\bNO\b.*\bCHANGE\b/s);
    expect((await appointment(booked.id)).status).toBe('booked');

    const reply = await patientReply(stack, phone, await stack.sendSms(phone, "Yes, I'll take it 🙂"));
    expect(reply).toMatch(/^Test Clinic: thank you, Ana Lopez\. Your visit with Dr Ramirez on .* is confirmed/);
    expect((await appointment(booked.id)).status).toBe('confirmed');
  });
});

describe('a staff move', () => {
  it.each([
    {
      language: 'en',
      answer: 'YES',
      reminded: /Reply YES to confirm/,
      asked:
        /^Test Clinic: Ana Lopez, your visit with Dr Ramirez is now (.+) at (\d{1,2}:\d\d [AP]M)\.\nReply YES to confirm, NO to cancel, CHANGE for another time\.$/,
      thanked: /^Test Clinic: thank you, Ana Lopez\. Your visit with Dr Ramirez on (.+) at (\d{1,2}:\d\d [AP]M) is confirmed\. See you then!$/,
    },
    {
      language: 'es',
      answer: 'Sí',
      reminded: /Responda SI para confirmar/,
      // The time ends with its own full stop (`10:30 a.m.`): the wording's is not written twice.
      asked:
        /^Test Clinic: Ana Lopez, su cita con Dr Ramirez pasa al (.+), (\d{1,2}:\d\d [ap]\.m\.)\nSI para confirmar, NO para cancelar, CAMBIAR para otra hora\.$/,
      thanked: /^Test Clinic: gracias, Ana Lopez\. Su cita con Dr Ramirez el (.+), (\d{1,2}:\d\d [ap]\.m\.) queda confirmada\. Le esperamos\.$/,
    },
  ])(
    'asks the patient ($language) to confirm the new time, and $answer by a signed webhook confirms it',
    async ({ language, answer, reminded, asked, thanked }) => {
      const phone = patientPhone();
      const booked = await book(phone, { language });
      await stack.api(`/api/appointments/${booked.id}/remind`, { method: 'POST' });
      await expect.poll(async () => (await textsTo(phone)).at(-1), { timeout: 15_000 }).toMatch(reminded);
      const moved = await stack.api(`/api/appointments/${booked.id}`, { method: 'PATCH', body: JSON.stringify({ starts_at: inDays(4) }) });
      expect(moved.status).toBe(200);
      const newStart = (await json(moved)).starts_at as string;
      await expect.poll(async () => (await textsTo(phone)).at(-1), { timeout: 15_000 }).toMatch(asked);
      const newTime = asked.exec((await textsTo(phone)).at(-1)!)!.slice(1);

      const reply = await patientReply(stack, phone, await stack.sendSms(phone, answer));
      expect(thanked.exec(reply)?.slice(1), reply).toEqual(newTime);
      expect(await appointment(booked.id)).toMatchObject({ status: 'confirmed', starts_at: newStart });
    },
  );
});

describe('a reminder that does not arrive', () => {
  it('falls back by its signed delivery receipt: an SMS undelivered with 30006 becomes a call, and the appointment shows both attempts', async () => {
    const phone = patientPhone();
    const booked = await book(phone);
    await expect.poll(() => textsTo(phone), { timeout: 15_000 }).toHaveLength(1);
    expect((await stack.api(`/api/appointments/${booked.id}/remind`, { method: 'POST' })).status).toBe(200);
    const reminderSid = async () => {
      const { deliveries } = await appointment(booked.id);
      return (deliveries as { kind: string; attempts: { sid: string }[] }[]).find((d) => d.kind === 'reminder')?.attempts[0]?.sid;
    };
    await expect.poll(reminderSid, { timeout: 15_000 }).toMatch(/^SM/);
    const sid = (await reminderSid())!;

    const receipt = { MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30006' };
    expect((await stack.sendStatus(receipt)).status).toBe(204);
    expect((await stack.sendStatus(receipt)).status).toBe(204); // Twilio's retry: handled once
    await expect
      .poll(async () => (await appointment(booked.id)).deliveries.find((d: { kind: string }) => d.kind === 'reminder')?.attempts, { timeout: 15_000 })
      .toEqual([
        expect.objectContaining({ channel: 'sms', sid, status: 'undelivered', error_code: 30006 }),
        // The call says why it was placed, as a text that fell back does.
        expect.objectContaining({
          channel: 'voice',
          sid: expect.stringMatching(/^CA[0-9a-f]{32}$/),
          note: 'the text was undelivered (30006): a landline, so a call',
          outcome_note: null,
        }),
      ]);
    const [calls] = await stack.sql`select count(*)::int as n from calls where appointment_id = ${booked.id}`;
    expect(calls!.n).toBe(1);
  });
});

describe('a patient with a ticket and an appointment', () => {
  it('has STATUS reach the queue and CHANGE and 2 reach the appointment, and a spent answer nothing', async () => {
    const phone = patientPhone();
    const joined = await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN'));
    const code = /ticket is ([A-Z]\d+)/.exec(joined)![1]!;
    const booked = await book(phone);
    await stack.api(`/api/appointments/${booked.id}/remind`, { method: 'POST' });
    await expect.poll(async () => (await textsTo(phone)).at(-1), { timeout: 15_000 }).toMatch(/Reply YES to confirm/);

    expect(await patientReply(stack, phone, await stack.sendSms(phone, 'STATUS'))).toContain(`ticket ${code}`);
    const offered = await patientReply(stack, phone, await stack.sendSms(phone, 'CHANGE'));
    expect(offered).toMatch(/reply with the number of a time:\n.+\n1\) /);
    const lines = offered.split('\n');
    const at = lines.findIndex((line) => line.startsWith('2) '));
    // The second time with the day it is on, the nearest date written above it.
    const second = `${lines.slice(0, at).findLast((line) => !/^\d\) /.test(line))} ${lines[at]!.replace(/^2\) /, '')}`;
    expect(await patientReply(stack, phone, await stack.sendSms(phone, '2'))).toMatch(/your visit with Dr Ramirez is now /);
    expect((await appointment(booked.id)).status).toBe('confirmed');
    expect(second).toMatch(/^\w{3}, \w{3} \d+ \d{1,2}:\d\d [AP]M$/);

    // The list was answered: a second 2 is not an answer to anything any more.
    expect(await twimlText(await stack.sendSms(phone, '2'))).toMatch(/^Test Clinic: sorry, we didn't understand\./);
    expect(await patientReply(stack, phone, await stack.sendSms(phone, 'STATUS'))).toContain(`ticket ${code}`);
  });
});

describe('a bare CANCEL', () => {
  it("cancels the appointment and records Twilio's opt-out, with no reply, while CANCEL is an opt-out word", async () => {
    const phone = patientPhone();
    const booked = await book(phone);
    await expect.poll(() => textsTo(phone), { timeout: 15_000 }).toHaveLength(1);
    expect(await twimlText(await stack.sendSms(phone, 'CANCEL'))).toBe('');
    expect((await appointment(booked.id)).status).toBe('cancelled');
    const [optOut] = await stack.sql`select keyword from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`;
    expect(optOut?.keyword).toBe('CANCEL');
    expect(await textsTo(phone)).toHaveLength(1);
  });

  it('cancels with the normal reply once the clinic has taken CANCEL off its opt-out words', async () => {
    expect((await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ cancel_is_opt_out: false }) })).status).toBe(200);
    const phone = patientPhone();
    const booked = await book(phone);
    const reply = await patientReply(stack, phone, await stack.sendSms(phone, 'Cancel'));
    expect(reply).toMatch(/^Test Clinic: Ana Lopez, your visit with Dr Ramirez on .* is cancelled/);
    expect((await appointment(booked.id)).status).toBe('cancelled');
    expect(await stack.sql`select 1 from opt_outs where clinic_id = ${stack.clinic.id} and phone = ${phone}`).toHaveLength(0);
    await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ cancel_is_opt_out: true }) });
  });
});

describe('a worker that reaches a new chain late', () => {
  it('sends a reminder that fell due while no worker ran, once a worker takes up the new chain', async () => {
    const settings = await stack.api('/api/clinic', {
      method: 'PATCH',
      body: JSON.stringify({ reminder_rules: [{ kind: 'before', minutes: 60 }], contact_hours_start: '00:00', contact_hours_end: '23:59' }),
    });
    expect(settings.status).toBe(200);
    await stack.stopWorker();
    const phone = patientPhone();
    try {
      // Booked 3 s before its reminder is due; the chain's first task comes only after that.
      const booked = await book(phone, { starts_at: new Date(Date.now() + 60 * 60_000 + 3_000).toISOString() });
      expect(booked.next_reminder_at).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 5_000));
    } finally {
      await stack.startWorker();
    }
    await expect.poll(async () => (await textsTo(phone)).at(-1), { timeout: 20_000 }).toMatch(/Reply YES to confirm, NO to cancel, CHANGE for another time\.$/);
    expect(await textsTo(phone)).toHaveLength(2);
  });
});

describe('the spreadsheet export', () => {
  it('lists a booked appointment in the seed format', async () => {
    const phone = patientPhone();
    const booked = await book(phone, { patient_name: 'Lopez, Ana "Anita"' });
    const day = (await appointment(booked.id)).starts_at as string;
    const local = new Intl.DateTimeFormat('en-CA', { timeZone: stack.clinic.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      new Date(day),
    );
    const records: string[][] = parse(await (await stack.api(`/api/appointments.csv?date=${local}`)).text(), { bom: true });
    expect(records[0]).toEqual(['name', 'mobile', 'date', 'time_slot', 'doctor', 'specialty', 'followup_date']);
    expect(records).toContainEqual(['Lopez, Ana "Anita"', phone, local, expect.stringMatching(/^\d\d:\d\d$/), 'Dr Ramirez', 'Dental cleaning', '']);
  });
});
