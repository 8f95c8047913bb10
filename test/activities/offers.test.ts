/**
 * The offer activities on the test Postgres, at the moments the workflow tests cannot hold: staff make
 * the slot's provider inactive after a round's offers were picked but before their texts went, after a
 * round had begun going out, and after the winner was booked (a retried booking). And the daily cap,
 * which counts only the offers whose text went, on the day it went. And a round one of whose texts Twilio refuses for good,
 * and one whose texts Twilio throttles until the round's send activity gives up.
 */
import { Client, Connection } from '@temporalio/client';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, inject, vi } from 'vitest';
import type { MakeOffersInput } from '../../src/activities/offerRounds.js';
import { createOfferActivities } from '../../src/activities/offers.js';
import type { Clinic } from '../../src/clinics/clinics.js';
import { createSql, type Sql } from '../../src/db/sql.js';
import { createMessenger } from '../../src/messaging/messenger.js';
import { MessageRejectedError, ProviderBusyError, type ProviderReceipt, type Sender } from '../../src/messaging/sender.js';
import { updateProvider } from '../../src/providers/providers.js';
import { createCancellation } from '../../src/waitlist/cancellations.js';
import { addWaitlistEntry } from '../../src/waitlist/waitlistEntries.js';
import { fictionalNumber, createTestClinic } from '../support/clinic.js';
import { fakeSid } from '../support/twilioWebhooks.js';

let sql: Sql;
let clinic: Clinic;
let temporal: Client;
beforeAll(async () => {
  sql = createSql(inject('databaseUrl'));
  ({ clinic } = await createTestClinic(sql));
  temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
});
afterAll(async () => {
  await temporal?.connection.close();
  await sql?.end();
});

const HOUR = 3_600_000;

/** Offer activities texting through `sender` (Twilio's answers, given by the test). */
const activitiesWith = (sender: Sender) => {
  const log = pino({ level: 'silent' });
  return createOfferActivities({ sql, messenger: createMessenger({ sql, sender, callbackBaseUrl: undefined, log }), temporal, taskQueue: 'unused' });
};
/** A sender that accepts every text, except that `failOnce` numbers' first text fails as a network error would. */
function acceptingSender(failOnce: string[] = []): Sender {
  const failing = new Set(failOnce);
  return {
    provider: 'twilio',
    send: ({ to }) => (failing.delete(to) ? Promise.reject(new Error('socket hang up')) : Promise.resolve({ messageSid: fakeSid(), status: 'queued' })),
    call: () => Promise.reject(new Error('no calls here')),
  };
}

/**
 * Staff log a freed slot of provider `providerId`, `hoursAhead` from now, half an hour long.
 * @returns its first round of `count` offers under a daily cap of `maxOffersPerDay`, held 7 minutes.
 */
async function loggedSlot(
  providerId: number,
  hoursAhead: number,
  { count, maxOffersPerDay }: { count: number; maxOffersPerDay: number },
): Promise<MakeOffersInput> {
  const start = new Date(Date.now() + hoursAhead * HOUR);
  const cancellation = await createCancellation(sql, clinic, {
    providerId,
    location: 'Main St clinic',
    slotStartAt: start,
    slotEndAt: new Date(start.getTime() + HOUR / 2),
    reason: null,
    createdBy: 'staff',
  });
  return {
    cancellationId: cancellation.id,
    workflowId: cancellation.workflowId,
    round: 1,
    batch: 1,
    count,
    holdExpiresAt: new Date(Date.now() + 7 * 60_000).toISOString(),
    now: new Date().toISOString(),
    maxOffersPerDay,
  };
}

/** A new provider's slot 26 h ahead, logged by staff, with `count` patients waiting for that provider. */
async function slotFor(count: number) {
  const [provider] = await sql<{ id: number }[]>`
    insert into providers (clinic_id, name, type) values (${clinic.id}, ${`Dr ${crypto.randomUUID().slice(0, 8)}`}, 'MD/DO') returning id`;
  const providerId = provider!.id;
  const phones: string[] = [];
  for (let i = 0; i < count; i++) {
    const phone = fictionalNumber('312');
    await addWaitlistEntry(sql, clinic.id, {
      phone,
      providerIds: [providerId],
      providerType: 'Any',
      currentApptAt: null,
      urgent: false,
      manualBoost: 0,
      notes: null,
    });
    phones.push(phone);
  }
  const slot = await loggedSlot(providerId, 26, { count, maxOffersPerDay: 3 });
  const round = (n: number): MakeOffersInput => ({ ...slot, round: n });
  return { providerId, phones, round };
}

