/**
 * A receptionist refills a cancelled slot from the board in a real browser: puts a patient on the
 * Waitlist page and sees them ranked with their score, boosts them by keyboard, logs the freed slot
 * on the Cancellations page, watches the offer's hold count down, and, when the patient texts YES from
 * the phone simulator, sees the slot filled and the patient leave the waitlist on the pages already
 * open, without a reload. While an edit form holds the leaderboard's updates back, its badge says so.
 */
import { DateTime } from 'luxon';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath } from '../support/chromium.js';
import { browserSuite } from '../support/browserSuite.js';
import { json, patientPhone } from '../support/stack.js';
import { markPage, marker, signInTo } from '../support/staffBrowser.js';

const suite = browserSuite({ consoleTelephone: true, temporalUiUrl: 'http://localhost:8233' });

/** A signed-in browser context `width` CSS pixels wide. */
async function signedIn(width: number): Promise<BrowserContext> {
  const context = await suite.browser.newContext({ viewport: { width, height: 900 } });
  const page = await newPage(context);
  await signInTo(page, `${suite.baseUrl}/admin/board?clinic=${suite.stack.clinic.slug}`, suite.stack.adminPassword);
  await page.close();
  return context;
}

async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await suite.watch(page);
  return page;
}

const live = (page: Page) => page.locator('#live[data-state="live"]').waitFor({ timeout: 5_000 });
const masked = (phone: string) => `+1 ••• ••• ${phone.slice(-4)}`;

