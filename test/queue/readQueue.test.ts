/**
 * Reading one ticket by index (a patient's STATUS, an activity's result) gives the same place and
 * wait as the whole line the board reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { averageServiceTimeToday, findOpenTicketByPhone, findTicketByWorkflowId, listOpenTickets } from '../../src/queue/readQueue.js';
import { createTestClinic } from '../support/clinic.js';
import { patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ roomsOpen: 2 });
});
afterAll(() => stack.stop());

const move = (code: string, state: string) => stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state }) });

describe('one ticket read by index', () => {
  it('stands where the whole line puts it, for every state', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 6; i += 1) codes.push(/ticket is ([A-Z]\d+)/.exec(await twimlText(await stack.sendSms(patientPhone(), 'JOIN')))![1]!);
    await move(codes[3]!, 'next');
    await move(codes[1]!, 'next');
    await move(codes[3]!, 'in_room');
    await move(codes[5]!, 'next');

    const line = await listOpenTickets(stack.sql, stack.clinic.id);
    expect(line).toHaveLength(6);
    for (const ticket of line) {
      expect(await findOpenTicketByPhone(stack.sql, stack.clinic.id, ticket.phone!)).toEqual(ticket);
      expect(await findTicketByWorkflowId(stack.sql, stack.clinic.id, ticket.workflowId)).toEqual(ticket);
    }
    expect(line.map((t) => [t.code, t.position])).toEqual([
      [codes[1], 1],
      [codes[5], 2],
      [codes[0], 3],
      [codes[2], 4],
      [codes[4], 5],
      [codes[3], null],
    ]);
  });
});

describe("the board's rolling average service time", () => {
  /** A closed ticket row, called `calledMinutes` before it closed `closedAgoMinutes` ago. */
  async function closedTicket(clinicId: number, n: number, row: { state: string; closedAgoMinutes: number; calledMinutes: number; byStaff: boolean }) {
    await stack.sql`
      insert into tickets (clinic_id, service_day, code, workflow_id, channel, state, joined_at, called_at, room_at, closed_at, service_seconds)
      values (${clinicId}, current_date, ${`T${n}`}, ${`ticket-average-${clinicId}-${n}`}, 'kiosk', ${row.state},
        now() - make_interval(mins => ${row.closedAgoMinutes + row.calledMinutes + 5}),
        now() - make_interval(mins => ${row.closedAgoMinutes + row.calledMinutes}),
        now() - make_interval(mins => ${row.closedAgoMinutes + 1}),
        now() - make_interval(mins => ${row.closedAgoMinutes}),
        ${row.byStaff ? 60 : null})`;
  }

  it('is the mean of called → done over the last 20 tickets staff finished since the day began', async () => {
    const { clinic } = await createTestClinic(stack.sql);
    const since = new Date(Date.now() - 3 * 60 * 60_000);
    expect(await averageServiceTimeToday(stack.sql, clinic.id, since)).toEqual({ averageMinutes: null, tickets: 0 });

    // The 20 latest: 10 of 6 minutes and 10 of 12 → 9. Older, or not finished by staff: left out.
    for (let i = 0; i < 20; i++)
      await closedTicket(clinic.id, i, { state: 'done', closedAgoMinutes: i + 1, calledMinutes: i % 2 === 0 ? 6 : 12, byStaff: true });
    await closedTicket(clinic.id, 20, { state: 'done', closedAgoMinutes: 60, calledMinutes: 90, byStaff: true });
    await closedTicket(clinic.id, 21, { state: 'done', closedAgoMinutes: 0, calledMinutes: 50, byStaff: false });
    await closedTicket(clinic.id, 22, { state: 'no_show', closedAgoMinutes: 0, calledMinutes: 40, byStaff: false });
    await closedTicket(clinic.id, 23, { state: 'done', closedAgoMinutes: 4 * 60, calledMinutes: 30, byStaff: true });

    const average = await averageServiceTimeToday(stack.sql, clinic.id, since);
    expect(average.tickets).toBe(20);
    expect(average.averageMinutes).toBeCloseTo(9, 5);
    // A later start of the day counts only what closed after it.
    expect(await averageServiceTimeToday(stack.sql, clinic.id, new Date(Date.now() - 10.5 * 60_000))).toEqual({
      averageMinutes: expect.closeTo(9, 5),
      tickets: 10,
    });
  });
});

describe("the ETA's service time", () => {
  /** A ticket that spent `seconds` in a room, finished by staff `closedAgoMinutes` ago. */
  async function servedTicket(clinicId: number, n: number, seconds: number, closedAgoMinutes: number) {
    await stack.sql`
      insert into tickets (clinic_id, service_day, code, workflow_id, channel, state, joined_at, called_at, room_at, closed_at, service_seconds)
      values (${clinicId}, current_date, ${`S${n}`}, ${`ticket-served-${clinicId}-${n}`}, 'kiosk', 'done',
        now() - interval '3 hours', now() - interval '2 hours', now() - interval '2 hours',
        now() - make_interval(mins => ${closedAgoMinutes}), ${seconds})`;
  }
  /** An open ticket in line, joined `joinedAgoMinutes` ago. */
  async function waitingTicket(clinicId: number, n: number, joinedAgoMinutes: number) {
    await stack.sql`
      insert into tickets (clinic_id, service_day, code, workflow_id, channel, state, joined_at)
      values (${clinicId}, current_date, ${`W${n}`}, ${`ticket-waiting-${clinicId}-${n}`}, 'kiosk', 'waiting',
        now() - make_interval(mins => ${joinedAgoMinutes}))`;
  }

  it('is the median time in room of the last 20, so a few tickets marked done at once do not shorten every wait', async () => {
    const { clinic } = await createTestClinic(stack.sql);
    for (let n = 0; n < 3; n += 1) await waitingTicket(clinic.id, n, 30 - n);
    // No ticket seen to the end yet: 10 minutes each.
    expect((await listOpenTickets(stack.sql, clinic.id)).map((t) => t.etaMinutes)).toEqual([0, 10, 20]);

    // The last 20: 14 visits of 12 minutes, and 6 slips on the board (done 5 seconds after "In room").
    // The mean would be 8.4 minutes; the median is 12. An older, longer visit is past the last 20.
    for (let n = 0; n < 20; n += 1) await servedTicket(clinic.id, n, n % 3 === 0 ? 5 : 12 * 60, n + 1);
    await servedTicket(clinic.id, 20, 60 * 60, 90);

    const line = await listOpenTickets(stack.sql, clinic.id);
    expect(line.map((t) => t.etaMinutes)).toEqual([0, 12, 24]);
    // One ticket read by index agrees with the whole line.
    expect(await findTicketByWorkflowId(stack.sql, clinic.id, `ticket-waiting-${clinic.id}-2`)).toMatchObject({ position: 3, etaMinutes: 24 });
  });
});
