/**
 * Staff moving tickets through the JSON API, and what patients and the queue show for it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { json, patientPhone, patientReply, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ roomsOpen: 2 });
});
afterAll(() => stack.stop());

async function join(phone = patientPhone()): Promise<{ phone: string; code: string }> {
  const reply = await patientReply(stack, phone, await stack.sendSms(phone, 'JOIN'));
  return { phone, code: /ticket is ([A-Z]\d+)/.exec(reply)![1]! };
}
const move = (code: string, state: unknown) => stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state }) });
const queue = async () =>
  (await json(await stack.api('/api/queue'))).tickets as { code: string; state: string; position: number | null; eta_minutes: number | null }[];

describe('staff auth', () => {
  it('answers 401 without the bearer token, or with a wrong one', async () => {
    expect((await stack.app.request('/api/queue')).status).toBe(401);
    const wrong = await stack.app.request('/api/queue', { headers: { Authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).error.code).toBe('unauthorized');
    expect((await stack.app.request('/api/messages')).status).toBe(401);
  });
});

describe('moving tickets', () => {
  it('calls a patient, sees them in, and finishes; positions and ETAs follow the line', async () => {
    const a = await join();
    const b = await join();
    const c = await join();
    // Two rooms open, 10 minutes each until there is data: 0, 5, 10 minutes.
    expect((await queue()).filter((t) => [a.code, b.code, c.code].includes(t.code)).map((t) => [t.code, t.position, t.eta_minutes])).toEqual([
      [a.code, 1, 0],
      [b.code, 2, 5],
      [c.code, 3, 10],
    ]);

    const called = await move(a.code, 'next');
    expect(called.status).toBe(200);
    expect(await json(called)).toMatchObject({ code: a.code, state: 'next', phone: `•••• ${a.phone.slice(-4)}` });
    const texts = await vi.waitFor(
      async () => {
        const log = await json(await stack.api(`/api/messages?phone=${encodeURIComponent(a.phone)}`));
        expect(log.messages.some((m: { body: string }) => m.body.includes("you're next"))).toBe(true);
        return log.messages;
      },
      { timeout: 10_000 },
    );
    expect(texts[0]).toMatchObject({ direction: 'outbound', channel: 'sms', to: a.phone, from: stack.clinicNumber });
    expect(await twimlText(await stack.sendSms(a.phone, 'STATUS'))).toContain("it's your turn");

    expect((await move(a.code, 'in_room')).status).toBe(200);
    expect(await twimlText(await stack.sendSms(b.phone, 'STATUS'))).toContain("you're #1 in line");
    const done = await move(a.code, 'done');
    expect(await json(done)).toMatchObject({ code: a.code, state: 'done', position: null, eta_minutes: null });
    // The done ticket's seconds in the room now set the average: far under the 10-minute default.
    expect((await queue()).find((t) => t.code === c.code)!.eta_minutes).toBeLessThan(5);
    expect((await queue()).map((t) => t.code)).not.toContain(a.code);
  });

  it('refuses an illegal move with 409 and changes nothing', async () => {
    const { code } = await join();
    const response = await move(code, 'done');
    expect(response.status).toBe(409);
    expect((await json(response)).error).toMatchObject({ code: 'conflict', field: 'state' });
    expect((await queue()).find((t) => t.code === code)!.state).toBe('waiting');
  });

  it('refuses any move of a ticket that has ended', async () => {
    const { phone, code } = await join();
    await stack.sendSms(phone, 'LEAVE');
    expect((await move(code, 'next')).status).toBe(409);
  });

  it('answers 404 for an unknown code and 400 naming the field for a bad body', async () => {
    const unknown = await move('Z999', 'next');
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.field).toBe('code');

    const { code } = await join();
    const badState = await move(code, 'teleported');
    expect(badState.status).toBe(400);
    expect((await json(badState)).error).toMatchObject({ code: 'bad_request', field: 'state' });
    const missing = await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: '{}' });
    expect((await json(missing)).error).toMatchObject({ field: 'state', message: 'state: is required' });
    const notJson = await stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: 'state=next' });
    expect(notJson.status).toBe(400);
    expect((await json(notJson)).error.field).toBe('body');
    const badCode = await move('../../etc', 'next');
    expect([400, 404]).toContain(badCode.status);
    expect((await queue()).find((t) => t.code === code)!.state).toBe('waiting');
  });
});

describe('the message log', () => {
  it('lists every text both ways, replies included, newest first; filters by phone (local or E.164); refuses a bad phone', async () => {
    const { phone } = await join();
    const statusReply = await twimlText(await stack.sendSms(phone, 'STATUS'));
    const local = phone.slice(2); // 10 digits, read in DEFAULT_COUNTRY
    const log = await json(await stack.api(`/api/messages?phone=${local}`));
    expect(log.messages.map((m: { body: string; direction: string }) => [m.direction, m.body.slice(0, 20)])).toEqual([
      ['outbound', statusReply.slice(0, 20)],
      ['inbound', 'STATUS'],
      ['outbound', 'Test Clinic: your ti'],
      ['inbound', 'JOIN'],
    ]);
    expect(log.messages[1]).toEqual(
      expect.objectContaining({ channel: 'sms', from: phone, to: stack.clinicNumber, status: 'received', error_code: null, created_at: expect.any(String) }),
    );
    expect(log.messages[0]).toEqual(expect.objectContaining({ channel: 'sms', from: stack.clinicNumber, to: phone, status: 'accepted' }));
    const bad = await stack.api('/api/messages?phone=banana');
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.field).toBe('phone');
  });
});

describe('races', () => {
  it('two staff calling the same patient at once: one call wins, the other gets 409, one text goes out', async () => {
    const { phone, code } = await join();
    const [first, second] = await Promise.all([move(code, 'next'), move(code, 'next')]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    await expect
      .poll(async () => (await json(await stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`))).messages.map((m: { body: string }) => m.body))
      .toContainEqual(expect.stringContaining("you're next"));
    const called = await stack.sql`select 1 from messages where clinic_id = ${stack.clinic.id} and phone = ${phone} and body like '%you''re next%'`;
    expect(called).toHaveLength(1);
  });

  it('twenty patients joining at the same moment get twenty different codes and places 1 to 20 among them', async () => {
    const before = (await queue()).filter((t) => t.position !== null).length;
    const joined = await Promise.all(Array.from({ length: 20 }, () => join()));
    expect(new Set(joined.map((j) => j.code)).size).toBe(20);
    const positions = (await queue()).filter((t) => joined.some((j) => j.code === t.code)).map((t) => t.position);
    expect(positions.sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, i) => before + i + 1));
  });
});
