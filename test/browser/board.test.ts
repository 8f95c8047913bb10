import type { Locator, Page } from 'playwright-core';
import { screenshotPath } from '../support/chromium.js';
import { describe, expect, it, vi } from 'vitest';
import { browserSuite } from '../support/browserSuite.js';
import { spokenRefusals } from '../support/accessibilityTree.js';
import { patientPhone, twimlText } from '../support/stack.js';

const suite = browserSuite({ roomsOpen: 2 });

const boardUrl = () => `${suite.baseUrl}/admin/board?clinic=${suite.stack.clinic.slug}`;
const ticketCard = (page: Page, column: 'next' | 'waiting' | 'in_room', code: string) => page.locator(`[data-column="${column}"] [data-ticket="${code}"]`);

async function patientJoins(phone: string, body = 'JOIN'): Promise<string> {
  const reply = await twimlText(await suite.stack.sendSms(phone, body));
  const code = /ticket is ([A-Z]\d+)/.exec(reply)?.[1];
  expect(code, reply).toBeDefined();
  return code!;
}

/** Opens the board as a receptionist would: sent to sign in, then back to the live board. */
async function openBoard(): Promise<Page> {
  const page = await suite.newPage(1180, 820);
  await page.goto(boardUrl());
  expect(new URL(page.url()).pathname).toBe('/admin/login');
  await page.getByLabel('Password').fill(suite.stack.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(boardUrl());
  await page.locator('#live[data-state="live"]').waitFor({ timeout: 5_000 });
  // Set on this document only: if the page reloads, the marker is gone.
  await page.evaluate(() => void ((globalThis as { __marker?: string }).__marker = 'same page'));
  return page;
}

/** The element's computed font size in CSS pixels. */
const fontSize = (locator: Locator) => locator.evaluate((el) => parseFloat(el.ownerDocument.defaultView!.getComputedStyle(el).fontSize));

const marker = (page: Page) => page.evaluate(() => (globalThis as { __marker?: string }).__marker);

describe('the receptionist works the live board', () => {
  it('sees a texted patient appear without reloading, and calls them next', async () => {
    const page = await openBoard();
    const phone = patientPhone();
    const code = await patientJoins(phone, 'JOIN sprained ankle');

    await ticketCard(page, 'waiting', code).waitFor({ timeout: 1_000 });
    await expect(ticketCard(page, 'waiting', code).locator('.note').textContent()).resolves.toBe('sprained ankle');

    await ticketCard(page, 'waiting', code).getByRole('button', { name: 'Call next' }).click();
    await ticketCard(page, 'next', code).waitFor({ timeout: 2_000 });
    expect(await ticketCard(page, 'next', code).getByRole('button').allTextContents()).toEqual(['In room', 'No-show', 'End ticket']);
    expect(await marker(page)).toBe('same page');

    const called = await vi.waitFor(
      async () => {
        const { messages } = (await (await suite.stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`)).json()) as { messages: { body: string }[] };
        const found = messages.find((m) => m.body.includes("you're next"));
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 10_000 },
    );
    expect(called.body).toContain(`ticket ${code}, you're next!`);
    await page.close();
  });

  it("sees each ticket's wait so far count up while the board stays open", async () => {
    const code = await patientJoins(patientPhone());
    await suite.stack.sql`update tickets set joined_at = now() - interval '3 minutes 10 seconds' where clinic_id = ${suite.stack.clinic.id} and code = ${code}`;
    const page = await suite.newPage(1180, 820);
    // The page's clock, so two minutes pass in a moment; the server's stays real.
    await page.clock.install();
    await page.goto(boardUrl());
    await page.getByLabel('Password').fill(suite.stack.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 5_000 });
    const waited = ticketCard(page, 'waiting', code).locator('.waited');
    expect(await waited.textContent()).toBe('Waiting 3 min');

    // The only ticket in Waiting (the first test's was called next), so also the longest wait.
    const longest = page.locator('[data-longest-wait] .stat-n');
    expect(await longest.textContent()).toBe('3 min');

    await page.clock.fastForward('02:00');
    await expect.poll(() => waited.textContent(), { timeout: 2_000 }).toBe('Waiting 5 min');
    expect(await longest.textContent()).toBe('5 min');
    await page.close();
  });

  it("sees why a button from a stale board did nothing, in that ticket's card, still there after a live update", async () => {
    const page = await openBoard();
    const code = await patientJoins(patientPhone());
    const card = ticketCard(page, 'waiting', code);
    await card.waitFor({ timeout: 1_000 });
    // As if another receptionist had already finished with this patient on a board that lagged behind.
    await card.locator('input[name="state"]').evaluate((input) => input.setAttribute('value', 'done'));
    await card.getByRole('button', { name: 'Call next' }).click();

    const refusal = card.getByRole('alert');
    await refusal.waitFor({ timeout: 2_000 });
    expect(await refusal.textContent()).toBe('a waiting ticket cannot become done');
    expect(await page.locator('#banner').isHidden()).toBe(true);
    // Another patient texts in: the board changes, and the refusal stays with its ticket.
    const other = await patientJoins(patientPhone());
    await ticketCard(page, 'waiting', other).waitFor({ timeout: 2_000 });
    expect(await card.locator('[data-card-error]').textContent()).toBe('a waiting ticket cannot become done');
    expect(await ticketCard(page, 'waiting', other).locator('[data-card-error]').count()).toBe(0);
    expect(await marker(page)).toBe('same page');
    await page.close();
  });

  it('ends a stuck ticket only after saying yes, with the reason kept in the audit log', async () => {
    const page = await openBoard();
    const code = await patientJoins(patientPhone());
    const end = ticketCard(page, 'waiting', code).getByRole('button', { name: 'End ticket' });
    await end.waitFor({ timeout: 2_000 });

    // Asked first: dismissing the question ends nothing.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await end.click();
    await page.waitForTimeout(500);
    expect(await ticketCard(page, 'waiting', code).count()).toBe(1);

    page.once('dialog', (dialog) => {
      expect(dialog.message()).toContain(`End ticket ${code} now?`);
      void dialog.accept('  workflow stuck after a deploy  ');
    });
    await end.click();
    await ticketCard(page, 'waiting', code).waitFor({ state: 'detached', timeout: 5_000 });
    const [repair] = await suite.stack.sql<{ ended_by: string; reason: string | null }[]>`
      select r.ended_by, r.reason from ticket_repairs r join tickets t on t.id = r.ticket_id
      where t.clinic_id = ${suite.stack.clinic.id} and t.code = ${code}`;
    expect(repair).toEqual({ ended_by: 'board', reason: 'workflow stuck after a deploy' });
    expect(await marker(page)).toBe('same page');
    await page.close();
  });

  it('marks a no-show only after saying yes, and only then is the patient texted', async () => {
    const page = await openBoard();
    const phone = patientPhone();
    const code = await patientJoins(phone);
    await suite.stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) });
    const noShow = ticketCard(page, 'next', code).getByRole('button', { name: 'No-show' });
    await noShow.waitFor({ timeout: 2_000 });

    // A slip from "In room" beside it: dismissing the question leaves the ticket called, and no text goes.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await noShow.click();
    await page.waitForTimeout(500);
    expect(await ticketCard(page, 'next', code).count()).toBe(1);
    const [ticket] = await suite.stack.sql<{ state: string }[]>`
      select state from tickets where clinic_id = ${suite.stack.clinic.id} and code = ${code} order by id desc limit 1`;
    expect(ticket?.state).toBe('next');

    page.once('dialog', (dialog) => {
      expect(dialog.type()).toBe('confirm');
      expect(dialog.message()).toContain(`Mark ticket ${code} as a no-show?`);
      void dialog.accept();
    });
    await noShow.click();
    await ticketCard(page, 'next', code).waitFor({ state: 'detached', timeout: 5_000 });
    await vi.waitFor(
      async () => {
        const { messages } = (await (await suite.stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`)).json()) as { messages: { body: string }[] };
        expect(messages.map((m) => m.body).filter((body) => body.includes("couldn't find you"))).toHaveLength(1);
      },
      { timeout: 10_000 },
    );
    expect(await marker(page)).toBe('same page');
    await page.close();
  });

  it('closes a room with "−" and opens it again with "+", the count changing in place', async () => {
    const page = await openBoard();
    const shown = page.locator('[data-rooms-open]');
    const fewer = page.getByRole('button', { name: 'Fewer rooms open' });
    const more = page.getByRole('button', { name: 'More rooms open' });
    const roomsOpen = async () => ((await (await suite.stack.api('/api/queue')).json()) as { rooms_open: number }).rooms_open;
    expect(await shown.textContent()).toBe('2');

    await fewer.click();
    await expect.poll(() => shown.textContent()).toBe('1');
    expect(await roomsOpen()).toBe(1);
    expect(await fewer.isDisabled()).toBe(true);
    // Said once for a screen reader, as the board's other changes are.
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 2_000 }).toBe('1 room open.');

    await more.click();
    await expect.poll(() => shown.textContent()).toBe('2');
    expect(await roomsOpen()).toBe(2);
    expect(await fewer.isDisabled()).toBe(false);
    expect(await marker(page)).toBe('same page');
    await page.close();
  });

  it('reads well on a tablet: large codes, touch-sized buttons, a calm layout', async () => {
    const page = await openBoard();
    const first = await patientJoins(patientPhone(), 'JOIN back pain since Tuesday, can hardly sit');
    const second = await patientJoins(patientPhone(), 'JOIN');
    const third = await patientJoins(patientPhone(), 'JOIN <b>flu shot</b> please');
    await suite.stack.api(`/api/tickets/${first}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) });
    await suite.stack.api(`/api/tickets/${first}/state`, { method: 'POST', body: JSON.stringify({ state: 'in_room' }) });
    await suite.stack.api(`/api/tickets/${second}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) });
    await ticketCard(page, 'in_room', first).waitFor({ timeout: 2_000 });
    await ticketCard(page, 'next', second).waitFor({ timeout: 2_000 });
    await ticketCard(page, 'waiting', third).waitFor({ timeout: 2_000 });
    expect(await ticketCard(page, 'waiting', third).locator('.note').textContent()).toBe('<b>flu shot</b> please');

    expect(await fontSize(ticketCard(page, 'waiting', third).locator('.code'))).toBeGreaterThanOrEqual(36);
    const buttonHeights = await page.locator('[data-transition] button').evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().height));
    expect(Math.min(...buttonHeights)).toBeGreaterThanOrEqual(44);
    expect(await page.locator('h1').textContent()).toBe(suite.stack.clinic.name);
    await page.screenshot({ path: screenshotPath('queue-tablet.png'), fullPage: true });
    expect(await marker(page)).toBe('same page');
    await page.close();
  });
});

describe('a receptionist reads the board on a phone (390 px)', () => {
  it('sees every tile and card whole, and nothing scrolls sideways', async () => {
    const page = await openBoard();
    await page.setViewportSize({ width: 390, height: 844 });
    const first = await patientJoins(patientPhone(), 'JOIN back pain since Tuesday, can hardly sit');
    const second = await patientJoins(patientPhone());
    const third = await patientJoins(patientPhone());
    await suite.stack.api(`/api/tickets/${first}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) });
    await suite.stack.api(`/api/tickets/${first}/state`, { method: 'POST', body: JSON.stringify({ state: 'in_room' }) });
    await suite.stack.api(`/api/tickets/${second}/state`, { method: 'POST', body: JSON.stringify({ state: 'next' }) });
    await ticketCard(page, 'in_room', first).waitFor({ timeout: 2_000 });
    await ticketCard(page, 'next', second).waitFor({ timeout: 2_000 });
    // A long afternoon: visits of 4 hours, a wait of over two hours, so every number has three digits.
    const timed = await patientJoins(patientPhone());
    for (const state of ['next', 'in_room', 'done']) await suite.stack.api(`/api/tickets/${timed}/state`, { method: 'POST', body: JSON.stringify({ state }) });
    await suite.stack.sql`update tickets set service_seconds = 4 * 3600 where clinic_id = ${suite.stack.clinic.id} and service_seconds is not null`;
    // The hundredth patient of the day has a code of four characters (only the row changes: the board reads it).
    const hundredth = `${third.charAt(0)}100`;
    await suite.stack
      .sql`update tickets set joined_at = now() - interval '135 minutes', code = ${hundredth} where clinic_id = ${suite.stack.clinic.id} and code = ${third}`;
    await page.reload();
    await ticketCard(page, 'waiting', hundredth).waitFor({ timeout: 2_000 });
    expect(await ticketCard(page, 'waiting', hundredth).locator('[data-eta]').textContent()).toMatch(/^est\. wait \d{3} min$/);

    expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(390);
    // A box whose content is wider than itself clips it (or spills over its neighbours).
    const clipped = await page
      .locator('.stat, .ticket, .ticket-top, .standing, .meta, .actions, .column-head, .topbar, .brand, .topbar-side')
      .evaluateAll((boxes) =>
        boxes
          .filter((box) => box.scrollWidth > box.clientWidth + 1 || box.getBoundingClientRect().right > 390)
          .map((box) => `${box.className}: ${box.textContent?.trim().slice(0, 40)}`),
      );
    expect(clipped).toEqual([]);
    await page.screenshot({ path: screenshotPath('queue-phone.png'), fullPage: true });
    await page.close();
  });
});

