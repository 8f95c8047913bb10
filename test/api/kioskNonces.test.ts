/**
 * Kiosk forms only join with a nonce the server issued (once, for an hour), a clinic's kiosk gives
 * at most `kiosk_tickets_per_hour` tickets an hour, and a ticket taken after closing time says it is
 * for the next open day, as a texted JOIN's reply does.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClinic } from '../support/clinic.js';
import { startStack, type Stack } from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

const OWN_ORIGIN = 'http://localhost';
const join = (nonce: string, slug = stack.clinic.slug) =>
  stack.app.request(`/kiosk/join?clinic=${slug}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: OWN_ORIGIN },
    body: new URLSearchParams({ nonce }).toString(),
  });
const codeOn = (page: string) => /class="ticket-code"[^>]*>([A-Z]\d+)</.exec(page)?.[1];

async function kioskNonce(slug = stack.clinic.slug): Promise<string> {
  const page = await stack.app.request(`/kiosk?clinic=${slug}`);
  expect(page.status).toBe(200);
  return /name="nonce" value="([0-9a-f-]{36})"/.exec(await page.text())![1]!;
}

async function kioskTickets(): Promise<number> {
  const [row] = await stack.sql<
    { n: number }[]
  >`select count(*)::int as n from ticket_code_allocations where clinic_id = ${stack.clinic.id} and join_key like 'kiosk:%'`;
  return row!.n;
}

describe('kiosk nonces', () => {
  it('a made-up nonce gets a fresh form, not a ticket', async () => {
    const before = await kioskTickets();
    for (const nonce of [randomUUID(), 'not-a-uuid']) {
      const response = await join(nonce);
      expect(response.status).toBe(400);
      const page = await response.text();
      expect(page).toContain('Get a ticket');
      expect(codeOn(page)).toBeUndefined();
      const fresh = /name="nonce" value="([0-9a-f-]{36})"/.exec(page)?.[1];
      expect(fresh).toBeDefined();
      expect(fresh).not.toBe(nonce);
    }
    expect(await kioskTickets()).toBe(before);
  });

  it('an expired nonce gets a fresh form, not a ticket', async () => {
    const nonce = await kioskNonce();
    await stack.sql`update kiosk_nonces set expires_at = now() - interval '1 second' where nonce = ${nonce}`;
    const before = await kioskTickets();
    const response = await join(nonce);
    expect(response.status).toBe(400);
    expect(codeOn(await response.text())).toBeUndefined();
    expect(await kioskTickets()).toBe(before);
  });

  it('a double tap shows the same ticket', async () => {
    const nonce = await kioskNonce();
    const first = codeOn(await (await join(nonce)).text());
    const second = codeOn(await (await join(nonce)).text());
    expect(first).toBeDefined();
    expect(second).toBe(first);
  });
});

describe('after closing time', () => {
  it('a visitor is told the ticket is for the next open day, not to take a seat', async () => {
    const { clinic } = await createTestClinic(stack.sql, { closingTime: '09:00' });
    const page = (await (await join(await kioskNonce(clinic.slug), clinic.slug)).text()).replaceAll('&#39;', "'");
    expect(codeOn(page)).toBeDefined();
    // Tomorrow in the clinic's time zone (mid-morning there, closed since 09:00), as Intl names it.
    const tomorrow = new Intl.DateTimeFormat('en-US', { timeZone: clinic.timezone, weekday: 'long', month: 'short', day: 'numeric' }).format(
      Date.now() + 24 * 60 * 60 * 1000,
    );
    expect(page).toContain(
      `We've closed for today, so this ticket is for our next open day, ${tomorrow}: you're #1 in line, with little or no wait once we open.`,
    );
    expect(page).toContain('come back when we open');
    expect(page).not.toContain('take a seat');
  });
});

describe('the hourly kiosk cap', () => {
  it('past the cap, a visitor gets a friendly 429 page sending them to the desk; a double tap still shows its ticket', async () => {
    const used = await kioskTickets();
    await stack.sql`update clinics set kiosk_tickets_per_hour = ${used + 1} where id = ${stack.clinic.id}`;
    const lastNonce = await kioskNonce();
    const last = codeOn(await (await join(lastNonce)).text());
    expect(last).toBeDefined();

    const refused = await join(await kioskNonce());
    expect(refused.status).toBe(429);
    const page = await refused.text();
    expect(page).toContain('front desk');
    expect(codeOn(page)).toBeUndefined();
    expect(await kioskTickets()).toBe(used + 1);

    expect(codeOn(await (await join(lastNonce)).text())).toBe(last);
  });
});
