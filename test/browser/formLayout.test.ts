/**
 * The staff forms lay out cleanly on a phone, a tablet and a desktop (390, 820 and 1440 CSS pixels):
 * no control (a date-time input, a select with a long provider's name) runs over the field beside it
 * or past its card's edge; the Numbers page's tables fit their cards without a sideways scroll where
 * there is room (820 and 1440 px) and scroll within their card, not the page, on a phone; a name typed
 * as one long word breaks inside its card on the Appointments and Waitlist pages; a date or date-time
 * field (an appointment card's New time, from 375 px up) shows its whole value. Screenshots of each go
 * to `test-results/`.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { screenshotOf, screenshotPath } from '../support/chromium.js';
import { bookThroughApi } from '../support/apiBooking.js';
import { browserSuite } from '../support/browserSuite.js';
import { dateFieldFits } from '../support/dateFields.js';
import { patientPhone } from '../support/stack.js';
import { signInTo } from '../support/staffBrowser.js';

const suite = browserSuite();

/** A provider name as long as real ones get, so its select is as wide as it gets. */
const LONG_PROVIDER = 'Dr Maximiliana Featherstonehaugh-Cholmondeley, Family Medicine';

/** The staff forms checked: the page, the form on it and a name for its screenshot. */
const FORMS = [
  { name: 'appointments', path: '/admin/appointments', form: 'form.book-form' },
  { name: 'waitlist', path: '/admin/waitlist', form: '.add form.entry-form' },
  { name: 'cancellations', path: '/admin/cancellations', form: '.add form.entry-form' },
] as const;

/**
 * What runs over in `form`: each `<label>: …` whose control sticks out of its own field (over the one
 * beside it) or past the edge of the form's card, or whose checkbox a long label squeezes. Empty when
 * the form lays out cleanly.
 */
function overruns(page: Page, form: string): Promise<string[]> {
  return page.locator(form).evaluate((element) => {
    const found: string[] = [];
    const card = (element.closest('.card') ?? element).getBoundingClientRect();
    for (const field of element.querySelectorAll(':scope > .field')) {
      const cell = field.getBoundingClientRect();
      const name = field.querySelector('label, legend')?.textContent?.trim() ?? '?';
      for (const control of field.querySelectorAll('input:not([type="checkbox"]):not([type="hidden"]), select, textarea')) {
        const box = control.getBoundingClientRect();
        if (box.left < cell.left - 0.5 || box.right > cell.right + 0.5) found.push(`${name}: wider than its field`);
        if (box.right > card.right + 0.5) found.push(`${name}: past the card's edge`);
      }
    }
    // A long label beside a checkbox must not squeeze the box (22 px) out of reach of a finger.
    for (const box of element.querySelectorAll('input[type="checkbox"]')) {
      if (box.getBoundingClientRect().width < 21) found.push(`${box.closest('label')?.textContent?.trim() ?? '?'}: checkbox squeezed`);
    }
    return found;
  });
}

async function signedIn(width: number): Promise<BrowserContext> {
  const context = await suite.browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await suite.watch(page);
  await signInTo(page, `${suite.baseUrl}/admin/board?clinic=${suite.stack.clinic.slug}`, suite.stack.adminPassword);
  await page.close();
  return context;
}

describe('staff forms at every width', () => {
  it('keep each control inside its own field and its card', async () => {
    const added = await suite.stack.api('/api/providers', { method: 'POST', body: JSON.stringify({ name: LONG_PROVIDER, type: 'MD/DO' }) });
    expect(added.status).toBe(201);

    const found: Record<string, string[]> = {};
    for (const width of [390, 820, 1440]) {
      const context = await signedIn(width);
      for (const { name, path, form } of FORMS) {
        const page = await context.newPage();
        await suite.watch(page);
        await page.goto(`${suite.baseUrl}${path}?clinic=${suite.stack.clinic.slug}`);
        await page.locator(form).waitFor();
        const problems = await overruns(page, form);
        const scrollWidth = await page.locator('html').evaluate((html) => html.scrollWidth);
        if (scrollWidth > width) problems.push(`the page scrolls sideways (${scrollWidth} px)`);
        if (problems.length > 0) found[`${name} at ${width} px`] = problems;
        await page.locator(form).screenshot({ path: screenshotPath(`form-${name}-${width}.png`) });
        await page.close();
      }
      await context.close();
    }
    expect(found).toEqual({});
  });
});

