/**
 * A round of offers whose texts Twilio throttles until the round gives up on them (its passes' 30
 * minutes): the offer workflow in the time-skipping server, on the real activities
 * and Postgres, texting through Twilio's REST API stand-in. The workflow outlives it: the round's
 * offers whose text never went end `failed` (their texts `failed` in the message log), so no pending
 * offer keeps those patients from the next slot, while the offer whose text went still holds; the
 * free places are offered again after a pause, to the next patient on the list; and staff can still
 * withdraw the slot.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { abortCancellation } from '../../src/waitlist/offerWorkflows.js';
import type { CancellationStatus } from '../../src/workflows/offerDefinitions.js';
import { UNSENT_ROUND_PAUSE_MINUTES } from '../../src/workflows/offerRound.js';
import { offerPhonesAndStates, offersThroughTwilioApi, providerWithWaitlist, startOfferRound, takenTextsTo } from '../support/offerRounds.js';

const MINUTE = 60_000;
const OFFER = /^Test Clinic: a visit opened up .* Reply YES within 60 min to take it, or NO to pass\.$/;
const WITHDRAWN = /^Test Clinic: the .* opening is no longer available\. We'll keep you on the list\.$/;
const suite = offersThroughTwilioApi();

const offersOf = (id: string) => offerPhonesAndStates(suite.ts, id);
const statusOf = async (id: string) =>
  (await suite.ts.sql<{ status: CancellationStatus }[]>`select status from cancellation_events where id = ${id}`)[0]!.status;
/** How the texts to `phone` that Twilio never took ended in the message log (staff's Messages and calls page), with Twilio's last answer. */
const untakenTo = async (phone: string) =>
  suite.ts.sql<{ status: string; error_code: number | null }[]>`
    select status, error_code from messages where phone = ${phone} and direction = 'outbound' and provider_sid is null order by id`;

/** When (epoch ms, workflow time) the workflow of `handle` gave up on its round's texts: its `giveUpOfferTexts` activity completed. */
async function whenRoundGaveUp(handle: WorkflowHandle): Promise<number> {
  const { events } = await handle.fetchHistory();
  const scheduled = events?.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'giveUpOfferTexts');
  const done = events?.find((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '') === String(scheduled!.eventId));
  const { seconds, nanos } = done!.eventTime!;
  return Number(String(seconds)) * 1000 + Math.floor((nanos ?? 0) / 1e6);
}

describe('a round of offers whose texts Twilio throttles until the round gives up', () => {
  it('ends the offers whose text did not go failed, offers their places again after a pause, and staff can still withdraw the slot', async () => {
    const { providerId, phones } = await providerWithWaitlist(suite.ts, 4);
    const [first, second, third, fourth] = phones as [string, string, string, string];
    // Twilio takes the first text and answers 429 to every text to the next two, for as long as they are tried.
    suite.twilioApi.setAnswer(second, { kind: 'throttled', retryAfterSeconds: 60 });
    suite.twilioApi.setAnswer(third, { kind: 'throttled', retryAfterSeconds: 60 });
    const { id, handle } = await startOfferRound(suite.ts, { providerId, hoursAhead: 24, holdMinutes: 60 });
    await expect.poll(() => takenTextsTo(suite.ts, first), { timeout: 20_000 }).toEqual([expect.stringMatching(OFFER)]);
    await expect.poll(() => [second, third].map((phone) => suite.twilioApi.requestsTo(phone).length > 0), { timeout: 20_000 }).toEqual([true, true]);

    // The round gives up after its 30 minutes of passes.
    await suite.ts.env.sleep(31 * MINUTE);
    await expect
      .poll(() => offersOf(id), { timeout: 20_000 })
      .toEqual([
        [first, 'pending'],
        [second, 'failed'],
        [third, 'failed'],
      ]);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(await statusOf(id)).toBe('open');
    // Their texts are failed in the message log with Twilio's last answer (20429), not left queued, and no later try sends them.
    for (const phone of [second, third]) {
      expect(await untakenTo(phone)).toEqual([{ status: 'failed', error_code: 20429 }]);
      expect(await takenTextsTo(suite.ts, phone)).toEqual([]);
    }

    // No round goes during the pause, counted from when the round gave up; after it, the next patient on the list is offered a free place.
    const asked = suite.twilioApi.requests.length;
    const gaveUpAt = await whenRoundGaveUp(handle);
    await suite.ts.env.sleep(gaveUpAt + (UNSENT_ROUND_PAUSE_MINUTES - 1) * MINUTE - (await suite.ts.env.currentTimeMs()));
    expect(suite.twilioApi.requests.length).toBe(asked);
    expect(await offersOf(id)).toHaveLength(3);
    await suite.ts.env.sleep(2 * MINUTE);
    await expect
      .poll(() => offersOf(id), { timeout: 20_000 })
      .toEqual([
        [first, 'pending'],
        [second, 'failed'],
        [third, 'failed'],
        [fourth, 'pending'],
      ]);
    await expect.poll(() => takenTextsTo(suite.ts, fourth), { timeout: 20_000 }).toEqual([expect.stringMatching(OFFER)]);

    // Staff withdraw it: the patients texted are told, the two who never heard of it are told nothing.
    const { outcome } = await abortCancellation(
      { sql: suite.ts.sql, temporal: suite.ts.temporal, taskQueue: suite.ts.taskQueue },
      suite.ts.clinic,
      id,
      'staff',
    );
    expect(outcome).toBe('aborted');
    // The workflow ends once the last hold does (a YES within it is answered).
    await suite.ts.env.sleep(60 * MINUTE);
    expect(await handle.result()).toEqual({ status: 'aborted' });
    expect(await statusOf(id)).toBe('aborted');
    expect(await offersOf(id)).toEqual([
      [first, 'canceled'],
      [second, 'failed'],
      [third, 'failed'],
      [fourth, 'canceled'],
    ]);
    for (const phone of [first, fourth]) expect(await takenTextsTo(suite.ts, phone)).toEqual([expect.stringMatching(OFFER), expect.stringMatching(WITHDRAWN)]);
    for (const phone of [second, third]) expect(await takenTextsTo(suite.ts, phone)).toEqual([]);

    // Twilio takes texts again: the two are offered the provider's next slot (no pending offer holds them, and the offer never texted did not count for the day).
    suite.twilioApi.clearAnswer(second);
    suite.twilioApi.clearAnswer(third);
    const next = await startOfferRound(suite.ts, { providerId, hoursAhead: 25, holdMinutes: 60 });
    await expect
      .poll(() => offersOf(next.id), { timeout: 20_000 })
      .toEqual([
        [second, 'pending'],
        [third, 'pending'],
      ]);
    for (const phone of [second, third]) await expect.poll(() => takenTextsTo(suite.ts, phone), { timeout: 20_000 }).toEqual([expect.stringMatching(OFFER)]);
  }, 120_000);
});
