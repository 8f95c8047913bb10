/**
 * Staff withdraw a freed slot while a round of its offers is still under way (the offer workflow in the
 * time-skipping server, on the real activities and Postgres, texting through Twilio's REST API
 * stand-in): the round ends with the abort. Patients already texted are told the opening is withdrawn,
 * nobody else is texted (their throttled texts end `canceled` in the message log), and no offer is left
 * pending to keep its patient from the next slot. A YES to an earlier offer that fills the slot meanwhile
 * ends the round the same way.
 */
import { describe, expect, it } from 'vitest';
import { abortCancellation } from '../../src/waitlist/offerWorkflows.js';
import { abortCancellationUpdate, answerOfferUpdate, type CancellationStatus } from '../../src/workflows/offerDefinitions.js';
import { offersThroughTwilioApi, providerWithWaitlist, startOfferRound, takenTextsTo } from '../support/offerRounds.js';

const MINUTE = 60_000;
const OFFER = /^Test Clinic: a visit opened up .* Reply YES within 7 min to take it, or NO to pass\.$/;
const WITHDRAWN = /^Test Clinic: the .* opening is no longer available\. We'll keep you on the list\.$/;
const suite = offersThroughTwilioApi();

const offerStates = async (id: string) =>
  (await suite.ts.sql<{ state: string }[]>`select state from offers where cancellation_id = ${id} order by id`).map((o) => o.state);
const statusOf = async (id: string) =>
  (await suite.ts.sql<{ status: CancellationStatus }[]>`select status from cancellation_events where id = ${id}`)[0]!.status;
/** How the texts to `phone` that Twilio never took ended in the message log (staff's Messages and calls page). */
const untakenTo = async (phone: string) =>
  (
    await suite.ts.sql<{ status: string }[]>`select status from messages where phone = ${phone} and direction = 'outbound' and provider_sid is null order by id`
  ).map((m) => m.status);