/** Where keyboard focus is: the focused element's ticket (if any), tag and text. */
const focusIn = (page: Page) =>
  page.locator('body').evaluate((body) => {
    const active = body.ownerDocument.activeElement;
    return {
      ticket: active?.closest('[data-ticket]')?.getAttribute('data-ticket') ?? null,
      tag: active?.tagName ?? null,
      text: active?.matches('button') ? active.textContent?.trim() : null,
    };
  });

describe('a board in a browser with JavaScript off (a waiting-room screen, or a locked-down browser)', () => {
  it('shows the line, loads itself again every 30 s to follow it, and says so instead of "Connecting…"', async () => {
    const context = await suite.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1180, height: 820 } });
    const page = await context.newPage();
    const first = await patientJoins(patientPhone());
    await page.goto(boardUrl());
    await page.getByLabel('Password').fill(suite.stack.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(boardUrl());
    await ticketCard(page, 'waiting', first).waitFor({ timeout: 2_000 });
    // (Playwright's text search skips <noscript>, which this browser shows: found by its class instead.)
    const refreshing = page.locator('.live[data-state="refreshing"]');
    expect(await refreshing.isVisible()).toBe(true);
    expect(await refreshing.innerText()).toBe('Refreshes every 30 s');
    expect(await page.locator('#live').isVisible()).toBe(false);

    // No event stream without JavaScript: the next load brings the new ticket, with no one touching the page.
    const second = await patientJoins(patientPhone());
    const loads = page.waitForEvent('load', { timeout: 40_000 });
    await ticketCard(page, 'waiting', second).waitFor({ timeout: 40_000 });
    await loads;
    expect(page.url()).toBe(boardUrl());
    await context.close();

    // With JavaScript on, the live board never reloads itself, and says it is live.
    const live = await openBoard();
    expect(await live.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    expect(await live.locator('.live[data-state="refreshing"]').count()).toBe(0);
    await live.close();
  });
});

