/**
 * Reading one ticket by index (a patient's STATUS, an activity's result) gives the same place and
 * wait as the whole line the board reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOpenTicketByPhone, findTicketByWorkflowId, listOpenTickets } from '../../src/queue/readQueue.js';
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
