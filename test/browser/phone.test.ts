import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { screenshotPath } from '../support/chromium.js';
import { browserSuite } from '../support/browserSuite.js';
import { bookThroughApi } from '../support/apiBooking.js';
import { patientPhone } from '../support/stack.js';
import { signInTo } from '../support/staffBrowser.js';

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

describe('a receptionist texts the clinic several times in a row', () => {
  it('finds the Message field focused and empty after Send, and types the next text at once', async () => {
    const page = await openSimulator(768);
    await page.goto(`${phoneUrl()}&phone=${encodeURIComponent(patientPhone())}&channel=sms`);
    const message = page.getByLabel('Message');
    await message.fill('JOIN');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('[data-reply]').waitFor({ timeout: 10_000 });

    expect(await message.evaluate((field) => field === field.ownerDocument.activeElement)).toBe(true);
    expect(await message.inputValue()).toBe('');
    await page.keyboard.type('STATUS');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#chat .msg-inbound').last().textContent(), { timeout: 10_000 }).toMatch(/^STATUS/);
    expect(await message.evaluate((field) => field === field.ownerDocument.activeElement)).toBe(true);
    await page.close();
  });
});

describe('a receptionist sends a text the clinic refuses', () => {
  it('finds it still in the Message box, focused, with why it was refused', async () => {
    const page = await openSimulator(390);
    await page.goto(`${phoneUrl()}&phone=${encodeURIComponent(patientPhone())}&channel=sms`);
    const message = page.getByLabel('Message');
    // A text pasted past the limit by a script or an old browser: the box's maxlength stops typing only.
    const typed = `JOIN ${'my knee is swollen and hurts when I walk. '.repeat(38)}`;
    expect(typed.length).toBeGreaterThan(1600);
    await message.evaluate((box) => box.removeAttribute('maxlength'));
    await message.fill(typed);
    await page.getByRole('button', { name: 'Send' }).click();

    const refusal = page.getByRole('alert');
    await refusal.waitFor({ timeout: 5_000 });
    expect(await refusal.textContent()).toBe('Message: must be at most 1600 characters');
    expect(await message.inputValue()).toBe(typed);
    expect(await message.getAttribute('aria-invalid')).toBe('true');
    expect(await message.evaluate((box) => box === box.ownerDocument.activeElement)).toBe(true);
    expect(await message.evaluate((box) => box.ownerDocument.getElementById(box.getAttribute('aria-describedby'))?.textContent)).toBe(
      'Message: must be at most 1600 characters',
    );

    // Cut to the limit and sent again, it goes, and the box is empty for the next text.
    await message.fill(typed.slice(0, 1600));
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('[data-reply]').waitFor({ timeout: 10_000 });
    expect(await message.inputValue()).toBe('');
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.close();
  });
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

describe('a receptionist plays a patient on a landline who asks for another time on a reminder call', () => {
  it('presses 2 on the keypad, hears to call the clinic, and sees "Call back" on the open Appointments page', async () => {
    const { stack } = suite;
    const phone = patientPhone();
    expect((await stack.api(`/api/console/phones/${encodeURIComponent(phone)}`, { method: 'PUT', body: JSON.stringify({ sms: 'undelivered' }) })).status).toBe(
      200,
    );
    const { id, day } = await bookThroughApi(stack, { channel: 'voice', phone, patientName: 'Lucia Flores' });
    // The booking confirmation goes by SMS and comes back 30006: the number is known to be a landline.
    await expect
      .poll(async () => (await stack.sql`select 1 from messages where appointment_id = ${id} and error_code = 30006`).length, { timeout: 15_000 })
      .toBe(1);

    const appointments = await suite.newPage(1024);
    await signInTo(appointments, `${suite.baseUrl}/admin/appointments?clinic=${stack.clinic.slug}&date=${day}`, stack.adminPassword);
    await appointments.locator('#live[data-state="live"]').waitFor({ timeout: 5_000 });
    const card = appointments.locator(`[data-appointment="${id}"]`);
    expect(await card.locator('[data-call-back]').count()).toBe(0);
    expect((await stack.api(`/api/appointments/${id}/remind`, { method: 'POST' })).status).toBe(200);

    const simulator = await openSimulator(768);
    await simulator.getByLabel(/^Number/).fill(phone.replace(/^\+1/, ''));
    await simulator.getByLabel('Channel').selectOption('sms');
    await simulator.getByRole('button', { name: 'Open' }).click();
    await simulator.getByRole('button', { name: 'Key 2' }).click({ timeout: 15_000 });
    await simulator.getByText(/To choose another time, please call us at/).waitFor({ timeout: 5_000 });

    // The list is live: the notice comes without a reload, and names the first name only.
    const notice = card.locator('[data-call-back]');
    await expect.poll(() => notice.count(), { timeout: 10_000 }).toBe(1);
    expect((await notice.textContent())!.replace(/\s+/g, ' ').trim()).toMatch(
      /^Call back: Lucia asked for another time on the reminder call of \w+ \d+, \d{4}, \d+:\d\d [AP]M\. A landline takes no texts, so the time has not changed\.$/,
    );
    expect(await card.locator('.pill').textContent()).toBe('Booked');
    await appointments.screenshot({ path: screenshotPath('appointments-call-back.png'), fullPage: true });
    await simulator.close();
    await appointments.close();
  });
});
