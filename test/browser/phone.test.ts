import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath } from '../support/chromium.js';
import { browserSuite } from '../support/browserSuite.js';
import { patientPhone } from '../support/stack.js';

const suite = browserSuite({ consoleTelephone: true });

const phoneUrl = () => `${suite.baseUrl}/admin/phone?clinic=${suite.stack.clinic.slug}`;

/** Opens the simulator as staff would: sent to sign in, then back to it. */
async function openSimulator(width: number): Promise<Page> {
  const page = await suite.newPage(width);
  await page.goto(phoneUrl());
  expect(new URL(page.url()).pathname).toBe('/admin/login');
  await page.getByLabel('Password').fill(suite.stack.adminPassword);
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

describe('a receptionist mistypes the number', () => {
  it('sees it still in the field after "Open", with why it is not a number beside it', async () => {
    const page = await openSimulator(820);
    const number = page.getByLabel(/^Number/);
    await number.fill('999');
    await page.getByRole('button', { name: 'Open' }).click();

    const refusal = page.locator('[data-field-error="phone"]');
    await refusal.waitFor({ timeout: 5_000 });
    expect(await number.inputValue()).toBe('999');
    expect(await number.getAttribute('aria-invalid')).toBe('true');
    // In the field's own words, not the JSON API's field name.
    expect(await refusal.textContent()).toBe('Number: must be a phone number, E.164 or local to US');
    // Named once, beside the field: not again in a banner.
    expect(await page.getByRole('alert').count()).toBe(1);
    await page.close();
  });
});
