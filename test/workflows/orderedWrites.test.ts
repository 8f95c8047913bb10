/**
 * The tickets row always ends equal to the workflow's state, whatever order a patient's LEAVE, a
 * staff "Call next" and the day-end close arrive in (issue 6, point 1). Real stack: signed SMS,
 * the staff API, the Temporal dev server.
 */
import { WithStartWorkflowOperation } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTicketByCode } from '../../src/queue/readQueue.js';
import { joinUpdate, ticketWorkflowId, TICKET_WORKFLOW_TYPE, type TicketOutcome, type TicketWorkflowInput } from '../../src/workflows/definitions.js';
import { patientPhone, patientReply, type Stack, startStack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const callNext = (code: string) => stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) });

/** The workflow's outcome and the row's state, once the workflow has ended. */
async function endStates(workflowId: string, code: string) {
  const outcome: TicketOutcome = await stack.temporal.workflow.getHandle(workflowId).result();
  const row = await findTicketByCode(stack.sql, stack.clinic.id, code);
  return {
    workflow: outcome.state,
    row: row?.workflowId === workflowId ? row.state : (await stack.sql`select state from tickets where workflow_id = ${workflowId}`)[0]?.state,
  };
}

async function inBatches(rounds: number, batch: number, round: (i: number) => Promise<void>) {
  for (let start = 0; start < rounds; start += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, rounds - start) }, (_, k) => round(start + k)));
  }
}

describe('a LEAVE and a Call next at the same moment', () => {
  it('leave the row equal to the workflow, 50 rounds', async () => {
    const mismatches: string[] = [];
    await inBatches(50, 10, async () => {
      const phone = patientPhone();
      const code = /ticket is ([A-Z]\d+)/.exec(await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN')))![1]!;
      const [row] = await stack.sql<
        { workflow_id: string }[]
      >`select workflow_id from tickets where clinic_id = ${stack.clinic.id} and code = ${code} and phone = ${phone}`;
      await Promise.all([stack.sendSms(phone, 'LEAVE'), callNext(code)]);
      const states = await endStates(row!.workflow_id, code);
      if (states.row !== states.workflow) mismatches.push(`${code}: workflow ${states.workflow}, row ${states.row}`);
    });
    expect(mismatches).toEqual([]);
  }, 180_000);
});

describe('a Call next and the day-end close at the same moment', () => {
  it('leave the row equal to the workflow, 50 rounds', async () => {
    const serviceDay = new Date().toISOString().slice(0, 10);
    const closesAt = Date.now() + 4_000;
    // Fifty tickets whose day ends at the same instant; staff call each one around that instant.
    const tickets = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const code = `Z${i + 1}`;
        const input: TicketWorkflowInput = {
          clinicId: stack.clinic.id,
          clinicSlug: stack.clinic.slug,
          serviceDay,
          code,
          phone: patientPhone(),
          channel: 'sms',
          note: null,
          closesAt,
          nextReminderMinutes: 5,
        };
        const workflowId = ticketWorkflowId(stack.clinic.slug, serviceDay, code);
        await stack.temporal.workflow.executeUpdateWithStart(joinUpdate, {
          startWorkflowOperation: new WithStartWorkflowOperation(TICKET_WORKFLOW_TYPE, {
            workflowId,
            taskQueue: stack.taskQueue,
            args: [input],
            workflowIdConflictPolicy: 'USE_EXISTING',
          }),
        });
        return { code, workflowId };
      }),
    );
    await Promise.all(
      tickets.map(async ({ code }, i) => {
        // Spread the calls over 120 ms around the close.
        await new Promise((r) => setTimeout(r, closesAt - Date.now() - 60 + (i % 12) * 10));
        await callNext(code);
      }),
    );
    const mismatches: string[] = [];
    for (const { code, workflowId } of tickets) {
      const states = await endStates(workflowId, code);
      if (states.row !== states.workflow) mismatches.push(`${code}: workflow ${states.workflow}, row ${states.row}`);
    }
    expect(mismatches).toEqual([]);
  }, 180_000);
});