describe('the list pages on a phone', () => {
  it('keep a name typed as one long word inside its card, the page never wider than the screen', async () => {
    // A name pasted without spaces (an e-mail address, a name run together): as long as the forms take.
    const name = 'Maximiliana'.repeat(8);
    const booking = await bookThroughApi(suite.stack, { patientName: `${name} Ruiz`, days: 4 });
    const listed = await suite.stack.api('/api/waitlist', { method: 'POST', body: JSON.stringify({ phone: patientPhone(), display_name: `${name} Ruiz` }) });
    expect(listed.status).toBe(201);

    const context = await signedIn(390);
    const found: Record<string, number> = {};
    for (const [page, path, card] of [
      ['appointments', `/admin/appointments?date=${booking.day}&`, `[data-appointment="${booking.id}"]`],
      ['waitlist', '/admin/waitlist?', '[data-entry]'],
    ] as const) {
      const tab = await context.newPage();
      await suite.watch(tab);
      await tab.goto(`${suite.baseUrl}${path}clinic=${suite.stack.clinic.slug}`);
      await tab.locator(card).filter({ hasText: 'Maximiliana' }).waitFor();
      const scrollWidth = await tab.locator('html').evaluate((html) => html.scrollWidth);
      if (scrollWidth > 390) found[page] = scrollWidth;
      await screenshotOf(tab.locator(card).filter({ hasText: 'Maximiliana' }), `long-name-${page}-390.png`);
    }
    await context.close();
    expect(found).toEqual({});
  });
});

describe('date and time fields from a small phone up', () => {
  it("show the whole date and time at 375, 820 and 1440 px, an appointment card's New time among them", async () => {
    const booking = await bookThroughApi(suite.stack, { patientName: 'Kofi Mensah', days: 5 });
    const found: Record<string, string[]> = {};
    for (const width of [375, 820, 1440]) {
      const context = await signedIn(width);
      for (const [name, path, ready] of [
        ['appointments', `/admin/appointments?date=${booking.day}&`, `[data-appointment="${booking.id}"]`],
        ['waitlist', '/admin/waitlist?', '.add form'],
        ['cancellations', '/admin/cancellations?', '.add form'],
      ] as const) {
        const page = await context.newPage();
        await suite.watch(page);
        await page.goto(`${suite.baseUrl}${path}clinic=${suite.stack.clinic.slug}`);
        await page.locator(ready).waitFor();
        // Empty fields as a receptionist leaves them once typed in: "12/12/2026, 10:09 AM" is as wide as a value gets.
        for (const field of await page.locator('input[type="datetime-local"]:visible, input[type="date"]:visible').all()) {
          if ((await field.inputValue()) === '') await field.fill((await field.getAttribute('type')) === 'date' ? '2026-12-12' : '2026-12-12T10:09');
        }
        const problems = (await vi.waitFor(() => dateFieldFits(page), { timeout: 10_000 })).flatMap((fit) => [
          ...(fit.scrollWidth > fit.clientWidth ? [`${fit.label}: cut off (${fit.clientWidth} px for ${fit.scrollWidth})`] : []),
          ...(fit.inCard ? [] : [`${fit.label}: wider than its card`]),
        ]);
        if (problems.length > 0) found[`${name} at ${width} px`] = problems;
        if (name === 'appointments') await screenshotOf(page.locator(ready), `appointment-card-${width}.png`);
        await page.close();
      }
      await context.close();
    }
    expect(found).toEqual({});
  });
});

describe('the Numbers page at every width', () => {
  it('fits each table in its card where there is room, and scrolls it inside its card on a phone', async () => {
    const found: Record<string, string[]> = {};
    for (const width of [390, 820, 1440]) {
      const context = await signedIn(width);
      const page = await context.newPage();
      await suite.watch(page);
      await page.goto(`${suite.baseUrl}/admin/numbers?clinic=${suite.stack.clinic.slug}`);
      await page.locator('.table-scroll').first().waitFor();
      const problems = await page
        .locator('.table-scroll')
        .evaluateAll(
          (boxes, wide) =>
            boxes.flatMap((box) =>
              wide && box.scrollWidth > box.clientWidth + 0.5
                ? [`${box.getAttribute('aria-label')}: scrolls sideways (${box.scrollWidth} px in ${box.clientWidth})`]
                : [],
            ),
          width >= 820,
        );
      const scrollWidth = await page.locator('html').evaluate((html) => html.scrollWidth);
      if (scrollWidth > width) problems.push(`the page scrolls sideways (${scrollWidth} px)`);
      if (problems.length > 0) found[`numbers at ${width} px`] = problems;
      await page.locator('[data-chart-section="delivery"]').screenshot({ path: screenshotPath(`numbers-delivery-${width}.png`) });
      await context.close();
    }
    expect(found).toEqual({});
  });
});
