/**
 * Staff set how many rooms are open through the JSON API, and every wait in line follows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenQueueChanges } from '../../src/queue/queueEvents.js';
import { json, patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

async function join(): Promise<string> {
  const reply = await twimlText(await stack.sendSms(patientPhone(), 'JOIN'));
  return /ticket is ([A-Z]\d+)/.exec(reply)![1]!;
}
const setRooms = (body: string) => stack.api('/api/clinic/rooms', { method: 'PUT', body });
const queue = async () => (await json(await stack.api('/api/queue'))) as { rooms_open: number; tickets: { code: string; eta_minutes: number | null }[] };

describe('staff set the rooms open', () => {
  it('a second room opening halves the wait of the second in line, and the boards are told', async () => {
    const first = await join();
    const second = await join();
    const etas = async () => (await queue()).tickets.filter((t) => [first, second].includes(t.code)).map((t) => t.eta_minutes);
    // One room, 10 minutes each until there is data.
    expect(await etas()).toEqual([0, 10]);

    let heard = 0;
    const unlisten = await listenQueueChanges(stack.sql, (clinicId) => {
      if (clinicId === stack.clinic.id) heard += 1;
    });
    const response = await setRooms(JSON.stringify({ rooms_open: 2 }));
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ clinic: stack.clinic.slug, rooms_open: 2 });
    expect((await queue()).rooms_open).toBe(2);
    expect(await etas()).toEqual([0, 5]);
    await expect.poll(() => heard).toBe(1);
    await unlisten();
  });

  it('refuses a bad body with 400 naming the field, and changes nothing', async () => {
    await setRooms(JSON.stringify({ rooms_open: 3 }));
    const bad = [
      ['{}', 'rooms_open', 'rooms_open: is required'],
      ['{"rooms_open":"4"}', 'rooms_open', 'rooms_open: must be a whole number from 1 to 100'],
      ['{"rooms_open":2.5}', 'rooms_open', 'rooms_open: must be a whole number from 1 to 100'],
      ['{"rooms_open":0}', 'rooms_open', 'rooms_open: must be a whole number from 1 to 100'],
      ['{"rooms_open":101}', 'rooms_open', 'rooms_open: must be a whole number from 1 to 100'],
      ['rooms_open=4', 'body', 'body: must be JSON'],
    ] as const;
    for (const [body, field, message] of bad) {
      const response = await setRooms(body);
      expect(response.status, body).toBe(400);
      expect(await json(response), body).toEqual({ error: { code: 'bad_request', field, message } });
    }
    expect((await queue()).rooms_open).toBe(3);
  });

  it('answers 401 without the bearer token, and 404 for an unknown clinic', async () => {
    const init = { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rooms_open: 7 }) };
    expect((await stack.app.request(`/api/clinic/rooms?clinic=${stack.clinic.slug}`, init)).status).toBe(401);
    const unknown = await stack.app.request('/api/clinic/rooms?clinic=no-such-clinic', {
      ...init,
      headers: { ...init.headers, Authorization: `Bearer ${stack.adminApiToken}` },
    });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.field).toBe('clinic');
    expect((await queue()).rooms_open).not.toBe(7);
  });
});
