/**
 * In Chromium: a manager rewords a reminder on the Settings page and watches the preview's segment
 * count follow the typing (a warning past one segment), saves it and sees the saved wording counted
 * the same; then opens the Numbers page, whose Chart.js charts draw on their canvases. Screenshots of
 * both pages at phone (390 px) and tablet (768 px) widths go to test-results/.
 */
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bookThroughApi } from '../support/apiBooking.js';
import { seriousAxeViolations } from '../support/axe.js';
import { screenshotPath } from '../support/chromium.js';
import { browserSuite } from '../support/browserSuite.js';
import { json, patientPhone, patientReply } from '../support/stack.js';
import { signInTo } from '../support/staffBrowser.js';

const suite = browserSuite();

/** Signs in on a page `width` CSS pixels wide (watched for CSP violations) and lands on the Queue board. */
async function signIn(width: number): Promise<Page> {
  const page = await suite.newPage(width);
  await signInTo(page, `${suite.baseUrl}/admin/board?clinic=${suite.stack.clinic.slug}`, suite.stack.adminPassword);
  return page;
}

const segments = (page: Page) => page.locator('#template-preview [data-segments]').getAttribute('data-segments');

describe('the template preview on the Settings page', () => {
  it('counts segments as the manager types, warns past one, and shows the saved wording counted the same', async () => {
    const page = await signIn(768);
    await page.getByRole('navigation', { name: 'Staff pages' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Message templates' }).waitFor();
    expect(await page.getByRole('link', { name: 'Settings' }).getAttribute('aria-current')).toBe('page');
    expect(await segments(page)).toBe('1');

    const wording = page.getByLabel('Reminder in English');
    await wording.fill('{clinic_name}: {patient_name}, see you {date} at {time}. Reply YES or NO.');
    await expect
      .poll(() => page.locator('[data-preview-text]').textContent())
      .toBe('Test Clinic: Maria Gonzalez, see you Tue, Nov 10 at 10:30 AM. Reply YES or NO.');
    expect(await segments(page)).toBe('1');
    expect(await page.locator('[data-segment-warning]').count()).toBe(0);

    await wording.fill(
      '{clinic_name}: {patient_name}, this is a friendly reminder of your visit with {doctor_name} on {date} at {time}. Please reply YES to confirm, NO to cancel, or CHANGE to pick another time.',
    );
    await expect.poll(() => segments(page)).toBe('2');
    const warning = page.locator('[data-segment-warning]');
    expect(await warning.isVisible()).toBe(true);
    expect(await warning.textContent()).toContain('takes 2 SMS segments');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved the reminder template in English (2 SMS segments with sample values).' }).waitFor();
    expect(await segments(page)).toBe('2');
    expect(await page.getByLabel('Reminder in English').inputValue()).toContain('friendly reminder');
    const saved = (await json(await suite.stack.api('/api/clinic/templates'))) as {
      templates: { kind: string; language: string; segments: number; source: string }[];
    };
    expect(saved.templates.find((t) => t.kind === 'reminder' && t.language === 'en')).toMatchObject({ source: 'clinic', segments: 2 });

    // From the top: a full-page screenshot of a scrolled page draws the sticky top bar mid-page.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: screenshotPath('settings-tablet.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.locator('html').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: screenshotPath('settings-phone.png'), fullPage: true });
    await page.close();
  });
});

describe('the waitlist replies on the Settings page', () => {
  it('are named for what they tell the patient: the winner that the slot is theirs, a later YES that it is taken', async () => {
    const page = await signIn(768);
    await page.goto(`${suite.baseUrl}/admin/settings?clinic=${suite.stack.clinic.slug}`);
    const templates = page.getByRole('region', { name: 'Message templates' });
    const open = async (label: string) => {
      await templates.getByLabel('Message', { exact: true }).selectOption({ label });
      await templates.getByRole('button', { name: 'Open', exact: true }).click();
      return page.getByLabel(`${label} in English`).inputValue();
    };
    expect(await open('Waitlist: slot confirmed')).toContain("Confirmed. You're scheduled for {date} at {time}");
    expect(await open('Waitlist: slot already taken')).toContain('sorry, this slot has been taken');
    await page.close();
  });
});

describe('the spoken call texts on the Settings page', () => {
  it('name the one a caller hears when the open times could not be texted, which says the clinic will call back', async () => {
    const page = await signIn(768);
    await page.goto(`${suite.baseUrl}/admin/settings?clinic=${suite.stack.clinic.slug}`);
    const templates = page.getByRole('region', { name: 'Message templates' });
    await templates.getByLabel('Message', { exact: true }).selectOption({ label: 'Call: open times not texted' });
    await templates.getByRole('button', { name: 'Open', exact: true }).click();
    expect(await page.getByLabel('Call: open times not texted in English').inputValue()).toContain(
      'we could not send you a text message with the open times. We will call you back',
    );
    await page.close();
  });
});

describe('the Numbers page', () => {
  it('draws every chart with Chart.js, its table beneath', async () => {
    // Something to count: a walk-in seen today and an appointment tomorrow marked visited.
    const phone = patientPhone();
    const code = /ticket is ([A-Z]\d+)/.exec(await patientReply(suite.stack, phone, await suite.stack.sendSms(phone, 'JOIN')))![1]!;
    for (const state of ['next', 'in_room', 'done']) await suite.stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state }) });
    const startsAt = DateTime.now().setZone(suite.stack.clinic.timezone).plus({ days: 1 }).set({ hour: 11, minute: 0, second: 0, millisecond: 0 });
    const booked = await bookThroughApi(suite.stack, { startsAt, patientName: 'Lena Ortiz', provider: 'Dr Rao', service: 'Checkup' });
    await suite.stack.api(`/api/appointments/${booked.id}/visited`, { method: 'POST', body: '{}' });

    const page = await signIn(768);
    await page.getByRole('navigation', { name: 'Staff pages' }).getByRole('link', { name: 'Numbers' }).click();
    await page.getByRole('link', { name: 'Last 7 days' }).waitFor();
    const to = DateTime.now().setZone(suite.stack.clinic.timezone).plus({ days: 1 }).toISODate()!;
    await page.getByRole('textbox', { name: 'To', exact: true }).fill(to);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(new RegExp(`to=${to}`));

    const charts = await page.locator('canvas[data-chart]').evaluateAll((canvases) =>
      canvases.map((canvas) => {
        const chart = (
          globalThis as unknown as { Chart: { getChart(c: unknown): { config: { type: string }; data: { datasets: unknown[] } } | undefined } }
        ).Chart.getChart(canvas);
        const element = canvas as unknown as {
          id: string;
          width: number;
          height: number;
          getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
        };
        const pixels = element.getContext('2d').getImageData(0, 0, element.width, element.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
        return { id: element.id, type: chart?.config.type, datasets: chart?.data.datasets.length, width: element.width, painted };
      }),
    );
    expect(charts.map((c) => [c.id, c.type, c.datasets])).toEqual([
      ['served-chart', 'bar', 2],
      ['no-shows-chart', 'bar', 1],
      ['confirmations-chart', 'bar', 1],
      ['delivery-chart', 'bar', 1],
      ['fill-rate-chart', 'bar', 1],
      ['time-to-fill-chart', 'bar', 2],
    ]);
    for (const chart of charts) {
      expect(chart.width, chart.id).toBeGreaterThan(200);
      // Axes, grid and labels at least: every chart drew on its canvas.
      expect(chart.painted, chart.id).toBeGreaterThan(500);
    }
    const served = page.getByRole('region', { name: 'Patients served per day: the numbers' });
    expect(await served.locator('tfoot').textContent()).toBe('Total112');

    await page.screenshot({ path: screenshotPath('numbers-tablet.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // Chart.js redraws each chart at its box's new size (a ResizeObserver), then nothing is wider than the screen.
    await expect.poll(() => page.locator('html').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(390);
    await expect.poll(() => page.locator('#served-chart').evaluate((canvas) => (canvas as unknown as { clientWidth: number }).clientWidth)).toBeLessThan(390);
    await page.screenshot({ path: screenshotPath('numbers-phone.png'), fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });
});
