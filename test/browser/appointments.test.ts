import { DateTime } from 'luxon';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotPath } from '../support/chromium.js';
import { watchCspViolations } from '../support/cspViolations.js';
import { patientPhone, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let baseUrl: string;
let browser: Browser;
beforeAll(async () => {
  stack = await startStack();
  baseUrl = await stack.listen();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

// Every page the tests open is watched: its Content-Security-Policy refuses nothing the page uses.
const watched: string[][] = [];
afterEach(() => {
  expect(watched.splice(0).flat()).toEqual([]);
});

/** Signs in on a page `width` CSS pixels wide and lands on the Queue board. */
async function signIn(width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  watched.push(await watchCspViolations(page));
  await page.goto(`${baseUrl}/admin/board?clinic=${stack.clinic.slug}`);
  await page.getByLabel('Password').fill(stack.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Queue' }).waitFor();
  return page;
}

/** The card's "Last message" after reloading the page (it has no live updates). */
async function lastDeliveryAfterReload(page: Page, card: Locator): Promise<string | null> {
  await page.reload();
  return card.locator('[data-last-delivery]').textContent();
}

describe('the receptionist books and reminds from the Appointments page', () => {
  it('books an appointment from the form, sees it listed, and sends its reminder now', async () => {
    const page = await signIn(768);
    await page.getByRole('navigation', { name: 'Staff pages' }).getByRole('link', { name: 'Appointments' }).click();
    await page.getByRole('heading', { name: 'Book an appointment' }).waitFor();
    expect(await page.getByRole('link', { name: 'Appointments' }).getAttribute('aria-current')).toBe('page');

    const startsAt = DateTime.now().setZone(stack.clinic.timezone).plus({ days: 1 }).set({ hour: 10, minute: 30 });
    await page.getByLabel('Patient name').fill('Meera Iyer');
    await page.getByLabel('Mobile number').fill(patientPhone());
    await page.getByLabel(/^Date and time/).fill(startsAt.toFormat("yyyy-MM-dd'T'HH:mm"));
    await page.getByLabel('Provider').fill('Dr Mehta');
    await page.getByLabel('Service').fill('Checkup');
    await page.getByRole('button', { name: 'Book', exact: true }).click();

    await page.getByRole('status').filter({ hasText: "Booked Meera's 10:30 AM appointment" }).waitFor();
    const card = page.locator('[data-appointment]').filter({ hasText: 'Meera' });
    await card.waitFor();
    expect(await card.textContent()).not.toContain('Iyer');
    await expect.poll(() => lastDeliveryAfterReload(page, card), { timeout: 10_000 }).toBe('Booking confirmation · SMS sent');

    await card.getByRole('button', { name: 'Remind now' }).click();
    await page.getByRole('status').filter({ hasText: "Reminder asked for Meera's" }).waitFor();
    await expect.poll(() => lastDeliveryAfterReload(page, card), { timeout: 10_000 }).toBe('Reminder · SMS sent');

    await page.screenshot({ path: screenshotPath('appointments-tablet.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // On a phone the navigation takes its own row and nothing is wider than the screen.
    expect(await page.locator('html').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: screenshotPath('appointments-phone.png'), fullPage: true });
    await page.close();
  });

  it('reaches every navigation link and sign-out by keyboard', async () => {
    const page = await signIn(390);
    expect(await page.locator('html').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: screenshotPath('queue-phone.png') });
    const focused: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      focused.push(((await page.locator(':focus').textContent()) ?? '').trim());
    }
    expect(focused).toEqual(['Queue', 'Appointments', 'Numbers', 'Settings', 'Sign out', expect.any(String)]);
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/appointments/);
    await page.close();
  });
});