/** The offer texts Twilio took for `phone` (a MessageSid recorded). */
const offerTextsTo = async (phone: string) =>
  (await sql`select 1 from messages where phone = ${phone} and idempotency_key like 'offer:%' and provider_sid is not null`).length;
const retire = (providerId: number) => updateProvider(sql, clinic.id, providerId, { active: false });

describe('the offer activities, when staff make the provider inactive', () => {
  it('text no one a round picked before, and refuse the next round; a retried round still finds its offers', async () => {
    const activities = activitiesWith(acceptingSender());
    const { providerId, phones, round } = await slotFor(2);
    const made = await activities.makeOffers(round(1));
    expect(made).toHaveLength(2);
    await retire(providerId);

    await expect(activities.sendOfferTexts({ offerIds: made.map((o) => o.offerId), holdMinutes: 7 })).rejects.toMatchObject({
      type: 'ProviderInactive',
      nonRetryable: true,
    });
    expect(await Promise.all(phones.map(offerTextsTo))).toEqual([0, 0]);
    await expect(activities.makeOffers(round(2))).rejects.toMatchObject({ type: 'ProviderInactive' });
    // The workflow ends the round's offers it was told of (a retry of round 1 finds them).
    expect((await activities.makeOffers(round(1))).map((o) => o.offerId)).toEqual(made.map((o) => o.offerId));
  });

  it('finish a round that had begun going out, so that the abort withdraws it from every patient alike', async () => {
    const { providerId, phones, round } = await slotFor(2);
    const activities = activitiesWith(acceptingSender([phones[1]!]));
    const made = await activities.makeOffers(round(1));
    const send = () => activities.sendOfferTexts({ offerIds: made.map((o) => o.offerId), holdMinutes: 7 });
    await expect(send()).rejects.toThrow('socket hang up');
    // The attempt fails with the first error while the other text is still on its way.
    await vi.waitFor(async () => expect(await Promise.all(phones.map(offerTextsTo))).toEqual([1, 0]));
    await retire(providerId);

    expect(await send()).toEqual([]);
    expect(await Promise.all(phones.map(offerTextsTo))).toEqual([1, 1]);
  });

  it('keep a booking made before: a retried booking returns the same appointment', async () => {
    const activities = activitiesWith(acceptingSender());
    const { providerId, round } = await slotFor(1);
    const [offer] = await activities.makeOffers(round(1));
    const cancellationId = (await sql<{ id: string }[]>`select cancellation_id::text as id from offers where id = ${offer!.offerId}`)[0]!.id;
    const booked = await activities.bookOfferedSlot({ cancellationId, offerId: offer!.offerId });
    await retire(providerId);

    expect((await activities.bookOfferedSlot({ cancellationId, offerId: offer!.offerId })).appointmentId).toBe(booked.appointmentId);
  });
});

describe("the daily cap (a clinic's max_offers_per_day)", () => {
  /** Round 1 of another slot of provider `providerId`, `hoursAhead` from now, for a cap of one offer a day. */
  const anotherSlot = (providerId: number, hoursAhead: number) => loggedSlot(providerId, hoursAhead, { count: 1, maxOffersPerDay: 1 });

  it('counts only offers whose text went: one ended before it was texted leaves the patient their offer of the day', async () => {
    const activities = activitiesWith(acceptingSender());
    const { providerId, phones } = await slotFor(1);
    // Staff withdrew the first slot while its round was being made: the offer ended, never texted.
    const [unsent] = await activities.makeOffers(await anotherSlot(providerId, 27));
    await activities.recordOfferStates([{ offerId: unsent!.offerId, state: 'canceled' }]);

    const [offered] = await activities.makeOffers(await anotherSlot(providerId, 28));
    expect(offered?.phone).toBe(phones[0]);
    expect(await activities.sendOfferTexts({ offerIds: [offered!.offerId], holdMinutes: 7 })).toEqual([]);
    expect(await offerTextsTo(phones[0]!)).toBe(1);
    await activities.recordOfferStates([{ offerId: offered!.offerId, state: 'expired' }]);

    // That one was texted: it is the patient's offer of the day.
    expect(await activities.makeOffers(await anotherSlot(providerId, 29))).toEqual([]);
  });

  it("counts an offer on the clinic day its text went: one made before midnight and throttled past it is the new day's offer", async () => {
    const activities = activitiesWith(acceptingSender());
    const { providerId, phones } = await slotFor(1);
    const today = DateTime.now().setZone(clinic.timezone).startOf('day');
    // Made ten minutes before the clinic's midnight; Twilio throttled its text until now, today.
    const [late] = await activities.makeOffers(await anotherSlot(providerId, 27));
    await sql`update offers set sent_at = ${today.minus({ minutes: 10 }).toJSDate()} where id = ${late!.offerId}`;
    expect(await activities.sendOfferTexts({ offerIds: [late!.offerId], holdMinutes: 7 })).toEqual([]);
    await activities.recordOfferStates([{ offerId: late!.offerId, state: 'expired' }]);

    // Its text went today: it is the patient's offer of the day.
    expect(await activities.makeOffers(await anotherSlot(providerId, 28))).toEqual([]);

    // Had it gone before midnight, it would have been yesterday's, and today's offer would still be theirs.
    await sql`update messages set sent_at = ${today.minus({ minutes: 5 }).toJSDate()} where idempotency_key = ${`offer:${late!.offerId}`}`;
    expect((await activities.makeOffers(await anotherSlot(providerId, 29))).map((o) => o.phone)).toEqual([phones[0]]);
  });
});