describe('staff withdraw a slot while a round of its offers is under way', () => {
  it('tell the patient already texted that the opening is withdrawn, and text no one the round had not reached', async () => {
    const { providerId, phones } = await providerWithWaitlist(suite.ts, 3);
    const [first, second, third] = phones as [string, string, string];
    // Twilio takes the first text and throttles the other two for a minute: the round waits for its retry.
    suite.twilioApi.setAnswers(second, [{ kind: 'throttled', retryAfterSeconds: 60 }]);
    suite.twilioApi.setAnswers(third, [{ kind: 'throttled', retryAfterSeconds: 60 }]);
    const { id, handle } = await startOfferRound(suite.ts, { providerId, hoursAhead: 24, holdMinutes: 7 });
    await expect.poll(async () => (await takenTextsTo(suite.ts, first)).length, { timeout: 20_000 }).toBe(1);
    await expect.poll(() => [second, third].map((phone) => suite.twilioApi.requestsTo(phone).length), { timeout: 20_000 }).toEqual([1, 1]);

    await abortCancellation({ sql: suite.ts.sql, temporal: suite.ts.temporal, taskQueue: suite.ts.taskQueue }, suite.ts.clinic, id, 'staff');
    // Ended in the database at once, before the round's retry.
    await expect.poll(() => offerStates(id), { timeout: 20_000 }).toEqual(['canceled', 'canceled', 'canceled']);
    // The round's retry, then the end of the holds (a YES within them is answered): the workflow ends.
    await suite.ts.env.sleep(MINUTE + 1000);
    await suite.ts.env.sleep(7 * MINUTE);
    expect(await handle.result()).toEqual({ status: 'aborted' });

    expect(await statusOf(id)).toBe('aborted');
    expect(await offerStates(id)).toEqual(['canceled', 'canceled', 'canceled']);
    const [offered, withdrawn, ...more] = await takenTextsTo(suite.ts, first);
    expect(offered).toMatch(OFFER);
    expect(withdrawn).toMatch(WITHDRAWN);
    expect(more).toEqual([]);
    expect(await takenTextsTo(suite.ts, second)).toEqual([]);
    expect(await takenTextsTo(suite.ts, third)).toEqual([]);
    // Twilio was asked nothing more than the first, throttled, text.
    expect([second, third].map((phone) => suite.twilioApi.requestsTo(phone).length)).toEqual([1, 1]);
    // Their throttled texts are withdrawn in the message log, not left queued for ever.
    expect([await untakenTo(second), await untakenTo(third)]).toEqual([['canceled'], ['canceled']]);
  }, 60_000);

  it('a YES that fills the slot while the round waits ends it too: the patient not yet texted hears nothing', async () => {
    const { providerId, phones } = await providerWithWaitlist(suite.ts, 2);
    const [first, second] = phones as [string, string];
    suite.twilioApi.setAnswers(second, [{ kind: 'throttled', retryAfterSeconds: 60 }]);
    const { id, handle } = await startOfferRound(suite.ts, { providerId, hoursAhead: 24, holdMinutes: 7 });
    await expect.poll(async () => (await takenTextsTo(suite.ts, first)).length, { timeout: 20_000 }).toBe(1);
    await expect.poll(() => suite.twilioApi.requestsTo(second).length, { timeout: 20_000 }).toBe(1);

    const won = await handle.executeUpdate(answerOfferUpdate, { args: [{ answer: 'YES', kind: 'waitlist_offer', phone: first }] });
    expect(won.reply).toMatch(/^Test Clinic: Confirmed\./);
    await suite.ts.env.sleep(MINUTE + 1000);
    await suite.ts.env.sleep(7 * MINUTE);
    expect(await handle.result()).toEqual({ status: 'filled' });

    expect(await offerStates(id)).toEqual(['accepted', 'canceled']);
    expect(await takenTextsTo(suite.ts, second)).toEqual([]);
    expect(suite.twilioApi.requestsTo(second)).toHaveLength(1);
    expect(await untakenTo(second)).toEqual(['canceled']);
  }, 60_000);

  it('end a round still being made with nothing texted and nothing pending, so its patients get the next slot', async () => {
    const { providerId, phones } = await providerWithWaitlist(suite.ts, 2);
    // A slow database: the round waits for the cancellation's row, which this transaction holds until the abort is in.
    let letGo!: () => void;
    const released = new Promise<void>((resolve) => (letGo = resolve));
    let holding: Promise<unknown> = Promise.resolve();
    const { id, handle } = await startOfferRound(suite.ts, {
      providerId,
      hoursAhead: 24,
      holdMinutes: 7,
      beforeStart: async (cancellationId) => {
        let locked!: () => void;
        const held = new Promise<void>((resolve) => (locked = resolve));
        holding = suite.ts.sql.begin(async (tx) => {
          await tx`select 1 from cancellation_events where id = ${cancellationId} for update`;
          locked();
          await released;
        });
        await held;
      },
    });
    try {
      await expect
        .poll(
          async () =>
            (await suite.ts.sql`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like '%from cancellation_events%for update%'`).length,
          {
            timeout: 20_000,
          },
        )
        .toBeGreaterThan(0);
      // The abort reaches the workflow while the round waits (the worker hands in its task at 8 s of the local activity).
      await handle.executeUpdate(abortCancellationUpdate, { args: [{ by: 'staff' }] });
    } finally {
      letGo();
      await holding;
    }
    await expect.poll(() => statusOf(id), { timeout: 20_000 }).toBe('aborted');
    await suite.ts.env.sleep(8 * MINUTE);
    expect(await handle.result()).toEqual({ status: 'aborted' });

    expect(await statusOf(id)).toBe('aborted');
    expect(await offerStates(id)).toEqual(['canceled', 'canceled']);
    for (const phone of phones) {
      expect(await takenTextsTo(suite.ts, phone)).toEqual([]);
      expect(suite.twilioApi.requestsTo(phone)).toEqual([]);
    }

    // Staff log another slot of the provider the same day: both patients are offered it (at most one offer a day, and none was sent).
    const next = await startOfferRound(suite.ts, { providerId, hoursAhead: 25, holdMinutes: 7 });
    await expect.poll(() => offerStates(next.id), { timeout: 20_000 }).toEqual(['pending', 'pending']);
    for (const phone of phones) await expect.poll(async () => (await takenTextsTo(suite.ts, phone)).length, { timeout: 20_000 }).toBe(1);
  }, 90_000);
});
