import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

describe('a patient joins the walk-in line by text', () => {
  it('gets a ticket code, place in line and wait, and shows up in the queue', async () => {
    const phone = patientPhone();
    const response = await stack.sendSms(phone, '  join   back pain ');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/xml');
    const reply = await twimlText(response);
    const code = /ticket is ([A-Z]\d+)/.exec(reply)?.[1];
    expect(code, reply).toBeDefined();
    expect(reply).toContain("you're #1 in line, with little or no wait");

    const queue = await json(await stack.api('/api/queue'));
    expect(queue.tickets).toEqual([
      expect.objectContaining({ code, state: 'waiting', position: 1, eta_minutes: 0, phone: `•••• ${phone.slice(-4)}`, note: 'back pain' }),
    ]);
  });
});
