/**
 * The offer workflow in the time-skipping server, on the real activities and Postgres: the losers of a
 * YES are each told once that the slot is taken; a hold that runs out sends the next batch; a failed delivery hands its place to the next patient; a WhatsApp patient
 * gets the clinic's approved template, or an SMS saying why; a list exhausted ends `expired`; a cancellation logged at night waits for
 * the contact hours; the daily cap keeps a patient from a second offer the same day; a slot whose provider
 * was made inactive before its workflow started (the abort found no workflow) ends aborted, offered to no one.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deleteWhatsAppTemplate, saveWhatsAppTemplate } from '../../src/clinics/whatsAppTemplates.js';
import { addWaitlistEntry } from '../../src/waitlist/waitlistEntries.js';
import { createCancellation, offerWorkflowInput } from '../../src/waitlist/cancellations.js';
import { updateProvider } from '../../src/providers/providers.js';
import { abortProviderCancellations } from '../../src/waitlist/offerWorkflows.js';
import { appointmentQuery } from '../../src/workflows/appointmentDefinitions.js';
import {
  answerOfferUpdate,
  CANCELLATION_OFFER_WORKFLOW_TYPE,
  offerDeliveryFailedSignal,
  type CancellationOfferInput,
  type CancellationStatus,
} from '../../src/workflows/offerDefinitions.js';
import { fictionalNumber } from '../support/clinic.js';
import { startTimeSkipping, type TimeSkipping } from '../support/timeSkipping.js';

const MINUTE = 60_000;
const TAKEN = "Test Clinic: sorry, this slot has been taken; we'll keep you on the list.";
let ts: TimeSkipping;
let providerId: number;
beforeAll(async () => {
  ts = await startTimeSkipping();
});
afterAll(() => ts?.stop());

/** A new provider with `count` waitlisted patients on `channel` (default SMS), best first (boosts 30, 20, 10, …). */
async function waitlistFor(count: number, channel?: 'sms' | 'whatsapp'): Promise<string[]> {
  const [provider] = await ts.sql<{ id: number }[]>`
    insert into providers (clinic_id, name, type) values (${ts.clinic.id}, ${`Dr ${crypto.randomUUID().slice(0, 8)}`}, 'APP') returning id`;
  providerId = provider!.id;
  const phones: string[] = [];
  for (let i = 0; i < count; i++) {
    const phone = fictionalNumber('312');
    await addWaitlistEntry(ts.sql, ts.clinic.id, {
      phone,
      providerIds: [providerId],
      providerType: 'Any',
      currentApptAt: null,
      urgent: false,
      manualBoost: 30 - i * 10,
      notes: null,
      channel,
    });
    phones.push(phone);
  }
  return phones;
}

/**
 * Logs a slot `hoursAhead` from the workflow clock and starts its offer workflow; `adjust` changes its
 * input; `beforeStart` runs between the two, as `logCancellation` runs them.
 */
async function offer(
  hoursAhead: number,
  adjust: (input: CancellationOfferInput) => CancellationOfferInput = (i) => i,
  beforeStart: () => Promise<void> = () => Promise.resolve(),
) {
  const start = new Date((await ts.env.currentTimeMs()) + hoursAhead * 60 * MINUTE);
  const cancellation = await createCancellation(ts.sql, ts.clinic, {
    providerId,
    location: 'Main St clinic',
    slotStartAt: start,
    slotEndAt: new Date(start.getTime() + 30 * MINUTE),
    reason: null,
    createdBy: 'staff',
  });
  const input = adjust(await offerWorkflowInput(ts.sql, ts.clinic, cancellation));
  await beforeStart();
  const handle = await ts.temporal.workflow.start(CANCELLATION_OFFER_WORKFLOW_TYPE, {
    workflowId: cancellation.workflowId,
    taskQueue: ts.taskQueue,
    args: [input],
  });
  return { id: cancellation.id, handle };
}

const offersOf = (id: string) =>
  ts.sql<{ phone: string; state: string; batch_number: number }[]>`select phone, state, batch_number from offers where cancellation_id = ${id} order by id`;
const statusOf = async (id: string) => (await ts.sql<{ status: CancellationStatus }[]>`select status from cancellation_events where id = ${id}`)[0]!.status;
const offerTexts = async (phone: string) =>
  (
    await ts.sql<{ body: string }[]>`select body from messages where phone = ${phone} and direction = 'outbound' and idempotency_key like 'offer:%' order by id`
  ).map((m) => m.body);

/** How many of cancellation `id`'s offer texts Twilio took (their `offer:<offer id>` rows with a MessageSid). */
const offerTextsSent = async (id: string) =>
  (
    await ts.sql<{ sent: number }[]>`
      select count(*)::int as sent from offers o join messages m on m.idempotency_key = 'offer:' || o.id
      where o.cancellation_id = ${id} and m.provider_sid is not null`
  )[0]!.sent;

