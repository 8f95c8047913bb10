/**
 * A receptionist checks why a patient missed a text: opens "Messages" from the navigation, filters
 * the log by the patient's number, reads the delivery status and error code, and shows the full
 * number with one deliberate click; at phone (390 px) and tablet (768 px) widths, axe-clean and with
 * no CSP violation. Screenshots go to test-results/.
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
});
