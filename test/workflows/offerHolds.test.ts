/**
 * Offers whose texts Twilio throttles for a while, shorter than the round's 30 minutes of passes: the
 * offer workflow in the time-skipping server, on the real activities and Postgres, texting through
 * Twilio's REST API stand-in. Each offer holds from when its own text went, as long as the text says,
 * and the holds of the texts that went expire on time (their places offered to the next patient)
 * while another text of the round is still being retried.
 */
import { describe, expect, it } from 'vitest';
import { answerOfferUpdate } from '../../src/workflows/offerDefinitions.js';
import type { TwilioApiAnswer } from '../support/fakeTwilioApi.js';
import { offerPhonesAndStates, offersThroughTwilioApi, providerWithWaitlist, startOfferRound, takenTextsTo } from '../support/offerRounds.js';

const MINUTE = 60_000;
const OFFER = /^Test Clinic: a visit opened up .* Reply YES within 7 min to take it, or NO to pass\.$/;
const CONFIRMED = /^Test Clinic: Confirmed\. You're scheduled for /;
const suite = offersThroughTwilioApi();

const offersOf = (id: string) => offerPhonesAndStates(suite.ts, id);
/** Twilio's first `count` answers to a text: 429, retry in a minute. */
const throttled = (count: number) => Array.from({ length: count }, (): TwilioApiAnswer => ({ kind: 'throttled', retryAfterSeconds: 60 }));

describe('an offer whose text Twilio throttles for ten minutes, held 7 minutes', () => {
  it('expires the round’s other holds on time, then holds it 7 minutes from when its text went', async () => {
    const { providerId, phones } = await providerWithWaitlist(suite.ts, 4);
    const [first, second, third, fourth] = phones as [string, string, string, string];
    // Twilio answers the first ten tries of the second patient's text 429 (retry in a minute), then takes it: about 10 minutes late.
    suite.twilioApi.setAnswers(second, throttled(10));
    const { id, handle } = await startOfferRound(suite.ts, { providerId, hoursAhead: 24, holdMinutes: 7 });
    const startedAt = await suite.ts.env.currentTimeMs();
    for (const phone of [first, third]) await expect.poll(() => takenTextsTo(suite.ts, phone), { timeout: 20_000 }).toEqual([expect.stringMatching(OFFER)]);

    // 8 minutes on, the second text is still being retried: the holds of the two texts that went have run out, and the next patient has the place.
    await suite.ts.env.sleep(8 * MINUTE);
    await expect
      .poll(() => offersOf(id), { timeout: 20_000 })
      .toEqual([
        [first, 'expired'],
        [second, 'pending'],
        [third, 'expired'],
        [fourth, 'pending'],
      ]);
    await expect.poll(() => takenTextsTo(suite.ts, fourth), { timeout: 20_000 }).toEqual([expect.stringMatching(OFFER)]);
    expect(await takenTextsTo(suite.ts, second)).toEqual([]);

    // The second patient's text goes at about 10 minutes and says 7 minutes: a YES 5 minutes after it is in time.
    await suite.ts.env.sleep(startedAt + 11 * MINUTE - (await suite.ts.env.currentTimeMs()));
    await expect.poll(() => takenTextsTo(suite.ts, second), { timeout: 20_000 }).toEqual([expect.stringMatching(OFFER)]);
    await suite.ts.env.sleep(5 * MINUTE);
    const { reply } = await handle.executeUpdate(answerOfferUpdate, { args: [{ answer: 'YES', kind: 'waitlist_offer', phone: second }] });
    expect(reply).toMatch(CONFIRMED);
    await expect
      .poll(() => offersOf(id), { timeout: 20_000 })
      .toEqual([
        [first, 'expired'],
        [second, 'accepted'],
        [third, 'expired'],
        // Offered at about 7 minutes, its hold ran out at about 14.
        [fourth, 'expired'],
      ]);
    await suite.ts.env.sleep(10 * MINUTE);
    expect(await handle.result()).toEqual({ status: 'filled' });
  }, 120_000);

  it('ends its hold 7 minutes after its text went, as the text says, on the offer and its YES / NO prompt', async () => {
    const { providerId, phones } = await providerWithWaitlist(suite.ts, 1);
    const [only] = phones as [string];
    suite.twilioApi.setAnswers(only, throttled(3));
    const { id, handle } = await startOfferRound(suite.ts, { providerId, hoursAhead: 24, holdMinutes: 7 });
    const startedAt = await suite.ts.env.currentTimeMs();
    // Taken at about 3 minutes: held until about 10, as the text says.
    await suite.ts.env.sleep(4 * MINUTE);
    await expect.poll(() => takenTextsTo(suite.ts, only), { timeout: 20_000 }).toEqual([expect.stringMatching(OFFER)]);
    const [held] = await suite.ts.sql<{ hold_ms: number; prompt_ms: number }[]>`
      select extract(epoch from o.hold_expires_at - m.sent_at) * 1000 as hold_ms, extract(epoch from p.expires_at - m.sent_at) * 1000 as prompt_ms
      from offers o join messages m on m.idempotency_key = 'offer:' || o.id::text
        join patient_prompts p on p.workflow_id = ${handle.workflowId} and p.phone = o.phone
      where o.cancellation_id = ${id}`;
    // On the workflow's clock, which the time-skipping server runs ahead of the message log's: the same in both rows, at least the 7 minutes.
    expect(Number(held!.hold_ms)).toBe(Number(held!.prompt_ms));
    expect(Number(held!.hold_ms)).toBeGreaterThanOrEqual(7 * MINUTE);
    await suite.ts.env.sleep(startedAt + 9 * MINUTE - (await suite.ts.env.currentTimeMs()));
    expect(await offersOf(id)).toEqual([[only, 'pending']]);
    await suite.ts.env.sleep(2 * MINUTE);
    await expect.poll(() => offersOf(id), { timeout: 20_000 }).toEqual([[only, 'expired']]);
    expect(await handle.result()).toEqual({ status: 'expired' });
  }, 120_000);
});
