/**
 * The ticket workflow in Temporal's time-skipping test server, with its real activities on the test
 * Postgres: the clock moves only when a test says so (`env.sleep`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clinic } from '../../src/clinics/clinics.js';
import type { Sql } from '../../src/db/sql.js';
import { joinQueue, type QueueDeps } from '../../src/queue/joinQueue.js';
import { findTicketByCode } from '../../src/queue/readQueue.js';
import { transitionTicket } from '../../src/queue/transitionTicket.js';
import { ticketQuery, ticketWorkflowId } from '../../src/workflows/definitions.js';
import type { TicketState } from '../../src/domain/ticketStates.js';
import { fictionalNumber } from '../support/clinic.js';
import { startTimeSkipping, type TimeSkipping } from '../support/timeSkipping.js';

let timeSkipping: TimeSkipping;
let env: TimeSkipping['env'];
let sql: Sql;
let clinic: Clinic;
let deps: QueueDeps;

beforeAll(async () => {
  timeSkipping = await startTimeSkipping();
  ({ env, sql, clinic } = timeSkipping);
  deps = { sql, temporal: timeSkipping.temporal, taskQueue: timeSkipping.taskQueue };
});

afterAll(() => timeSkipping?.stop());

let joins = 0;
async function join(phone: string | null = fictionalNumber('312')) {
  const outcome = await joinQueue(deps, { clinic, phone, channel: phone === null ? 'kiosk' : 'sms', note: null, joinKey: `test-${++joins}-${Math.random()}` });
  return { phone, code: outcome.ticket.code, kind: outcome.kind };
}

async function move(code: string, to: TicketState) {
  const ticket = await findTicketByCode(sql, clinic.id, code);
  return transitionTicket(deps, ticket!, to, 'staff');
}

async function textsTo(phone: string): Promise<string[]> {
  const rows = await sql`select body from messages where clinic_id = ${clinic.id} and phone = ${phone} and direction = 'outbound' order by id`;
  return rows.map((r) => r.body as string);
}

function handleOf(code: string) {
  return deps.temporal.workflow.getHandle(ticketWorkflowId(clinic.slug, code.length > 0 ? serviceDayOf(code) : '', code));
}
const days = new Map<string, string>();
function serviceDayOf(code: string): string {
  return days.get(code)!;
}
async function rememberDay(code: string) {
  const [row] = await sql`select service_day::text as day from tickets where clinic_id = ${clinic.id} and code = ${code}`;
  days.set(code, row!.day as string);
}

describe('a called patient who does not come', () => {
  it('gets "you\'re next" at once and one "we are calling you" after 5 minutes, no more', async () => {
    const { phone, code } = await join();
    await move(code, 'next');
    await expect.poll(() => textsTo(phone!)).toContainEqual(expect.stringContaining("you're next"));

    await env.sleep('4 minutes');
    expect((await textsTo(phone!)).filter((t) => t.includes('we are calling you'))).toHaveLength(0);

    await env.sleep('2 minutes');
    await expect.poll(() => textsTo(phone!)).toContainEqual(expect.stringContaining('we are calling you'));

    await env.sleep('30 minutes');
    expect((await textsTo(phone!)).filter((t) => t.includes('we are calling you'))).toHaveLength(1);
  });

  it('gets no reminder when staff bring them in within 5 minutes', async () => {
    const { phone, code } = await join();
    await move(code, 'next');
    await expect.poll(() => textsTo(phone!)).toContainEqual(expect.stringContaining("you're next"));
    await env.sleep('2 minutes');
    await move(code, 'in_room');
    await env.sleep('10 minutes');
    expect((await textsTo(phone!)).some((t) => t.includes('we are calling you'))).toBe(false);
  });

  it('is told, kindly, when marked a no-show', async () => {
    const { phone, code } = await join();
    await move(code, 'next');
    await move(code, 'no_show');
    await expect.poll(() => textsTo(phone!)).toContainEqual(expect.stringContaining("couldn't find you"));
  });
});

describe('staff moves', () => {
  it('refuses an illegal transition and changes nothing', async () => {
    const { code } = await join();
    await expect(move(code, 'done')).rejects.toMatchObject({ code: 'conflict' });
    expect((await findTicketByCode(sql, clinic.id, code))!.state).toBe('waiting');
  });
});

describe('joining', () => {
  it('gives a retried JOIN (same MessageSid) the same ticket and starts one workflow', async () => {
    const phone = fictionalNumber('312');
    const request = { clinic, phone, channel: 'sms' as const, note: null, joinKey: `retry-${Math.random()}` };
    const first = await joinQueue(deps, request);
    // The retry arrives before the first one's row is visible to the fast path: same key, same workflow.
    await sql`update tickets set phone = null where clinic_id = ${clinic.id} and phone = ${phone}`;
    const second = await joinQueue(deps, { ...request, phone: null });
    expect(first.kind).toBe('joined');
    expect(second.ticket.code).toBe(first.ticket.code);
  });

  it('keeps one open ticket when two different JOINs from one phone race', async () => {
    const phone = fictionalNumber('312');
    const [a, b] = await Promise.all([
      joinQueue(deps, { clinic, phone, channel: 'sms', note: null, joinKey: `race-a-${Math.random()}` }),
      joinQueue(deps, { clinic, phone, channel: 'sms', note: null, joinKey: `race-b-${Math.random()}` }),
    ]);
    expect(a.ticket.code).toBe(b.ticket.code);
    const open = await sql`select code from tickets where clinic_id = ${clinic.id} and phone = ${phone}`;
    expect(open).toHaveLength(1);
  });
});

describe('a text that cannot be sent', () => {
  it('does not stop the ticket: staff still move it to its end', async () => {
    // A WhatsApp patient at a clinic whose WhatsApp sender was removed: every notice is refused.
    const phone = fictionalNumber('312');
    await sql`delete from clinic_numbers where clinic_id = ${clinic.id} and channel = 'whatsapp'`;
    const outcome = await joinQueue(deps, { clinic, phone, channel: 'whatsapp', note: null, joinKey: `refused-${Math.random()}` });
    const code = outcome.ticket.code;
    await move(code, 'next');
    await env.sleep('6 minutes');
    await move(code, 'no_show');
    await rememberDay(code);
    expect(await handleOf(code).result()).toEqual({ state: 'no_show' });
    expect(await textsTo(phone)).toEqual([]);
  });
});

// Last: it moves the test server's clock past every ticket's closing time.
describe('the day-end close', () => {
  it('expires tickets still in line, tells their patients, finishes tickets in a room, and ends every workflow', async () => {
    const waiting = await join();
    const inRoom = await join();
    await move(inRoom.code, 'next');
    await move(inRoom.code, 'in_room');
    await Promise.all([rememberDay(waiting.code), rememberDay(inRoom.code)]);

    await env.sleep('11 hours');

    expect(await handleOf(waiting.code).result()).toEqual({ state: 'expired' });
    expect(await handleOf(inRoom.code).result()).toEqual({ state: 'done' });
    expect((await textsTo(waiting.phone!)).some((t) => t.includes('closed for the day'))).toBe(true);
    const rows = await sql`select code, state, service_seconds from tickets where clinic_id = ${clinic.id} and code in ${sql([waiting.code, inRoom.code])}`;
    expect(Object.fromEntries(rows.map((r) => [r.code, [r.state, r.service_seconds]]))).toEqual({
      [waiting.code]: ['expired', null],
      [inRoom.code]: ['done', null],
    });
    expect(await handleOf(waiting.code).query(ticketQuery)).toMatchObject({ state: 'expired' });
  });
});
