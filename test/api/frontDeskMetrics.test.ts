/**
 * A clinic's morning, made through the API and signed webhooks as it would happen, then counted by
 * `GET /api/metrics/front-desk`: walk-ins served today, an appointment today marked a no-show once
 * its time has come, tomorrow's appointments (one confirmed by YES and visited, a cancellation, one open), a voice reminder answered the day after, texts
 * delivered and undelivered by their receipts; and the range rule's refusals.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FrontDeskMetrics } from '../../src/metrics/frontDeskMetrics.js';
import { bookThroughApi } from '../support/apiBooking.js';
import { callStatusParams, messageStatusParams } from '../support/twilioWebhooks.js';
import { json, patientPhone, patientReply, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ roomsOpen: 2 });
});
afterAll(() => stack?.stop());

const metrics = async (query: string) => stack.api(`/api/metrics/front-desk?${query}`);
const localDay = (days: number) => DateTime.now().setZone(stack.clinic.timezone).plus({ days });

/** Books Ana Lopez at 10:30 clinic time `days` from today, with the provider `Dr <channel> <days>`. */
const book = (days: number, channel: 'sms' | 'voice' = 'sms') =>
  bookThroughApi(stack, {
    startsAt: localDay(days).set({ hour: 10, minute: 30, second: 0, millisecond: 0 }),
    channel,
    patientName: 'Ana Lopez',
    provider: `Dr ${channel} ${days}`,
    service: 'Checkup',
  });

const act = async (id: string, action: string) =>
  expect((await stack.api(`/api/appointments/${id}/${action}`, { method: 'POST', ...(action === 'visited' ? { body: '{}' } : {}) })).status).toBe(200);

/** The MessageSid of the text to `phone` whose delivery key (an appointment's) or idempotency key (a ticket's) is `like`, once sent. */
const sentSid = (phone: string, like: string) =>
  vi.waitFor(
    async () => {
      const [row] = await stack.sql<{ sid: string | null }[]>`
        select provider_sid as sid from messages where phone = ${phone} and direction = 'outbound' and coalesce(delivery_key, idempotency_key) like ${like}`;
      expect(row?.sid).toMatch(/^SM/);
      return row!.sid!;
    },
    { timeout: 15_000 },
  );

const receipt = async (messageSid: string, messageStatus: string, errorCode?: number) =>
  expect((await stack.sendStatus(messageStatusParams({ messageSid, messageStatus, ...(errorCode === undefined ? {} : { errorCode }) }))).status).toBe(204);

