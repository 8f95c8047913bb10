import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotPath } from '../support/chromium.js';
import { watchCspViolations } from '../support/cspViolations.js';
import { patientPhone, startStack, type Stack } from '../support/stack.js';

let stack: Stack;
let baseUrl: string;
let browser: Browser;
beforeAll(async () => {
  stack = await startStack({ consoleTelephone: true });
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

const phoneUrl = () => `${baseUrl}/admin/phone?clinic=${stack.clinic.slug}`;

/** Opens the simulator as staff would: sent to sign in, then back to it. */
async function openSimulator(width: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  watched.push(await watchCspViolations(page));
  await page.goto(phoneUrl());
  expect(new URL(page.url()).pathname).toBe('/admin/login');
  await page.getByLabel('Password').fill(stack.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(phoneUrl());
  return page;
}

describe('a receptionist tries the queue from the phone simulator', () => {
  for (const [width, device] of [
    [390, 'phone'],
    [768, 'tablet'],
  ] as const) {
    it(`texts JOIN as a patient and reads the ticket reply in the chat (${device}, ${width} px)`, async () => {
      const page = await openSimulator(width);
      expect(await page.getByRole('note').textContent()).toMatch(/^Simulator — no real phone is texted or called/);

      await page.getByLabel(/^Number/).fill(patientPhone().replace(/^\+1/, ''));
      await page.getByLabel('Channel').selectOption('sms');
      await page.getByRole('button', { name: 'Open' }).click();
      await page.getByLabel('Message').fill('JOIN');
      await page.getByRole('button', { name: 'Send' }).click();

      await expect.poll(() => page.locator('[data-reply]').textContent(), { timeout: 10_000 }).toMatch(/your ticket is [A-Z]\d+/);
      const newest = page.locator('#chat .msg').last();
      await expect.poll(() => newest.textContent(), { timeout: 5_000 }).toMatch(/your ticket is [A-Z]\d+/);
      expect(await page.locator('#chat .msg-inbound').first().textContent()).toMatch(/^JOIN/);
      // No sideways scrolling on a phone.
      expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(width);
      await page.screenshot({ path: screenshotPath(`phone-${width}.png`), fullPage: true });
      await page.close();
    });
  }
});
