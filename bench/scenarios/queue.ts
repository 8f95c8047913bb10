/**
 * The walk-in line under load: a burst of JOINs from distinct numbers, staff moves on half of the
 * tickets (`next`, then `no_show`), then STATUS from every ticket still open, then moves that owe no
 * text (`in_room`, then `done`) on half of those, to show what a move's text costs.
 */
import { runLoad } from '../load.js';
import { floorRef, plus } from '../report.js';
import { callApi, text } from '../requests.js';
import { waitFor, type Scenario } from '../scenario.js';

const MAIN = 'main';

export const queueScenario: Scenario = {
  name: 'queue',
  description: 'JOIN burst, staff moves, STATUS',
  async run({ stack, options, floors, report, phones }) {
    const { joins, joinConcurrency: conc, moveConcurrency, statusTickets } = options;
    const [clinic] = await stack.sql<{ id: number }[]>`update clinics set closing_time = '23:59' where slug = ${MAIN} returning id`;
    const patients = phones(joins);

    // JOIN: update-with-start of the ticket's workflow, which writes the row before it answers.
    const http = await floors.get('HTTP', conc, joins);
    const uws = await floors.get('update-with-start', conc, joins);
    const join = await runLoad(joins, conc, async (i) => {
      const reply = await text(stack, patients[i]!, 'JOIN');
      if (!reply.includes('your ticket is')) throw new Error(`unexpected reply: ${reply.slice(0, 80)}`);
    });
    const floor = plus(uws, http);
    report.row({
      scenario: 'JOIN burst',
      what: 'signed JOIN webhooks, distinct numbers',
      load: join,
      floor,
      goal: {
        text: `p99 ≤ 1.1 × update-with-start p99 + HTTP p99 (${(1.1 * uws.load.p99 + http.load.p99).toFixed(0)} ms); /s ≥ 0.9 × floor (${(0.9 * uws.load.perSecond).toFixed(1)})`,
        met: join.p99 <= 1.1 * uws.load.p99 + http.load.p99 && join.perSecond >= 0.9 * uws.load.perSecond && join.errors === 0,
      },
    });
    // A reply that missed its 5 s deadline goes out late, with its ticket: wait for those too.
    const countTickets = async () =>
      (
        await stack.sql<{ tickets: number; codes: number }[]>`
        select count(*)::int as tickets, count(distinct code)::int as codes from tickets where clinic_id = ${clinic!.id}`
      )[0]!;
    await waitFor('late tickets', async () => (await countTickets()).tickets >= joins, 60_000, 500).catch(() => undefined);
    const made = await countTickets();
    report.check(
      'JOIN burst',
      `exactly ${joins} tickets with ${joins} distinct codes`,
      made.tickets === joins && made.codes === joins,
      `${made.tickets} tickets, ${made.codes} codes`,
    );

    // Staff moves on the tickets that will not stay open: `next` for each, then `no_show`.
    const open = await stack.sql<{ code: string }[]>`
      select code from tickets where clinic_id = ${clinic!.id} and state = 'waiting' order by joined_at, id`;
    const moved = open.slice(0, open.length - statusTickets).map((t) => t.code);
    if (moved.length === 0) {
      report.fact('staff moves', 'skipped', `no ticket beyond the ${statusTickets} kept open for STATUS (raise BENCH_JOINS)`);
    } else {
      const moves = moved.length * 2;
      const httpM = await floors.get('HTTP', moveConcurrency, moves);
      const update = await floors.get('update', moveConcurrency, moves);
      const load = await runLoad(moves, moveConcurrency, async (i) => {
        const code = moved[i % moved.length]!;
        const to = i < moved.length ? 'next' : 'no_show';
        await callApi(stack, 'POST', `/api/tickets/${code}/state?clinic=${MAIN}`, { state: to });
      });
      report.row({
        scenario: 'staff moves',
        what: 'POST /api/tickets/{code}/state (next, then no_show)',
        load,
        floor: plus(update, httpM),
        goal: {
          text: `p99 ≤ 1.5 × update p99 + HTTP p99 (${(1.5 * update.load.p99 + httpM.load.p99).toFixed(0)} ms)`,
          met: load.p99 <= 1.5 * update.load.p99 + httpM.load.p99 && load.errors === 0,
        },
      });
    }

    // STATUS: a Postgres read of the line, no Temporal round trip.
    const [stillOpen] = await stack.sql<
      { n: number }[]
    >`select count(*)::int as n from tickets where clinic_id = ${clinic!.id} and state in ('waiting', 'next', 'in_room')`;
    const asking = await stack.sql<{ phone: string }[]>`select phone from tickets where clinic_id = ${clinic!.id} and state = 'waiting' order by joined_at`;
    const status = await runLoad(asking.length, conc, async (i) => {
      const reply = await text(stack, asking[i]!.phone, 'STATUS');
      if (!reply.includes('in line')) throw new Error(`unexpected reply: ${reply.slice(0, 80)}`);
    });
    report.row({
      scenario: 'STATUS',
      what: `signed STATUS webhooks, ${stillOpen!.n} open tickets`,
      load: status,
      floor: floorRef(await floors.get('HTTP', conc, joins)),
    });
    const select1 = await floors.get('select 1', conc, asking.length);
    report.fact('STATUS', 'select 1 floor at the same concurrency (p50 / p99)', `${select1.load.p50.toFixed(1)} / ${select1.load.p99.toFixed(1)} ms`);

    // Where a move's time goes: `in_room` and `done` owe the patient no text (no activity, no second
    // workflow task, no delivery receipts), so beside the moves above they show what the text costs.
    const quiet = asking.slice(0, Math.floor(asking.length / 2)).map((t) => t.phone);
    if (quiet.length > 0) {
      const codes = await stack.sql<{ code: string }[]>`
        select code from tickets where clinic_id = ${clinic!.id} and phone in ${stack.sql(quiet)} and state = 'waiting'`;
      await runLoad(codes.length, moveConcurrency, (i) => callApi(stack, 'POST', `/api/tickets/${codes[i]!.code}/state?clinic=${MAIN}`, { state: 'next' }));
      await new Promise((resolve) => setTimeout(resolve, 5_000)); // their texts and receipts settle
      const update = await floors.get('update', moveConcurrency, codes.length * 2);
      const load = await runLoad(codes.length * 2, moveConcurrency, (i) =>
        callApi(stack, 'POST', `/api/tickets/${codes[i % codes.length]!.code}/state?clinic=${MAIN}`, { state: i < codes.length ? 'in_room' : 'done' }),
      );
      report.row({
        scenario: 'staff moves owing no text',
        what: 'POST /api/tickets/{code}/state (in_room, then done)',
        load,
        floor: plus(update, await floors.get('HTTP', moveConcurrency, codes.length * 2)),
      });
    }
  },
};