describe('the front desk numbers of a range of days', () => {
  it('counts walk-ins served, confirmations, no-shows and deliveries from the rows a morning leaves', async () => {
    // Walk-ins today: two seen and done, one still waiting; the first one's "you're next" text is undelivered.
    const walkIns = [patientPhone(), patientPhone(), patientPhone()];
    const codes: string[] = [];
    for (const phone of walkIns) codes.push(/ticket is ([A-Z]\d+)/.exec(await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN')))![1]!);
    const move = async (code: string, state: string) =>
      expect((await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state }) })).status).toBe(200);
    for (const [i, code] of codes.slice(0, 2).entries()) {
      await move(code, 'next');
      // The text goes only while the ticket is still called: wait for it before seeing the patient in.
      const called = await sentSid(walkIns[i]!, '%:called');
      if (i === 0) await receipt(called, 'undelivered', 30003);
      await move(code, 'in_room');
      await move(code, 'done');
    }

    // A patient due in a few seconds who does not come; tomorrow, three appointments. Each booking confirmation delivered.
    const missedStart = DateTime.now().plus({ seconds: 3 }).set({ millisecond: 0 });
    const missed = await bookThroughApi(stack, { startsAt: missedStart, patientName: 'Ana Lopez', provider: 'Dr sms 0', service: 'Checkup' });
    const [kept, cancelled, open] = [await book(1), await book(1), await book(1)];
    for (const a of [kept, missed, cancelled, open]) await receipt(await sentSid(a.phone, '%:booking_confirmation'), 'delivered');
    await act(kept.id, 'remind');
    await sentSid(kept.phone, '%:reminder:%');
    await vi.waitFor(
      async () => expect(await stack.sql`select 1 from patient_prompts where workflow_id = ${kept.workflowId} and closed_at is null`).toHaveLength(1),
      {
        timeout: 15_000,
      },
    );
    expect(await patientReply(stack, kept.phone, await stack.sendSms(kept.phone, 'YES'))).toMatch(/is confirmed/);
    await act(kept.id, 'visited');
    // A no-show is marked only once the appointment's time has come.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, missedStart.toMillis() - Date.now() + 500)));
    await act(missed.id, 'no_show');
    await act(cancelled.id, 'cancel');

    // The day after: a voice appointment whose reminder call is answered.
    const voice = await book(2, 'voice');
    await act(voice.id, 'remind');
    const call = await vi.waitFor(
      async () => {
        const [row] = await stack.sql<{ sid: string | null }[]>`select call_sid as sid from calls where appointment_id = ${voice.id}`;
        expect(row?.sid).toMatch(/^CA/);
        return row!.sid!;
      },
      { timeout: 15_000 },
    );
    const callDone = await stack.sendWebhook(
      '/webhooks/twilio/voice/status',
      callStatusParams({ callSid: call, from: stack.clinicNumber, to: voice.phone, callStatus: 'completed', answeredBy: 'human', callDurationSeconds: 40 }),
    );
    expect(callDone.status).toBe(204);

    // Three days on, outside the range asked for.
    await book(4);

    // Every write is in before counting: the statuses the chains record, and the visited row's confirmation.
    await vi.waitFor(
      async () => {
        const rows = await stack.sql<{ status: string; confirmed: boolean }[]>`
          select status, confirmed_at is not null as confirmed from appointments where id in ${stack.sql([kept.id, missed.id, cancelled.id])} order by id`;
        expect(rows).toEqual([
          { status: 'no_show', confirmed: false },
          { status: 'visited', confirmed: true },
          { status: 'cancelled', confirmed: false },
        ]);
      },
      { timeout: 15_000 },
    );

    const [today, tomorrow, dayAfter] = [localDay(0).toISODate()!, localDay(1).toISODate()!, localDay(2).toISODate()!];
    const response = await metrics(`from=${today}&to=${dayAfter}`);
    expect(response.status).toBe(200);
    const body = (await json(response)) as FrontDeskMetrics & { clinic: string };
    expect(body).toMatchObject({ clinic: stack.clinic.slug, from: today, to: dayAfter, timezone: stack.clinic.timezone });
    const zero = { appointments: 0, confirmed: 0, visited: 0, no_shows: 0, cancelled: 0, confirmation_rate: null, no_show_rate: null };
    expect(body.days).toEqual([
      { date: today, ...zero, appointments: 1, no_shows: 1, confirmation_rate: 0, no_show_rate: 1, walk_ins_served: 2, patients_served: 2 },
      {
        date: tomorrow,
        appointments: 3,
        confirmed: 1,
        visited: 1,
        no_shows: 0,
        cancelled: 1,
        confirmation_rate: 1 / 3,
        no_show_rate: 0,
        walk_ins_served: 0,
        patients_served: 1,
      },
      { date: dayAfter, ...zero, appointments: 1, confirmation_rate: 0, walk_ins_served: 0, patients_served: 0 },
    ]);
    expect(body.totals).toEqual({
      appointments: 5,
      confirmed: 1,
      visited: 1,
      no_shows: 1,
      cancelled: 1,
      confirmation_rate: 0.2,
      no_show_rate: 0.5,
      walk_ins_served: 2,
      patients_served: 3,
    });

    // Texts: every one sent through the provider counts, none of the replies given as TwiML.
    const [counted] = await stack.sql<{ viaProvider: number; asTwiml: number }[]>`
      select count(*) filter (where provider_sid is not null)::int as "viaProvider", count(*) filter (where provider_sid is null and status = 'accepted')::int as "asTwiml"
      from messages where clinic_id = ${stack.clinic.id} and direction = 'outbound'`;
    const { viaProvider, asTwiml } = counted!;
    expect(asTwiml).toBeGreaterThanOrEqual(4);
    const [sms, whatsapp, voiceDelivery] = body.delivery;
    expect(sms).toEqual({ channel: 'sms', sent: viaProvider, delivered: 4, not_delivered: 1, awaiting_receipt: viaProvider - 5, delivery_rate: 0.8 });
    expect(viaProvider).toBeGreaterThanOrEqual(9);
    expect(whatsapp).toEqual({ channel: 'whatsapp', sent: 0, delivered: 0, not_delivered: 0, awaiting_receipt: 0, delivery_rate: null });
    expect(voiceDelivery).toEqual({ channel: 'voice', sent: 1, delivered: 1, not_delivered: 0, awaiting_receipt: 0, delivery_rate: 1 });

    // A range of one day: that day's numbers only; the appointment four days on is in none.
    const one = (await json(await metrics(`from=${tomorrow}&to=${tomorrow}`))) as FrontDeskMetrics;
    expect(one.days).toHaveLength(1);
    expect(one.totals).toMatchObject({ appointments: 3, walk_ins_served: 0 });
  });

  it('covers the last 30 days up to today by default', async () => {
    const body = (await json(await metrics(''))) as { from: string; to: string; days: unknown[] };
    expect(body.to).toBe(localDay(0).toISODate());
    expect(body.from).toBe(localDay(-29).toISODate());
    expect(body.days).toHaveLength(30);
  });

  it.each([
    ['from=2026-11-31', 'from', 'from: must be a date YYYY-MM-DD'],
    ['from=2026-11-10&to=2026-11-09', 'from', 'from: must be on or before to (2026-11-09)'],
    ['from=2025-01-01&to=2026-01-02', 'to', 'to: must be at most 366 days from from (2025-01-01)'],
  ])('refuses %s naming %s', async (query, field, message) => {
    const response = await metrics(query);
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: { code: 'bad_request', field, message } });
  });

  it('answers 401 without the token', async () => {
    expect((await stack.app.request('/api/metrics/front-desk')).status).toBe(401);
  });
});