describe('a receptionist follows a link to a clinic that does not exist', () => {
  it('reads why on a page, not raw JSON, with a way back to a board', async () => {
    const page = await openBoard();
    const response = await page.goto(`${suite.baseUrl}/admin/board?clinic=nope`);
    expect(response?.status()).toBe(404);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    expect(await page.locator('main').innerText()).toContain("No clinic 'nope'");
    expect(await page.locator('body').innerText()).not.toContain('"error"');
    await page.screenshot({ path: screenshotPath('staff-error-unknown-clinic.png') });

    // Back to the first clinic's board (`main`, which every server has; this test stack has only its own clinic).
    expect(await page.getByRole('link', { name: 'Back to Queue' }).getAttribute('href')).toBe('/admin/board');

    // A mistyped page of this clinic leads back to its board, live.
    expect((await page.goto(`${suite.baseUrl}/admin/bord?clinic=${suite.stack.clinic.slug}`))?.status()).toBe(404);
    await page.getByRole('link', { name: 'Back to Queue' }).click();
    await page.waitForURL(boardUrl());
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 5_000 });
    await page.close();
  });
});

describe('a receptionist works the board by keyboard', () => {
  it('keeps focus on the same button when a text changes the board, and on the ticket once it moves', async () => {
    const page = await openBoard();
    const code = await patientJoins(patientPhone());
    const callNext = ticketCard(page, 'waiting', code).getByRole('button', { name: 'Call next' });
    await callNext.waitFor({ timeout: 2_000 });
    await callNext.focus();

    // Another patient texts JOIN: the board is swapped under the receptionist's focus.
    const other = await patientJoins(patientPhone());
    await ticketCard(page, 'waiting', other).waitFor({ timeout: 2_000 });
    expect(await focusIn(page)).toEqual({ ticket: code, tag: 'BUTTON', text: 'Call next' });

    // Enter calls the patient: the button is gone, so focus stays with the ticket's card, now in Next.
    await page.keyboard.press('Enter');
    await ticketCard(page, 'next', code).waitFor({ timeout: 2_000 });
    await expect.poll(() => focusIn(page), { timeout: 2_000 }).toEqual({ ticket: code, tag: 'LI', text: null });

    // Tab goes on from there, into the ticket's own buttons.
    await page.keyboard.press('Tab');
    expect(await focusIn(page)).toEqual({ ticket: code, tag: 'BUTTON', text: 'In room' });
    const third = await patientJoins(patientPhone());
    await ticketCard(page, 'waiting', third).waitFor({ timeout: 2_000 });
    expect(await focusIn(page)).toEqual({ ticket: code, tag: 'BUTTON', text: 'In room' });
    expect(await marker(page)).toBe('same page');
    await page.close();
  });
});