describe('a round one of whose texts Twilio refuses for good', () => {
  it('texts every other patient and reports the refused offer as not texted, instead of failing the round', async () => {
    const { phones, round } = await slotFor(2);
    const refused = phones[0]!;
    const activities = activitiesWith({
      ...acceptingSender(),
      send: ({ to }) =>
        to === refused
          ? Promise.reject(new MessageRejectedError("The 'To' number is not a valid phone number.", 21211))
          : Promise.resolve({ messageSid: fakeSid(), status: 'queued' }),
    });
    const made = await activities.makeOffers(round(1));
    const offerOf = (phone: string) => made.find((o) => o.phone === phone)!.offerId;

    expect(await activities.sendOfferTexts({ offerIds: made.map((o) => o.offerId), holdMinutes: 7 })).toEqual([offerOf(refused)]);
    expect(await Promise.all(phones.map(offerTextsTo))).toEqual([0, 1]);
    const [logged] = await sql<{ status: string; error_code: number | null }[]>`
      select status, error_code from messages where idempotency_key = ${`offer:${offerOf(refused)}`}`;
    expect(logged).toEqual({ status: 'failed', error_code: 21211 });
  });
});

describe('a round whose texts Twilio throttles until its send activity gives up', () => {
  it('ends the texts Twilio never took, reports their offers as not texted, and no later try sends them', async () => {
    const { phones, round } = await slotFor(3);
    const [taken, throttled, withdrawn] = phones as [string, string, string];
    const asked: string[] = [];
    const activities = activitiesWith({
      ...acceptingSender(),
      send: ({ to }) => {
        asked.push(to);
        return to === taken
          ? Promise.resolve({ messageSid: fakeSid(), status: 'queued' })
          : Promise.reject(new ProviderBusyError('Twilio answered 429 and asks to retry after 60 s', 60_000, 20429));
      },
    });
    const made = await activities.makeOffers(round(1));
    const offerOf = (phone: string) => made.find((o) => o.phone === phone)!.offerId;
    const offerIds = phones.map(offerOf);

    await expect(activities.sendOfferTexts({ offerIds, holdMinutes: 7 })).rejects.toThrow(/429/);
    // The round's texts go all at once: the first 429 fails the attempt while the others' answers are still being recorded.
    const answered = () =>
      sql`select 1 from messages where idempotency_key = any(${offerIds.map((id) => `offer:${id}`)}) and (provider_sid is not null or error_code is not null)`;
    await expect.poll(async () => (await answered()).length).toBe(3);
    // Staff withdrew one of them meanwhile (its offer ended): its text is no longer needed.
    await activities.recordOfferStates([{ offerId: offerOf(withdrawn), state: 'canceled' }]);

    expect(await activities.settleUnsentOfferTexts({ offerIds })).toEqual([offerOf(throttled), offerOf(withdrawn)]);
    const logged = (phone: string) =>
      sql<{ status: string; error_code: number | null }[]>`select status, error_code from messages where idempotency_key = ${`offer:${offerOf(phone)}`}`;
    expect(await logged(throttled)).toEqual([{ status: 'failed', error_code: 20429 }]);
    expect(await logged(withdrawn)).toEqual([{ status: 'canceled', error_code: 20429 }]);
    expect(await Promise.all(phones.map(offerTextsTo))).toEqual([1, 0, 0]);

    // A try that comes after (the round's last attempt, late) sends neither, and settling again changes nothing.
    asked.length = 0;
    expect(await activities.sendOfferTexts({ offerIds: [offerOf(throttled)], holdMinutes: 7 })).toEqual([offerOf(throttled)]);
    expect(asked).toEqual([]);
    expect(await activities.settleUnsentOfferTexts({ offerIds })).toEqual([offerOf(throttled), offerOf(withdrawn)]);
    expect(await logged(throttled)).toEqual([{ status: 'failed', error_code: 20429 }]);
  });
});

