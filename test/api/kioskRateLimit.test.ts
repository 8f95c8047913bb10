/**
 * The kiosk's joins per minute are counted per client address in Postgres, so two API processes
 * behind one load balancer share the limit: the 31st join in a minute from one address is refused,
 * whichever process takes it, while another address still gets through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  // One proxy (the load balancer) in front: its X-Forwarded-For names the client.
  stack = await startStack({ app: { trustProxy: 1 } });
});
afterAll(() => stack.stop());

// `app.request()` calls the app at http://localhost, which is the kiosk's own origin here.
const join = (app: Stack['app'], client: string) =>
  app.request(`/kiosk/join?clinic=${stack.clinic.slug}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost', 'X-Forwarded-For': client },
    body: 'nonce=not-a-nonce&note=',
  });

describe('kiosk joins per minute', () => {
  it('are shared by every API process: the 31st from one address is refused, another address is not', async () => {
    const apps = [stack.app, stack.createApp()];
    // Both processes share one window: start at the top of a fresh minute so all 31 fall in it.
    const secondsLeft = 60 - new Date().getUTCSeconds();
    if (secondsLeft < 15) await new Promise((resolve) => setTimeout(resolve, secondsLeft * 1000 + 200));
    const client = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    for (let i = 0; i < 30; i += 1) {
      const response = await join(apps[i % 2]!, client);
      expect(response.status, `join ${i + 1}`).not.toBe(429);
    }
    const refused = await join(apps[1]!, client);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await refused.text()).toContain('Many tickets were taken just now');
    expect((await join(apps[0]!, client)).status).toBe(429);
    expect((await join(apps[0]!, '203.0.113.9')).status).not.toBe(429);
  });
});