describe('a receptionist who uses a screen reader works the board', () => {
  it('hears each ticket code as "Ticket …"', async () => {
    const page = await openBoard();
    const code = await patientJoins(patientPhone());
    const shown = ticketCard(page, 'waiting', code).locator('.code');
    await shown.waitFor({ timeout: 2_000 });
    // What the accessibility tree holds: what a screen reader reads.
    expect(await shown.ariaSnapshot()).toBe(`- text: Ticket ${code}`);
    await page.close();
  });

  it('hears whose ticket each button is for as she tabs from card to card', async () => {
    const page = await openBoard();
    const first = await patientJoins(patientPhone());
    const second = await patientJoins(patientPhone());
    const heard = async (code: string, name: string) => {
      await ticketCard(page, 'waiting', code).getByRole('button', { name }).focus();
      return (await spokenRefusals(page)).focused;
    };
    expect(await heard(first, 'Call next')).toEqual({ role: 'button', name: 'Call next', description: `Ticket ${first}` });
    expect(await heard(second, 'Call next')).toEqual({ role: 'button', name: 'Call next', description: `Ticket ${second}` });
    expect(await heard(second, 'End ticket')).toEqual({ role: 'button', name: 'End ticket', description: `Ticket ${second}` });
    await page.close();
  });

  it("hears a patient join, another receptionist's call and their own no-show, a short sentence each", async () => {
    const page = await openBoard();
    const status = page.getByRole('status');
    expect(await status.textContent()).toBe('');

    const code = await patientJoins(patientPhone());
    await expect.poll(() => status.textContent(), { timeout: 2_000 }).toBe(`${code} joined.`);

    // Another receptionist calls the patient from their own board.
    const colleague = await openBoard();
    await ticketCard(colleague, 'waiting', code).getByRole('button', { name: 'Call next' }).click();
    await expect.poll(() => status.textContent(), { timeout: 2_000 }).toBe(`${code} called next.`);
    await colleague.close();

    page.once('dialog', (dialog) => void dialog.accept());
    await ticketCard(page, 'next', code).getByRole('button', { name: 'No-show' }).click();
    await expect.poll(() => status.textContent(), { timeout: 5_000 }).toBe(`${code} marked no-show.`);
    expect(await marker(page)).toBe('same page');
    await page.close();
  });
});

