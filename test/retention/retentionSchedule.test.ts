/**
 * Retention on the real stack: the Temporal Schedule (created twice, as two processes starting would)
 * runs the purge workflow on the worker, which empties the bodies and masks the numbers of messages,
 * calls and closed tickets older than the clinic's `retention_days` (and forgets staff changes'
 * idempotency keys as old), keeps the recent ones whole, and records the counts that
 * `GET /api/metrics/inbound` shows.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRetentionSchedule, RETENTION_PURGE_EVERY } from '../../src/retention/retentionSchedule.js';
import { retentionScheduleId } from '../../src/workflows/retentionDefinitions.js';
import { fakeSid, json, patientPhone, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack.temporal.schedule
    .getHandle(retentionScheduleId(stack.taskQueue))
    .delete()
    .catch(() => undefined);
  await stack.stop();
});

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

/** A patient's conversation `days` ago: their text and our reply, a reminder call with its stored TwiML, and a closed ticket with a note. */
async function conversation(phone: string, days: number) {
  const at = daysAgo(days);
  const { clinic, clinicNumber, sql } = stack;
  const [inbound] = await sql`
    insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, provider_sid, status, reply_body, reply_via, created_at)
    values (${clinic.id}, 'inbound', 'whatsapp', ${phone}, ${`whatsapp:${phone}`}, ${`whatsapp:${clinicNumber}`}, 'JOIN chest pain', ${fakeSid()}, 'received',
            'Test Clinic: your ticket is V1', 'twiml', ${at})
    returning id`;
  const [outbound] = await sql`
    insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, idempotency_key, status, created_at)
    values (${clinic.id}, 'outbound', 'sms', ${phone}, ${clinicNumber}, ${phone}, 'Test Clinic: Ana, your visit with Dr Mehta is Tue 10 Nov at 10:30.', ${randomUUID()}, 'delivered', ${at})
    returning id`;
  const callSid = fakeSid('CA');
  const [call] = await sql`
    insert into calls (clinic_id, phone, from_address, to_address, language, idempotency_key, call_sid, digits, status, created_at)
    values (${clinic.id}, ${phone}, ${clinicNumber}, ${phone}, 'en', ${randomUUID()}, ${callSid}, '1', 'completed', ${at})
    returning id`;
  await sql`insert into call_steps (call_sid, step, twiml) values (${callSid}, 'answer', '<Response><Say>Ana, your visit with Dr Mehta</Say></Response>')`;
  const [ticket] = await sql`
    insert into tickets (clinic_id, service_day, code, workflow_id, phone, channel, note, state, joined_at, closed_at)
    values (${clinic.id}, ${at}, 'Z9', ${`ticket-retention-${randomUUID()}`}, ${phone}, 'sms', 'chest pain', 'done', ${at}, ${at})
    returning id`;
  // Staff pressed "Show number" on the text: the audit row holds the number shown.
  const [session] = await sql`insert into staff_sessions (id, started_at, expires_at) values (${randomUUID()}, ${at}, ${at}) returning id`;
  const [reveal] = await sql`
    insert into phone_reveals (clinic_id, staff_session_id, client_address, phone, entry_kind, entry_id, revealed_at)
    values (${clinic.id}, ${session!.id}, '127.0.0.1', ${phone}, 'message', ${inbound!.id}, ${at})
    returning id`;
  return {
    inbound: inbound!.id as string,
    outbound: outbound!.id as string,
    call: call!.id as string,
    callSid,
    ticket: ticket!.id as string,
    reveal: reveal!.id as string,
  };
}

const messageRow = async (id: string) =>
  (await stack.sql`select body, reply_body, phone, from_address, to_address, status, purged_at is not null as purged from messages where id = ${id}`)[0];

