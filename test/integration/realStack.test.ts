/**
 * The real stack end to end: embedded PostgreSQL, the Temporal dev server and a worker. A worker
 * restart mid-queue loses nothing; a JOIN that arrives while no worker runs is answered once one is
 * back; ops find each journey in Temporal by its search attributes.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { answerStrandedMessages } from '../../src/inbound/answerStrandedMessages.js';
import { json, patientPhone, patientReply, type Stack, startStack, twimlText } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ replyDeadlineMs: 1500 });
});
afterAll(() => stack.stop());

async function join(phone = patientPhone()) {
  const reply = await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN'));
  return { phone, code: /ticket is ([A-Z]\d+)/.exec(reply)![1]!, reply };
}
const textsTo = async (phone: string) =>
  (await json(await stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`))).messages.filter(
    (m: { direction: string }) => m.direction === 'outbound',
  ) as { body: string }[];

describe('a worker restart in the middle of the line', () => {
  it('loses no ticket, no position and no message', async () => {
    const a = await join();
    const b = await join();
    const c = await join();
    await stack.stopWorker();
    await stack.startWorker();

    const tickets = (await json(await stack.api('/api/queue'))).tickets as { code: string; position: number }[];
    expect(tickets.map((t) => [t.code, t.position])).toEqual([
      [a.code, 1],
      [b.code, 2],
      [c.code, 3],
    ]);
    expect((await stack.api(`/api/tickets/${a.code}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) })).status).toBe(200);
    await expect.poll(async () => (await textsTo(a.phone)).map((m) => m.body)).toContainEqual(expect.stringContaining("you're next"));
    expect(await twimlText(await stack.sendSms(b.phone, 'LEAVE'))).toContain(`you've left the line (ticket ${b.code})`);
    expect(await twimlText(await stack.sendSms(c.phone, 'STATUS'))).toContain("you're #2 in line");
  });
});

describe('a JOIN while no worker is running', () => {
  it('is answered by text once a worker is back, exactly once', async () => {
    await stack.stopWorker();
    const phone = patientPhone();
    const messageSid = `SM${'7'.repeat(32)}`;
    const response = await stack.sendSms(phone, 'JOIN', { messageSid });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<Response/>');
    // Twilio retries the same message: still no second ticket and no TwiML reply.
    expect(await twimlText(await stack.sendSms(phone, 'JOIN', { messageSid }))).toBe('');

    await stack.startWorker();
    const texts = await vi.waitFor(
      async () => {
        const found = await textsTo(phone);
        expect(found).not.toHaveLength(0);
        return found;
      },
      { timeout: 20_000 },
    );
    expect(texts).toHaveLength(1);
    expect(texts[0]!.body).toMatch(/your ticket is [A-Z]\d+/);
    expect(await stack.sql`select 1 from tickets where clinic_id = ${stack.clinic.id} and phone = ${phone}`).toHaveLength(1);
  });
});

describe('a reply cut off by an API restart', () => {
  it('is texted when the API starts again, once', async () => {
    // What an API that stopped after answering Twilio empty leaves behind: a JOIN with no reply.
    const phone = patientPhone();
    const messageSid = `SM${'5'.repeat(32)}`;
    await stack.sql`
      insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, provider_sid, status, processing_started_at, created_at)
      values (${stack.clinic.id}, 'inbound', 'sms', ${phone}, ${phone}, ${stack.clinicNumber}, 'JOIN', ${messageSid}, 'received', now() - interval '2 minutes', now() - interval '2 minutes')`;
    const deps = { sql: stack.sql, temporal: stack.temporal, taskQueue: stack.taskQueue, log: pino({ level: 'silent' }), messenger: stack.messenger };
    // The sweep takes up every clinic's stranded texts: other test files' may be among them.
    expect(await answerStrandedMessages(deps)).toBeGreaterThanOrEqual(1);
    await answerStrandedMessages(deps);
    const texts = await textsTo(phone);
    expect(texts).toHaveLength(1);
    expect(texts[0]!.body).toMatch(/your ticket is [A-Z]\d+/);
    // Twilio's retry of that message now changes nothing.
    expect(await twimlText(await stack.sendSms(phone, 'JOIN', { messageSid }))).toBe('');
    expect(await textsTo(phone)).toHaveLength(1);
  });
});

/** Workflow IDs a visibility query lists now (the index catches up a moment after each change). */
async function listedWorkflowIds(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of stack.temporal.workflow.list({ query })) ids.push(wf.workflowId);
  return ids;
}

describe('ops in the Temporal Web UI', () => {
  it('find a ticket by clinic and journey, with a summary that hides the phone number', async () => {
    const { phone, code } = await join();
    const [ticket] = await stack.sql<{ workflow_id: string }[]>`select workflow_id from tickets where clinic_id = ${stack.clinic.id} and code = ${code}`;
    expect(ticket!.workflow_id).toMatch(new RegExp(`^ticket-${stack.clinic.slug}-\\d{4}-\\d{2}-\\d{2}-${code}$`));

    const query = `FrontdeskClinic = "${stack.clinic.slug}" AND FrontdeskJourney = "walk-in-ticket" AND FrontdeskTicketState = "waiting"`;
    await expect.poll(() => listedWorkflowIds(query)).toContain(ticket!.workflow_id);
    const described = await stack.temporal.workflow.getHandle(ticket!.workflow_id).describe();
    const summary = await described.staticSummary();
    expect(summary).toContain(code);
    expect(summary).toContain(phone.slice(-4));
    expect(summary).not.toContain(phone.slice(2, 8));

    await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) });
    const nextQuery = `FrontdeskClinic = "${stack.clinic.slug}" AND FrontdeskTicketState = "next"`;
    await expect.poll(() => listedWorkflowIds(nextQuery)).toContain(ticket!.workflow_id);
  });
});

describe('health', () => {
  it('reports Postgres and Temporal answering', async () => {
    const response = await stack.app.request('/healthz');
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: 'ok', postgres: 'ok', temporal: 'ok' });
  });
});