describe('a receptionist refills a cancelled slot from the board', () => {
  it('adds and boosts a waitlisted patient, offers the slot, and sees the YES fill it live', async () => {
    const provider = (await json(await suite.stack.api('/api/providers', { method: 'POST', body: JSON.stringify({ name: 'Dr Okafor', type: 'MD/DO' }) }))) as {
      id: number;
    };
    // Someone already waiting, with a head start of 5 points.
    const earlier = patientPhone();
    expect(
      (await suite.stack.api('/api/waitlist', { method: 'POST', body: JSON.stringify({ phone: earlier, display_name: 'Ravi', manual_boost: 5 }) })).status,
    ).toBe(201);

    const staff = await signedIn(768);
    const page = await newPage(staff);
    await page.goto(`${suite.baseUrl}/admin/board?clinic=${suite.stack.clinic.slug}`);
    await page.getByRole('navigation', { name: 'Staff pages' }).getByRole('link', { name: 'Waitlist' }).click();
    await page.getByRole('heading', { name: 'Add to the waitlist' }).waitFor();

    // Add from the form: ranked below Ravi, with a score of 0 and its parts shown.
    const phone = patientPhone();
    const add = page.locator('section.add');
    await add.getByLabel('Mobile number').fill(phone.replace(/^\+1/, ''));
    await add.getByLabel(/^Name/).fill('Ines Duarte');
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    // The outcome is in the new entry's card, where the page opens.
    await page
      .locator('[data-card-notice]')
      .filter({ hasText: `Added Ines (${masked(phone)}) to the waitlist.` })
      .waitFor();
    const card = page.locator('[data-entry]').filter({ hasText: 'Ines' });
    expect(await card.getAttribute('data-score')).toBe('0');
    expect(await card.locator('.rank').textContent()).toBe('#2');
    expect(await card.textContent()).toContain(masked(phone));
    expect(await card.textContent()).not.toContain('Duarte');
    expect(await card.locator('[data-part]').allTextContents()).toEqual(['Urgent0', 'Boost0', 'Appt. distance0', 'Days waiting0']);

    // Boost by keyboard: type in the card's boost field and press Enter (one submit).
    const boost = card.locator('.boost-form input[name="manual_boost"]');
    await boost.fill('20');
    await boost.press('Enter');
    await card.locator('[data-card-notice]').filter({ hasText: 'set to 20' }).waitFor();
    expect(await card.getAttribute('data-score')).toBe('20');
    expect(await card.locator('.rank').textContent()).toBe('#1');
    expect(await card.locator('[data-part="manual_boost"] dd').textContent()).toBe('20');
    await live(page);
    await page.screenshot({ path: screenshotPath('waitlist-tablet.png'), fullPage: true });

    // A second tab keeps the Waitlist open while the slot is offered.
    const waitlist = await newPage(staff);
    await waitlist.setViewportSize({ width: 390, height: 844 });
    await waitlist.goto(`${suite.baseUrl}/admin/waitlist?clinic=${suite.stack.clinic.slug}`);
    await live(waitlist);
    await markPage(waitlist);
    expect(await waitlist.locator('html').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(390);
    await waitlist.screenshot({ path: screenshotPath('waitlist-phone.png'), fullPage: true });

    // Log the freed slot from the Cancellations page.
    await page.getByRole('navigation', { name: 'Staff pages' }).getByRole('link', { name: 'Cancellations' }).click();
    await page.getByRole('heading', { name: 'Log a freed slot' }).waitFor();
    const start = DateTime.now().setZone(suite.stack.clinic.timezone).plus({ days: 1 }).set({ hour: 9, minute: 0 });
    await page.getByLabel('Provider').selectOption(String(provider.id));
    await page.getByLabel('Location').fill('Main St, room 2');
    await page.getByLabel(/^Starts/).fill(start.toFormat("yyyy-MM-dd'T'HH:mm"));
    await page.getByLabel(/^Ends/).fill(start.plus({ minutes: 30 }).toFormat("yyyy-MM-dd'T'HH:mm"));
    await page.getByRole('button', { name: 'Offer the slot' }).click();
    await page.locator('[data-card-notice]').filter({ hasText: 'to the waitlist.' }).waitFor();
    await live(page);
    await markPage(page);

    // Its offer appears on the open page, and the hold counts down without a reload.
    const cancellation = page.locator('[data-list="open"] [data-cancellation]').first();
    const offer = cancellation.locator('[data-offer]').filter({ hasText: masked(phone) });
    await offer.waitFor({ timeout: 15_000 });
    const hold = offer.locator('[data-hold-expires]');
    expect(await hold.textContent()).toMatch(/^[67]:\d\d left$/);
    const first = Number(await hold.getAttribute('data-seconds-left'));
    await page.waitForTimeout(2_100);
    const second = Number(await hold.getAttribute('data-seconds-left'));
    expect(second).toBeLessThan(first);
    expect(second).toBeGreaterThan(0);
    expect(await cancellation.getByRole('link', { name: 'Open in Temporal' }).getAttribute('href')).toMatch(
      /^http:\/\/localhost:8233\/namespaces\/default\/workflows\/cancellation-/,
    );
    const id = await cancellation.getAttribute('data-cancellation');
    await page.screenshot({ path: screenshotPath('cancellations-tablet.png'), fullPage: true });

    // The patient says YES from the phone simulator.
    const simulator = await newPage(staff);
    await simulator.goto(`${suite.baseUrl}/admin/phone?clinic=${suite.stack.clinic.slug}`);
    await simulator.getByLabel(/^Number/).fill(phone);
    await simulator.getByLabel('Channel').selectOption('sms');
    await simulator.getByRole('button', { name: 'Open' }).click();
    await simulator.getByLabel('Message').fill('YES');
    await simulator.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => simulator.locator('[data-reply]').textContent(), { timeout: 15_000 }).toMatch(/Confirmed/);

    // The open pages show it within a second of the rows changing (the workflow writes them after its
    // update has answered), without a reload.
    await expect
      .poll(async () => (await suite.stack.sql`select status from cancellation_events where id = ${id}`)[0]?.status, { timeout: 15_000 })
      .toBe('filled');
    await page.locator(`[data-list="ended"] [data-cancellation="${id}"][data-status="filled"]`).waitFor({ timeout: 1_000 });
    expect(await page.locator(`[data-list="open"] [data-cancellation="${id}"]`).count()).toBe(0);
    expect(await page.locator(`[data-cancellation="${id}"] [data-offer][data-state="accepted"]`).textContent()).toContain(masked(phone));
    expect(await marker(page)).toBe('same page');
    await expect
      .poll(async () => (await suite.stack.sql`select count(*)::int as n from waitlist_entries where clinic_id = ${suite.stack.clinic.id} and active`)[0]?.n, {
        timeout: 15_000,
      })
      .toBe(1);
    await waitlist.locator('[data-entry]').filter({ hasText: 'Ines' }).waitFor({ state: 'detached', timeout: 1_000 });
    expect(await marker(waitlist)).toBe('same page');

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.locator('html').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: screenshotPath('cancellations-phone.png'), fullPage: true });
    await staff.close();
  });

  it('says the leaderboard is paused while an edit form is open, and live again with the held change once it closes', async () => {
    expect((await suite.stack.api('/api/waitlist', { method: 'POST', body: JSON.stringify({ phone: patientPhone(), display_name: 'Aiko' }) })).status).toBe(
      201,
    );
    const staff = await signedIn(1440);
    const page = await newPage(staff);
    await page.goto(`${suite.baseUrl}/admin/waitlist?clinic=${suite.stack.clinic.slug}`);
    await live(page);
    const badge = page.locator('#live');
    expect(await badge.textContent()).toBe('Live');
    expect(await badge.getAttribute('aria-live')).toBe('polite');

    const edit = page.locator('[data-entry]').filter({ hasText: 'Aiko' }).getByText('Edit…');
    await edit.click();
    await page.locator('#live[data-state="paused"]').waitFor({ timeout: 1_000 });
    expect(await badge.textContent()).toBe('Paused while you edit');

    // Another member of staff adds someone: the open form is not swept away, and the badge stays honest.
    expect((await suite.stack.api('/api/waitlist', { method: 'POST', body: JSON.stringify({ phone: patientPhone(), display_name: 'Bongani' }) })).status).toBe(
      201,
    );
    await page.waitForTimeout(1_000);
    expect(await page.locator('[data-entry]').filter({ hasText: 'Bongani' }).count()).toBe(0);
    expect(await badge.textContent()).toBe('Paused while you edit');

    // Closing the form lets the held change in and the badge says Live again.
    await edit.click();
    await page.locator('[data-entry]').filter({ hasText: 'Bongani' }).waitFor({ timeout: 1_000 });
    await live(page);
    expect(await badge.textContent()).toBe('Live');
    await staff.close();
  });
});
