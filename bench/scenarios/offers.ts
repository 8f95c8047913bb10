/**
 * Waitlist offers under load (issue 10's offer workflow): with the clinic's batch size at 20
 * (`offer_batch_size`, which BATCH_SIZE sets at start), each round puts 20 fresh patients on the
 * waitlist of a provider of their own, logs a cancellation of that provider's slot with
 * `POST /api/cancellations`, and measures the fan-out (from the POST to the 20th offer in the message
 * log with its MessageSid), then the race: all 20 patients text `YES` at once → exactly one winner,
 * each of the others told once that the slot is taken (by the reply or by the notice), and the time
 * each waits for their answer.
 */
import { quantile, runLoad, summarise } from '../load.js';
import { plus } from '../report.js';
import { callApi, textMayGoUnanswered } from '../requests.js';
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
    let toldOnceRounds = 0;
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
          // No reply is right for a YES that crossed its "taken" notice; a late one is counted below.
          replies[i] = await textMayGoUnanswered(stack, phone, 'YES').catch((error: unknown) => {
            replyErrors.push(error instanceof Error ? error.message : String(error));
            return '';
          });
          replyTimes.push(performance.now() - t0);
        }),
      );
      replyWallMs += performance.now() - raceStarted;
      // A reply that missed the 5 s deadline goes out as a late text: an error, but the invariant is one winner.
      const [late] = await stack.sql<{ n: number }[]>`
        select count(*)::int as n from messages where phone = any(${patients}) and direction = 'inbound' and reply_via = 'outbound'`;
      for (let i = 0; i < late!.n; i++) replyErrors.push('the reply missed the 5 s deadline (sent late)');
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
      // "Taken" as the reply (the log keeps a TwiML reply as an outbound row too) or as the notice: each loser once.
      const toldTaken = async () =>
        stack.sql<{ phone: string; n: number }[]>`
          select phone, count(*)::int as n from messages
          where phone = any(${patients}) and direction = 'outbound' and body like ${'%' + TAKEN}
          group by phone`;
      await waitFor('every loser told', async () => (await toldTaken()).length >= BATCH - 1, 30_000).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const told = await toldTaken();
      if (told.length === BATCH - 1 && told.every((t) => t.n === 1)) toldOnceRounds += 1;
      report.fact(
        'offers',
        `round ${round + 1}`,
        `${accepted.n} offer accepted; replies: ${won} confirmed, ${taken} told it is taken, ${BATCH - won - taken - late!.n} no reply (told by the notice), ${late!.n} late; ` +
          `losers told "taken" once: ${told.filter((t) => t.n === 1).length} of ${BATCH - 1}`,
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
    report.check(
      'offer race',
      `each of the ${BATCH - 1} losers told once that the slot is taken (reply or notice, never both) in each of ${options.offerRounds} rounds`,
      toldOnceRounds === options.offerRounds,
      `${toldOnceRounds} rounds`,
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