describe('the retention schedule', () => {
  it('purges what is older than retention_days, keeps what is newer, and counts it', async () => {
    expect((await json(await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ retention_days: 30 }) }))).retention_days).toBe(30);
    // Counted before anything old exists: a purge that another test file runs (it covers every clinic)
    // may take these rows first, and its counts are this clinic's too.
    const before = await json(await stack.api('/api/metrics/inbound'));
    const oldPhone = patientPhone();
    const recentPhone = patientPhone();
    const old = await conversation(oldPhone, 31);
    const recent = await conversation(recentPhone, 29);
    // What staff changes' idempotency keys were first sent with: forgotten with the rest.
    const [oldKey, recentKey] = [randomUUID(), randomUUID()];
    await stack.sql`
      insert into idempotency_keys (clinic_id, change, key, fingerprint, created_at)
      values (${stack.clinic.id}, 'move', ${oldKey}, 'f', ${daysAgo(31)}), (${stack.clinic.id}, 'move', ${recentKey}, 'f', ${daysAgo(29)})`;

    // npm start and every worker create it at start: the second finds it and changes nothing.
    expect(await ensureRetentionSchedule(stack.temporal, stack.taskQueue)).toBe(true);
    expect(await ensureRetentionSchedule(stack.temporal, stack.taskQueue)).toBe(false);
    const schedule = stack.temporal.schedule.getHandle(retentionScheduleId(stack.taskQueue));
    const described = await schedule.describe();
    expect(described.spec.intervals?.[0]?.every).toBe(3_600_000);
    expect(RETENTION_PURGE_EVERY).toBe('1 hour');
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionPurgeWorkflow', taskQueue: stack.taskQueue });

    // Run it now rather than within the hour; the worker on this task queue runs the workflow and its activity.
    await schedule.trigger();
    await expect.poll(async () => (await messageRow(old.inbound))!.purged, { timeout: 30_000 }).toBe(true);

    const last4 = (phone: string) => phone.slice(-4);
    expect(await messageRow(old.inbound)).toEqual({
      body: '',
      reply_body: null,
      phone: `•••• ${last4(oldPhone)}`,
      from_address: `whatsapp:•••• ${last4(oldPhone)}`,
      to_address: `whatsapp:${stack.clinicNumber}`,
      status: 'received',
      purged: true,
    });
    expect(await messageRow(old.outbound)).toMatchObject({
      body: '',
      phone: `•••• ${last4(oldPhone)}`,
      from_address: stack.clinicNumber,
      to_address: `•••• ${last4(oldPhone)}`,
      status: 'delivered',
    });
    const [oldCall] = await stack.sql`select phone, to_address, digits, status from calls where id = ${old.call}`;
    expect({ ...oldCall }).toEqual({ phone: `•••• ${last4(oldPhone)}`, to_address: `•••• ${last4(oldPhone)}`, digits: null, status: 'completed' });
    expect(await stack.sql`select 1 from call_steps where call_sid = ${old.callSid}`).toHaveLength(0);
    const [oldTicket] = await stack.sql`select phone, note, state from tickets where id = ${old.ticket}`;
    expect({ ...oldTicket }).toEqual({ phone: `•••• ${last4(oldPhone)}`, note: null, state: 'done' });
    expect(await stack.sql`select key from idempotency_keys where key in ${stack.sql([oldKey, recentKey])}`).toEqual([{ key: recentKey }]);
    const [oldReveal] = await stack.sql`select phone, entry_kind, entry_id::text from phone_reveals where id = ${old.reveal}`;
    expect({ ...oldReveal }).toEqual({ phone: `•••• ${last4(oldPhone)}`, entry_kind: 'message', entry_id: old.inbound });

    // 29 days old is kept whole.
    expect(await messageRow(recent.inbound)).toMatchObject({
      body: 'JOIN chest pain',
      reply_body: 'Test Clinic: your ticket is V1',
      phone: recentPhone,
      purged: false,
    });
    expect(await messageRow(recent.outbound)).toMatchObject({ to_address: recentPhone, purged: false });
    expect(await stack.sql`select 1 from call_steps where call_sid = ${recent.callSid}`).toHaveLength(1);
    expect((await stack.sql`select phone, note from tickets where id = ${recent.ticket}`)[0]).toMatchObject({ phone: recentPhone, note: 'chest pain' });
    expect((await stack.sql`select phone from phone_reveals where id = ${recent.reveal}`)[0]).toEqual({ phone: recentPhone });

    const after = await json(await stack.api('/api/metrics/inbound'));
    expect(after.purged.runs - before.purged.runs).toBeGreaterThanOrEqual(1);
    expect(after.purged.messages - before.purged.messages).toBe(2);
    expect(after.purged.calls - before.purged.calls).toBe(1);
    expect(after.purged.tickets - before.purged.tickets).toBe(1);
    expect(after.purged.reveals - before.purged.reveals).toBe(1);
  });

  it('refuses retention_days outside 7 to 3650 with 400 naming it', async () => {
    for (const days of [6, 3651, 1.5, '90']) {
      const response = await stack.api('/api/clinic', { method: 'PATCH', body: JSON.stringify({ retention_days: days }) });
      expect(response.status).toBe(400);
      expect((await json(response)).error.field).toBe('retention_days');
    }
  });
});
