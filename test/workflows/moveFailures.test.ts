/**
 * A staff move that the state machine allows but whose step fails is reported as the failure it is
 * (503), not as a conflict; only a move the state machine refuses is a 409 (issue 7).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { findTicketByCode } from '../../src/queue/readQueue.js';
import { transitionTicket } from '../../src/queue/transitionTicket.js';
import { patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

async function join() {
  const code = /ticket is ([A-Z]\d+)/.exec(await twimlText(await stack.sendSms(patientPhone(), 'JOIN')))![1]!;
  return (await findTicketByCode(stack.sql, stack.clinic.id, code))!;
}

describe('a staff move', () => {
  it('that the state machine refuses is a 409 conflict', async () => {
    const ticket = await join();
    const refused = await transitionTicket(stack, ticket, 'done', 'staff').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('conflict');
  });

  it('whose row write fails is reported unavailable, not a conflict', async () => {
    const ticket = await join();
    // The row no longer answers to the workflow's ID: recordTicketState fails with TicketMissing.
    await stack.sql`update tickets set workflow_id = workflow_id || '-lost' where workflow_id = ${ticket.workflowId}`;
    const failed = await transitionTicket(stack, ticket, 'next', 'staff').catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(AppError);
    expect((failed as AppError).code).toBe('unavailable');
    expect((failed as AppError).message).toContain('could not be moved');
  });
});
