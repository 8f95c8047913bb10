/**
 * Free text is stored without control characters, and a ticket whose row Postgres refuses ends its
 * workflow and answers at once instead of retrying for ever (issue 6, point 2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { joinQueue } from '../../src/queue/joinQueue.js';
import { ticketWorkflowId } from '../../src/workflows/definitions.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

async function kioskJoin(note: string) {
  const home = await stack.app.request(`/kiosk?clinic=${stack.clinic.slug}`);
  const nonce = /name="nonce" value="([0-9a-f-]{36})"/.exec(await home.text())![1]!;
  return stack.app.request(`/kiosk/join?clinic=${stack.clinic.slug}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' },
    body: new URLSearchParams({ nonce, note }).toString(),
  });
}

describe('a kiosk note with a NUL byte', () => {
  it('gets a ticket whose note has the control character removed', async () => {
    const response = await kioskJoin('hello\u0000world');
    expect(response.status).toBe(200);
    const code = /\b([A-Z]\d{1,4})\b/.exec((await response.text()).replace(/<[^>]+>/g, ' '))?.[1];
    const rows = await stack.sql`select code, note from tickets where clinic_id = ${stack.clinic.id} and channel = 'kiosk'`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.note).toBe('helloworld');
    expect(code).toBe(rows[0]!.code);
  }, 30_000);
});

describe('a ticket whose row Postgres refuses for good', () => {
  it('ends its workflow and the join fails promptly with a clear error', async () => {
    // A note over the 140-character check constraint, as if it had passed the edge (SQLSTATE 23514).
    const started = Date.now();
    const failed = await joinQueue(stack, {
      clinic: stack.clinic,
      phone: null,
      channel: 'kiosk',
      note: 'x'.repeat(200),
      joinKey: `kiosk:${crypto.randomUUID()}`,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(failed).toBeInstanceOf(AppError);
    expect((failed as AppError).code).toBe('unavailable');
    expect((failed as AppError).message).toContain('could not be opened');

    const [row] = await stack.sql<{ code: string; service_day: string }[]>`
      select code, to_char(service_day, 'YYYY-MM-DD') as service_day from ticket_code_allocations where clinic_id = ${stack.clinic.id} order by code desc limit 1`;
    const outcome = await stack.temporal.workflow.getHandle(ticketWorkflowId(stack.clinic.slug, row!.service_day, row!.code)).result();
    expect(outcome).toMatchObject({ state: 'unopened' });
  }, 30_000);
});
