/**
 * The board names how a ticket that left it ended ("L1 marked no-show") from the clinic's tickets
 * closed in the last minutes (`listRecentlyClosedTickets`): each code once, in the state its latest
 * closing left it, read through the `tickets_unpurged` index however many tickets the clinic closed
 * before.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSql } from '../../src/db/sql.js';
import { listRecentlyClosedTickets } from '../../src/queue/readQueue.js';
import { createTestClinic } from '../support/clinic.js';
import { nodesOf, planOf, tracingSql } from '../support/queryPlan.js';

const sql = createSql(inject('databaseUrl'));
/** Every query `listRecentlyClosedTickets` sends through `traced`, as postgres.js sent it. */
const { sql: traced, sent } = tracingSql(inject('databaseUrl'));
afterAll(() => Promise.all([sql.end(), traced.end()]));

let clinicId: number;
let otherClinicId: number;

/** A kiosk ticket `code` at `clinic` in `state`, closed `closedAgoMinutes` ago (open with null). */
async function ticket(clinic: number, code: string, state: string, closedAgoMinutes: number | null): Promise<void> {
  await sql`
    insert into tickets (clinic_id, service_day, code, workflow_id, channel, state, joined_at, closed_at)
    values (${clinic}, current_date, ${code}, ${`ticket-closed-${clinic}-${code}-${crypto.randomUUID()}`}, 'kiosk', ${state},
      now() - interval '1 hour', ${closedAgoMinutes === null ? null : sql`now() - make_interval(mins => ${closedAgoMinutes})`})`;
}

beforeAll(async () => {
  const [{ clinic }, { clinic: other }] = [await createTestClinic(sql), await createTestClinic(sql)];
  clinicId = clinic.id;
  otherClinicId = other.id;
  // A year of the clinic's tickets, 100 a day, those past its 90 days' retention purged as the schedule purges them.
  await sql`
    insert into tickets (clinic_id, service_day, code, workflow_id, channel, state, joined_at, closed_at, purged_at)
    select ${clinic.id}, (now() - make_interval(days => g / 100))::date, 'Y' || g, 'ticket-year-' || ${clinic.id} || '-' || g, 'kiosk', 'done',
      now() - make_interval(days => g / 100, mins => 30), now() - make_interval(days => g / 100, mins => 20),
      case when g / 100 > 90 then now() - make_interval(days => g / 100 - 90) end
    from generate_series(100, 36500) g`;
  await sql`analyze tickets`;
});

describe('the tickets the board says have just left it', () => {
  it('are each code once, in the state of its latest closing, since the time asked, at this clinic only', async () => {
    await ticket(clinicId, 'L1', 'no_show', 2);
    // A code used twice within the window: the later closing is the one the board means.
    await ticket(clinicId, 'L2', 'left', 8);
    await ticket(clinicId, 'L2', 'done', 1);
    await ticket(clinicId, 'L3', 'expired', 20);
    await ticket(clinicId, 'L4', 'waiting', null);
    await ticket(otherClinicId, 'L5', 'done', 1);

    sent.length = 0;
    const closed = await listRecentlyClosedTickets(traced, clinicId, new Date(Date.now() - 10 * 60_000));
    expect(closed).toEqual([
      { code: 'L1', state: 'no_show' },
      { code: 'L2', state: 'done' },
    ]);

    // postgres.js reads the server's types once on a new connection: only the read's own query counts.
    const [query, ...more] = sent.filter((q) => /\bfrom tickets\b/.test(q.query));
    expect(more).toEqual([]);
    expect(nodesOf(await planOf(sql, query!)).map((n) => n['Index Name'])).toContain('tickets_unpurged');
  });
});