describe('a receptionist signs in', () => {
  it('on a form a password manager can save, which Chromium finds nothing to warn about', async () => {
    const page = await suite.newPage(1180, 820);
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.text().startsWith('[DOM]')) warnings.push(message.text());
    });
    await page.goto(boardUrl());
    // Chromium looks the form over once the page has loaded.
    await page.waitForLoadState('load');
    await page.waitForTimeout(1_000);
    expect(warnings).toEqual([]);
    const username = page.locator('form input[autocomplete="username"]');
    expect(await username.inputValue()).toBe('staff');
    expect(await username.isHidden()).toBe(true);

    // Signing in is as before: the password alone.
    await page.getByLabel('Password').fill(suite.stack.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(boardUrl());
    await page.close();
  });
});

describe('a receptionist who uses a screen reader opens the sign-in page', () => {
  it('hears its name as the title and its one heading, and that a refused password was refused', async () => {
    const page = await suite.newPage(390, 844);
    await page.goto(boardUrl());
    expect(await page.title()).toBe('Staff sign-in · Frontdesk');
    const headings = page.getByRole('heading', { level: 1 });
    expect(await headings.allTextContents()).toEqual(['Staff sign-in']);
    expect(await page.getByRole('form', { name: 'Staff sign-in' }).count()).toBe(1);

    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.title()).toBe('Sign-in refused · Staff sign-in · Frontdesk');
    expect(await headings.allTextContents()).toEqual(['Staff sign-in']);
    await page.close();
  });
});

describe('a visitor without a phone uses the kiosk', () => {
  it('takes a ticket and sees its code large', async () => {
    const page = await suite.newPage(820, 1180);
    await page.goto(`${suite.baseUrl}/kiosk?clinic=${suite.stack.clinic.slug}`);
    await page.getByLabel('Anything we should know?').fill('in a wheelchair');
    await page.getByRole('button', { name: 'Get a ticket' }).click();

    const code = page.locator('[data-ticket-code]');
    await code.waitFor();
    expect(await code.textContent()).toMatch(/^[A-Z]\d+$/);
    expect(await fontSize(code)).toBeGreaterThanOrEqual(96);
    expect(await page.locator('.standing').textContent()).toMatch(/in line/);
    await page.screenshot({ path: screenshotPath('kiosk.png') });

    await page.getByRole('link', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Get a ticket' }).waitFor();
    await page.close();
  });
});
