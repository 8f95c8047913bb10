/**
 * Waitlist offers under load (issue 10's offer workflow): with the clinic's batch size at 20
 * (`offer_batch_size`, which BATCH_SIZE sets at start), each round puts 20 fresh patients on the
 * waitlist of a provider of their own, logs a cancellation of that provider's slot with
 * `POST /api/cancellations`, and measures the fan-out (from the POST to the 20th offer in the message
 * log with its MessageSid), then the race: all 20 patients text `YES` at once → exactly one winner,
 * the others told the slot is taken, and the time each waits for that answer.
 */
import { quantile, runLoad, summarise } from '../load.js';
import { plus } from '../report.js';
import { callApi, text } from '../requests.js';
import { waitFor, type Scenario } from '../scenario.js';

const BATCH = 20;
const FAN_OUT_GOAL_MS = 1_000;
const TAKEN = "sorry, this slot has been taken; we'll keep you on the list.";

export const offersScenario: Scenario = {
  name: 'offers',
  description: `offer fan-out and race, batch size ${BATCH}`,
  async run({ stack, options, floors, report, phones }) {
    await callApi(stack, 'PATCH', '/api/clinic?clinic=main', { offer_batch_size: BATCH });
    const http = await floors.get('HTTP', BATCH, BATCH * options.offerRounds);
    const update = await floors.get('update', BATCH, BATCH * options.offerRounds);
    const fanOutMs: number[] = [];
    const replyTimes: number[] = [];
    const replyErrors: string[] = [];
    let replyWallMs = 0;
    let oneWinnerRounds = 0;
    for (let round = 0; round < options.offerRounds; round++) {
      const provider = await callApi(stack, 'POST', '/api/providers', { name: `Dr Race ${round + 1}`, type: 'MD/DO' }, 201);
      const patients = phones(BATCH);
      await runLoad(BATCH, 10, (i) => callApi(stack, 'POST', '/api/waitlist', { phone: patients[i], provider_ids: [provider.id] }, 201));
      const slot = Date.now() + (50 + round) * 3_600_000;
      const postedAt = Date.now();
      const cancellation = await callApi(
        stack,
        'POST',
        '/api/cancellations?clinic=main',
        {
          provider_id: provider.id,
          location: 'Main St clinic',
          slot_start_at: new Date(slot).toISOString(),
          slot_end_at: new Date(slot + 1_800_000).toISOString(),
        },
        201,
      );
      const offered = () =>
        stack.sql<{ created_at: Date }[]>`
          select created_at from messages where phone = any(${patients}) and direction = 'outbound' and provider_sid is not null`;
      await waitFor('the offers sent', async () => (await offered()).length >= BATCH, 120_000, 20);
      fanOutMs.push(Math.max(...(await offered()).map((m) => m.created_at.getTime())) - postedAt);

      const replies: string[] = [];
      const raceStarted = performance.now();
      await Promise.all(
        patients.map(async (phone, i) => {
          const t0 = performance.now();
          replies[i] = await text(stack, phone, 'YES').catch((error: unknown) => {
            replyErrors.push(error instanceof Error ? error.message : String(error));
            return '';
          });
          replyTimes.push(performance.now() - t0);
        }),
      );
      replyWallMs += performance.now() - raceStarted;
      // A reply that missed the 5 s deadline goes out as a late text: the invariant is one winner.
      const won = replies.filter((r) => r.includes('Confirmed.')).length;
      const taken = replies.filter((r) => r.endsWith(TAKEN)).length;
      const acceptedOffers = async () =>
        (
          await stack.sql<{ n: number }[]>`
          select count(*)::int as n from offers where cancellation_id = ${cancellation.id as string} and state = 'accepted'`
        )[0]!.n;
      await waitFor('the winning offer recorded', async () => (await acceptedOffers()) >= 1, 30_000).catch(() => undefined);
      const accepted = { n: await acceptedOffers() };
      if (won <= 1 && accepted.n === 1) oneWinnerRounds += 1;
      report.fact(
        'offers',
        `round ${round + 1}`,
        `${accepted.n} offer accepted; replies: ${won} confirmed, ${taken} told it is taken, ${BATCH - won - taken} late (empty TwiML)`,
      );
    }
    const merged = summarise(replyTimes, { concurrency: BATCH, errors: replyErrors.length, errorSamples: [...new Set(replyErrors)], wallMs: replyWallMs });
    report.row({ scenario: 'offer race', what: `${BATCH} concurrent YES to one slot, ${options.offerRounds} rounds`, load: merged, floor: plus(update, http) });
    report.check(
      'offer race',
      `exactly one winner (one offer accepted, no second confirmation) in each of ${options.offerRounds} rounds`,
      oneWinnerRounds === options.offerRounds,
      `${oneWinnerRounds} rounds`,
    );
    fanOutMs.sort((a, b) => a - b);
    report.check(
      'offer fan-out',
      `POST /api/cancellations to all ${BATCH} offers in the message log < 1 s`,
      (fanOutMs.at(-1) ?? Infinity) < FAN_OUT_GOAL_MS,
      `p50 ${quantile(fanOutMs, 0.5).toFixed(0)} ms, max ${fanOutMs.at(-1)?.toFixed(0)} ms over ${fanOutMs.length} rounds`,
    );
  },
};