describe('a text whose try reached Twilio but whose answer was lost as the round gives up on it', () => {
  /** A Twilio that makes every text it is sent, answers as `answer` says, and lists what it made (the lost-answer lookup). */
  function twilioMaking(answer: (made: ProviderReceipt) => Promise<ProviderReceipt>) {
    const made: (ProviderReceipt & { to: string; body: string })[] = [];
    const sender: Sender = {
      ...acceptingSender(),
      send: (message) => {
        const receipt = { messageSid: fakeSid(), status: 'queued' };
        made.push({ ...receipt, to: message.to, body: message.body });
        return answer(receipt);
      },
      findSent: (message) =>
        Promise.resolve(made.filter((m) => m.to === message.to && m.body === message.body).map(({ messageSid, status }) => ({ messageSid, status }))),
    };
    return { made, activities: activitiesWith(sender) };
  }
  const logged = async (offerId: string) =>
    (
      await sql<{ status: string; provider_sid: string | null; note: string | null; state: string; hold_ms: number | null }[]>`
        select m.status, m.provider_sid, m.note, o.state, (extract(epoch from o.hold_expires_at - m.sent_at) * 1000)::float8 as hold_ms
        from messages m join offers o on o.id = m.offer_id where m.idempotency_key = ${`offer:${offerId}`}`
    )[0]!;

  it('finds it at Twilio and counts it sent: the offer holds 7 minutes from then, and the message log agrees', async () => {
    const { round } = await slotFor(1);
    // The connection is reset after Twilio made the text: no answer.
    const { made, activities } = twilioMaking(() => Promise.reject(new Error('socket hang up')));
    const [offer] = await activities.makeOffers(round(1));
    const input = { workflowId: round(1).workflowId, offerIds: [offer!.offerId], holdMinutes: 7 };
    const pass = await activities.sendOfferTextPass({ ...input, sendUntil: new Date(Date.now() + 60_000).toISOString() });
    expect(pass).toMatchObject({ sent: [], failed: [], retry: [offer!.offerId] });

    // The round's budget ran out with that try its last: it gives up on the text.
    const given = await activities.giveUpOfferTexts(input);
    expect(given).toEqual({ sent: [{ offerId: offer!.offerId, holdLeftMs: expect.any(Number) }], unsent: [] });
    expect(given.sent[0]!.holdLeftMs).toBeGreaterThan(6 * 60_000);
    expect(made).toHaveLength(1);
    expect(await logged(offer!.offerId)).toEqual({
      status: 'queued',
      provider_sid: made[0]!.messageSid,
      note: 'found at Twilio after a lost answer: not sent again',
      state: 'pending',
      hold_ms: 7 * 60_000,
    });
    // Giving up again changes nothing.
    expect((await activities.giveUpOfferTexts(input)).unsent).toEqual([]);
  });

  it('waits for a try still talking to Twilio, then counts the text Twilio took as sent', async () => {
    const { round } = await slotFor(1);
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const { made, activities } = twilioMaking(async (receipt) => {
      await answered;
      return receipt;
    });
    const [offer] = await activities.makeOffers(round(1));
    const input = { workflowId: round(1).workflowId, offerIds: [offer!.offerId], holdMinutes: 7 };
    // A pass whose activity the workflow stopped waiting for: its try is at Twilio, unanswered.
    const pass = activities.sendOfferTextPass({ ...input, sendUntil: new Date(Date.now() + 60_000).toISOString() });
    await expect.poll(() => made.length).toBe(1);

    await expect(activities.giveUpOfferTexts(input)).rejects.toThrow(/still waiting for Twilio's answer/);
    answer();
    expect((await pass).sent).toEqual([{ offerId: offer!.offerId, holdLeftMs: expect.any(Number) }]);
    expect(await activities.giveUpOfferTexts(input)).toEqual({ sent: [{ offerId: offer!.offerId, holdLeftMs: expect.any(Number) }], unsent: [] });
    expect(await logged(offer!.offerId)).toMatchObject({ status: 'queued', provider_sid: made[0]!.messageSid, state: 'pending', hold_ms: 7 * 60_000 });
  });
});
