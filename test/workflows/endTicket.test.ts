/**
 * Staff can end a stuck ticket whose workflow is gone (issue 6, point 9): the row closes, the phone
 * can JOIN again, and the repair is on record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTicketByCode } from '../../src/queue/readQueue.js';
import { json, patientPhone, patientReply, type Stack, startStack, twimlText } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const end = (code: string, reason?: string) =>
  stack.api(`/api/tickets/${code}/end`, { method: 'POST', body: JSON.stringify(reason === undefined ? {} : { reason }) });

describe('a ticket whose workflow was terminated behind our back', () => {
  it('is ended by staff through the API, and the patient can join again', async () => {
    const phone = patientPhone();
    const code = /ticket is ([A-Z]\d+)/.exec(await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN')))![1]!;
    const ticket = (await findTicketByCode(stack.sql, stack.clinic.id, code))!;
    await stack.temporal.workflow.getHandle(ticket.workflowId).terminate('lost in an incident');

    // Stuck: the row still holds the phone's open ticket, and staff moves cannot reach the workflow.
    expect(await twimlText(await stack.sendSms(phone, 'JOIN'))).toContain(code);
    expect((await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) })).status).not.toBe(200);

    const response = await end(code, 'workflow terminated during an incident');
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ code, state: 'left' });
    expect((await findTicketByCode(stack.sql, stack.clinic.id, code))?.state).toBe('left');

    const [repair] = await stack.sql`select * from ticket_repairs where workflow_id = ${ticket.workflowId}`;
    expect(repair).toMatchObject({
      previous_state: 'waiting',
      new_state: 'left',
      workflow_status: 'TERMINATED',
      ended_by: 'api',
      reason: 'workflow terminated during an incident',
    });

    const again = await twimlText(await stack.sendSms(phone, 'JOIN'));
    const newCode = /ticket is ([A-Z]\d+)/.exec(again)?.[1];
    expect(newCode).toBeDefined();
    expect(newCode).not.toBe(code);
    // Ending it twice is a conflict, not a second repair.
    expect((await end(code)).status).toBe(409);
  }, 60_000);

  it('ends a running ticket in a room as done and terminates its workflow', async () => {
    const code = /ticket is ([A-Z]\d+)/.exec(await twimlText(await stack.sendSms(patientPhone(), 'JOIN')))![1]!;
    for (const state of ['next', 'in_room'])
      expect((await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state }) })).status).toBe(200);
    const ticket = (await findTicketByCode(stack.sql, stack.clinic.id, code))!;
    const response = await end(code);
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ code, state: 'done' });
    expect((await stack.temporal.workflow.getHandle(ticket.workflowId).describe()).status.name).toBe('TERMINATED');
    const [repair] = await stack.sql`select * from ticket_repairs where workflow_id = ${ticket.workflowId}`;
    expect(repair).toMatchObject({ previous_state: 'in_room', new_state: 'done', workflow_status: 'RUNNING', reason: null });
  }, 60_000);
});

describe('the board', () => {
  it('shows "End ticket" on a ticket and ends it with a form post', async () => {
    const login = await stack.app.request('/admin/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' },
      body: new URLSearchParams({ password: stack.adminPassword }).toString(),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const code = /ticket is ([A-Z]\d+)/.exec(await twimlText(await stack.sendSms(patientPhone(), 'JOIN')))![1]!;
    const board = await (await stack.app.request(`/admin/board?clinic=${stack.clinic.slug}`, { headers: { Cookie: cookie } })).text();
    expect(board).toContain(`action="/admin/board/tickets/${code}/end?clinic=${stack.clinic.slug}"`);
    expect(board).toContain('End ticket');

    const response = await stack.app.request(`/admin/board/tickets/${code}/end?clinic=${stack.clinic.slug}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost', Cookie: cookie },
      body: '',
    });
    expect(response.status).toBe(303);
    expect((await findTicketByCode(stack.sql, stack.clinic.id, code))?.state).toBe('left');
    const [repair] =
      await stack.sql`select ended_by from ticket_repairs r join tickets t on t.id = r.ticket_id where t.code = ${code} and t.clinic_id = ${stack.clinic.id}`;
    expect(repair?.ended_by).toBe('board');
  }, 60_000);
});