describe('the offer workflow', () => {
  it('offers the top 3, books the first YES and tells each of the other two once that the slot is taken', async () => {
    const phones = await waitlistFor(3);
    const { id, handle } = await offer(24);
    await expect.poll(async () => (await offersOf(id)).length, { timeout: 20_000 }).toBe(3);
    // Every offer's text out first: a patient whose text had not gone when the slot went is owed no notice.
    await expect.poll(() => offerTextsSent(id), { timeout: 20_000 }).toBe(3);
    const answer = (phone: string) => handle.executeUpdate(answerOfferUpdate, { args: [{ answer: 'YES', kind: 'waitlist_offer', phone }] });
    const won = await answer(phones[0]!);
    expect(won.reply).toMatch(/^Test Clinic: Confirmed\. You're scheduled for .* at .* at Main St clinic\.$/);
    // Answered before its notice went (the reply tells them, the notice is dropped) or just after (it crossed the notice: no reply).
    const late = await answer(phones[1]!);
    expect([TAKEN, null]).toContain(late.reply);
    await expect.poll(() => statusOf(id), { timeout: 20_000 }).toBe('filled');
    await expect.poll(async () => (await offerTexts(phones[2]!)).at(-1), { timeout: 20_000 }).toBe(TAKEN);

    // A YES crossing the notice gets no second text; a YES a minute after it is told again.
    expect((await answer(phones[2]!)).reply).toBeNull();
    await ts.env.sleep(MINUTE);
    expect((await answer(phones[2]!)).reply).toBe(TAKEN);

    expect((await offersOf(id)).map((o) => o.state)).toEqual(['accepted', 'canceled', 'canceled']);
    const [booked] = await ts.sql<{ phone: string; workflow_id: string }[]>`
      select a.phone, a.workflow_id from appointments a join cancellation_events c on c.filled_by_appointment_id = a.id where c.id = ${id}`;
    expect(booked!.phone).toBe(phones[0]);
    const chain = await ts.temporal.workflow.getHandle(booked!.workflow_id).query(appointmentQuery);
    expect(chain.status).toBe('confirmed');
    await ts.env.sleep(8 * MINUTE);
    expect(await handle.result()).toEqual({ status: 'filled' });
    const notices = async (phone: string) => (await offerTexts(phone)).filter((body) => body === TAKEN).length;
    expect(await notices(phones[1]!)).toBe(late.reply === null ? 1 : 0);
    expect(await notices(phones[2]!)).toBe(1);
  });

  it('hands the place of an offer whose text failed to the next patient, in the same batch', async () => {
    const phones = await waitlistFor(4);
    const { id, handle } = await offer(24);
    await expect.poll(() => offersOf(id), { timeout: 20_000 }).toHaveLength(3);
    const [first] = await ts.sql<{ id: string }[]>`select id::text from offers where cancellation_id = ${id} and phone = ${phones[0]!}`;
    // What the status webhook signals when the offer's text ends `undelivered`.
    await handle.signal(offerDeliveryFailedSignal, { offerId: first!.id, status: 'undelivered', errorCode: 30003 });
    await expect
      .poll(async () => (await offersOf(id)).map((o) => [o.phone, o.state, o.batch_number]), { timeout: 20_000 })
      .toEqual([
        [phones[0], 'failed', 1],
        [phones[1], 'pending', 1],
        [phones[2], 'pending', 1],
        [phones[3], 'pending', 1],
      ]);
    await expect.poll(async () => (await offerTexts(phones[3]!)).length, { timeout: 20_000 }).toBe(1);
  });

  it("texts a WhatsApp patient the clinic's approved offer template, and by SMS, saying why, when it has none", async () => {
    const contentSid = `HX${'c'.repeat(32)}`;
    await saveWhatsAppTemplate(ts.sql, ts.clinic.id, { kind: 'offer', language: 'en', contentSid, variables: { 1: '{location}' } });
    const offeredBy = async (id: string) => {
      await expect.poll(async () => (await offersOf(id)).length, { timeout: 20_000 }).toBe(1);
      return vi.waitFor(
        async () => {
          const [row] = await ts.sql<{ channel: string; note: string | null }[]>`
            select m.channel, m.note from messages m join offers o on o.id = m.offer_id where o.cancellation_id = ${id}`;
          if (row === undefined) throw new Error('no offer text yet');
          return row;
        },
        { timeout: 20_000 },
      );
    };
    try {
      await waitlistFor(1, 'whatsapp');
      expect(await offeredBy((await offer(24)).id)).toEqual({ channel: 'whatsapp', note: null });
    } finally {
      await deleteWhatsAppTemplate(ts.sql, ts.clinic.id, 'offer', 'en');
    }
    await waitlistFor(1, 'whatsapp');
    expect(await offeredBy((await offer(24)).id)).toEqual({
      channel: 'sms',
      note: 'outside the 24-hour WhatsApp window, the offer text needs an approved WhatsApp template and the clinic has none: sent by SMS',
    });
  });

  it('sends the next batch when the holds run out, and ends expired when the list is exhausted', async () => {
    const phones = await waitlistFor(4);
    const { id, handle } = await offer(24);
    await expect.poll(() => offersOf(id), { timeout: 20_000 }).toHaveLength(3);
    expect((await offersOf(id)).map((o) => o.phone)).toEqual(phones.slice(0, 3));
    expect(await offerTexts(phones[3]!)).toEqual([]);

    await ts.env.sleep(7 * MINUTE + 1000);
    await expect
      .poll(async () => (await offersOf(id)).map((o) => [o.state, o.batch_number]), { timeout: 20_000 })
      .toEqual([
        ['expired', 1],
        ['expired', 1],
        ['expired', 1],
        ['pending', 2],
      ]);
    expect(await offerTexts(phones[3]!)).toHaveLength(1);

    await ts.env.sleep(7 * MINUTE + 1000);
    expect(await handle.result()).toEqual({ status: 'expired' });
    expect(await statusOf(id)).toBe('expired');
    expect((await offersOf(id)).map((o) => o.state)).toEqual(['expired', 'expired', 'expired', 'expired']);
  });

  it('waits for the contact hours when the slot frees up at night, then offers it at 08:00', async () => {
    const [phone] = await waitlistFor(1);
    // A zone where it is 02:00 now: the contact hours (08:00–20:00) open in 6 hours.
    const now = DateTime.fromMillis(await ts.env.currentTimeMs(), { zone: 'UTC' });
    const offset = (((2 - now.hour) % 24) + 24) % 24;
    const zone = `Etc/GMT${offset > 12 ? '+' : '-'}${offset > 12 ? 24 - offset : offset}`;
    const { id } = await offer(20, (input) => ({ ...input, settings: { ...input.settings, timezone: zone, contactHours: { start: '08:00', end: '20:00' } } }));
    await ts.env.sleep(5 * 60 * MINUTE);
    expect(await offersOf(id)).toEqual([]);
    expect(await offerTexts(phone!)).toEqual([]);

    await ts.env.sleep(61 * MINUTE);
    await expect.poll(() => offersOf(id), { timeout: 20_000 }).toHaveLength(1);
    const [sent] = await ts.sql<{ hold_expires_at: Date }[]>`select hold_expires_at from offers where cancellation_id = ${id}`;
    expect(DateTime.fromJSDate(sent!.hold_expires_at, { zone }).toFormat('HH:mm')).toBe('08:07');
  });

  it('gives no patient more offers in a day than the cap', async () => {
    const [phone] = await waitlistFor(1);
    const capped = (input: CancellationOfferInput) => ({ ...input, settings: { ...input.settings, maxOffersPerDay: 1 } });
    const first = await offer(30, capped);
    await expect.poll(() => offersOf(first.id), { timeout: 20_000 }).toHaveLength(1);
    await ts.env.sleep(7 * MINUTE + 1000);
    expect(await first.handle.result()).toEqual({ status: 'expired' });

    const second = await offer(31, capped);
    expect(await second.handle.result()).toEqual({ status: 'expired' });
    expect(await offersOf(second.id)).toEqual([]);
    expect(await offerTexts(phone!)).toHaveLength(1);
  });

  it('ends expired without an offer when the slot starts within the lead time', async () => {
    const [phone] = await waitlistFor(1);
    const { id, handle } = await offer(0.5);
    expect(await handle.result()).toEqual({ status: 'expired' });
    expect(await offersOf(id)).toEqual([]);
    expect(await offerTexts(phone!)).toEqual([]);
  });

  it('ends aborted, offering nothing, when its provider was made inactive between logging the slot and starting its workflow', async () => {
    const [phone] = await waitlistFor(1);
    const { id, handle } = await offer(24, undefined, async () => {
      // What staff's PATCH does: the provider made inactive, then their open cancellations aborted; this one's workflow is not there yet.
      await updateProvider(ts.sql, ts.clinic.id, providerId, { active: false });
      expect(await abortProviderCancellations({ sql: ts.sql, temporal: ts.temporal, taskQueue: ts.taskQueue }, ts.clinic, providerId)).toEqual([]);
    });
    expect(await handle.result()).toEqual({ status: 'aborted' });
    expect(await statusOf(id)).toBe('aborted');
    expect(await offersOf(id)).toEqual([]);
    expect(await offerTexts(phone!)).toEqual([]);
  });
});
