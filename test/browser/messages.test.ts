/**
 * A receptionist checks why a patient missed a text: opens "Messages" from the navigation, filters
 * the log by the patient's number, reads the delivery status and error code, and shows the full
 * number with one deliberate click; pages back through a long log with "Older →" and "← Newer", the
 * filter kept, and is told when a page link was altered; at phone (390 px) and tablet (768 px) widths,
 * axe-clean and with no CSP violation. Screenshots go to test-results/.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { seriousAxeViolations } from '../support/axe.js';
import { screenshotPath } from '../support/chromium.js';
import { browserSuite } from '../support/browserSuite.js';
import { patientPhone } from '../support/stack.js';
import { signInTo } from '../support/staffBrowser.js';

const suite = browserSuite({ consoleTelephone: true });
const landline = patientPhone();

beforeAll(async () => {
  await suite.stack.sendSms(patientPhone(), 'JOIN');
  await suite.stack.api(`/api/console/phones/${encodeURIComponent(landline)}`, { method: 'PUT', body: JSON.stringify({ sms: 'undelivered' }) });
  await suite.stack.messenger.send({
    clinicId: suite.stack.clinic.id,
    phone: landline,
    channel: 'sms',
    body: 'Your visit is tomorrow at 10:30.',
    idempotencyKey: `test:${landline}`,
  });
  await vi.waitFor(async () => expect(await suite.stack.sql`select 1 from messages where phone = ${landline} and status = 'undelivered'`).toHaveLength(1), {
    timeout: 10_000,
  });
});

describe('the receptionist reads the message log', () => {
  for (const width of [390, 768]) {
    it(`filters by a number, sees the error code, and shows that number (${width} px)`, async () => {
      const page = await suite.newPage(width);
      await signInTo(page, `${suite.baseUrl}/admin/board?clinic=${suite.stack.clinic.slug}`, suite.stack.adminPassword);
      await page.getByRole('navigation', { name: 'Staff pages' }).getByRole('link', { name: 'Messages' }).click();
      await page.getByRole('heading', { name: 'Log, newest first' }).waitFor({ state: 'attached' });
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(await page.locator('[data-entry]').count()).toBeGreaterThanOrEqual(3);

      await page.getByLabel('Phone').fill(landline.slice(2));
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(/phone=/);
      const entry = page.locator('[data-entry]');
      expect(await entry.count()).toBe(1);
      expect(await entry.locator('[data-status]').textContent()).toBe('undelivered');
      expect(await entry.locator('[data-error-code]').textContent()).toBe('error 30006: landline or unreachable carrier');
      expect(await entry.locator('[data-phone]').textContent()).toBe(`+1 ••• ••• ${landline.slice(-4)}`);

      await entry.getByRole('button', { name: `Show number ending ${landline.slice(-4)}` }).click();
      await page.locator('[data-revealed]').waitFor();
      expect(await page.locator('[data-revealed]').textContent()).toContain(landline);
      expect(await page.getByText('Shown to you; this was logged.').count()).toBe(1);
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(width);
      await page.screenshot({ path: screenshotPath(`messages-${width}.png`), fullPage: true });
      await page.close();
    });
  }

  it('pages back through a long log with Older and Newer, the filter kept, and is told when a page link was altered (390 px)', async () => {
    const regular = patientPhone();
    await suite.stack.sql`
      insert into messages (clinic_id, direction, channel, phone, from_address, to_address, body, status, created_at)
      select ${suite.stack.clinic.id}, 'inbound', 'sms', ${regular}, ${regular}, ${suite.stack.clinicNumber}, 'Text number ' || g, 'received',
             now() - make_interval(mins => g)
      from generate_series(1, 60) g`;
    const page = await suite.newPage(390);
    await signInTo(page, `${suite.baseUrl}/admin/messages?clinic=${suite.stack.clinic.slug}&phone=${regular.slice(2)}`, suite.stack.adminPassword);
    const bodies = () => page.locator('[data-entry] .entry-body').allTextContents();
    expect(await bodies()).toEqual(Array.from({ length: 50 }, (_, i) => `Text number ${i + 1}`));

    await page.getByRole('link', { name: 'Older →' }).click();
    await page.waitForURL(/cursor=/);
    expect(await bodies()).toEqual(Array.from({ length: 10 }, (_, i) => `Text number ${i + 51}`));
    expect(await page.getByLabel('Phone').inputValue()).toBe(regular.slice(2));
    expect(await page.getByRole('link', { name: 'Older →' }).count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole('link', { name: '← Newer' }).click();
    await page.getByText('Text number 1', { exact: true }).waitFor();
    expect(await bodies()).toEqual(Array.from({ length: 50 }, (_, i) => `Text number ${i + 1}`));
    expect(await page.getByRole('link', { name: '← Newer' }).count()).toBe(0);

    // A page link whose number was edited in the address bar: refused in words, with the way back.
    await page.getByRole('link', { name: 'Older →' }).click();
    await page.waitForURL(/cursor=/);
    const edited = new URL(page.url());
    edited.searchParams.set('phone', patientPhone());
    const refused = await page.goto(edited.toString());
    expect(refused?.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain('Page link: is not one this page gave for these filters');
    expect(await page.locator('[data-entry]').count()).toBe(0);
    await page.getByRole('link', { name: 'Newest' }).click();
    await page.waitForURL((url) => !url.searchParams.has('cursor'));
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.close();
  });
});

describe('the receptionist keeps the message log open', () => {
  it('sees a new text, the reply and each delivery status arrive without reloading', async () => {
    const phone = patientPhone();
    await suite.stack.api(`/api/console/phones/${encodeURIComponent(phone)}`, { method: 'PUT', body: JSON.stringify({ sms: 'undelivered' }) });
    const page = await suite.newPage(390);
    await signInTo(page, `${suite.baseUrl}/admin/messages?clinic=${suite.stack.clinic.slug}&phone=${encodeURIComponent(phone)}`, suite.stack.adminPassword);
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 5_000 });
    expect(await page.locator('[data-entry]').count()).toBe(0);
    // Set on this document only: if the page reloads, the marker is gone.
    await page.evaluate(() => void ((globalThis as { __marker?: string }).__marker = 'same page'));

    // The patient texts in: their text and the clinic's reply show, newest first.
    await suite.stack.sendSms(phone, 'JOIN');
    const entries = page.locator('[data-entry]');
    await expect.poll(() => entries.count(), { timeout: 5_000 }).toBe(2);
    expect(await entries.nth(1).locator('.entry-body').textContent()).toBe('JOIN');
    expect(await entries.nth(0).getAttribute('data-direction')).toBe('outbound');

    // A reminder goes out, and its delivery fails at the carrier: it shows, then its status and error code change in place.
    await suite.stack.messenger.send({
      clinicId: suite.stack.clinic.id,
      phone,
      channel: 'sms',
      body: 'Your visit is on Friday.',
      idempotencyKey: `test:${phone}`,
    });
    await expect.poll(() => entries.count(), { timeout: 5_000 }).toBe(3);
    const reminder = entries.nth(0);
    expect(await reminder.locator('.entry-body').textContent()).toBe('Your visit is on Friday.');
    await expect.poll(() => reminder.locator('[data-status]').textContent(), { timeout: 10_000 }).toBe('undelivered');
    expect(await reminder.locator('[data-error-code]').textContent()).toBe('error 30006: landline or unreachable carrier');
    expect(await page.evaluate(() => (globalThis as { __marker?: string }).__marker)).toBe('same page');
    await page.close();
  });
});
