import { DateTime } from 'luxon';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bookThroughApi } from '../support/apiBooking.js';
import { screenshotPath } from '../support/chromium.js';
import { spokenRefusals } from '../support/accessibilityTree.js';
import { browserSuite } from '../support/browserSuite.js';
import { signInTo } from '../support/staffBrowser.js';

const suite = browserSuite();

/** Signs in on a page `width` × `height` CSS pixels and lands on staff page `path`. */
async function signIn(path: string, width: number, height: number): Promise<Page> {
  const page = await suite.newPage(width, height);
  const separator = path.includes('?') ? '&' : '?';
  await signInTo(page, `${suite.baseUrl}${path}${separator}clinic=${suite.stack.clinic.slug}`, suite.stack.adminPassword);
  return page;
}

/** Whether `element` lies wholly inside the window, as the staff member sees the page. */
const inView = (element: Locator) =>
  element.evaluate((at) => {
    const box = at.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= (at.ownerDocument.defaultView?.innerHeight ?? 0);
  });

/** Whether `control` has keyboard focus. */
const focused = (control: Locator) => control.evaluate((at) => at === at.ownerDocument.activeElement);

/**
 * What a screen reader hears of the refusal on `page`: the focused control, named `name`, says it as
 * its description (`why`), and no alert repeats it (an alert is announced on its own, so the refusal
 * would be heard twice).
 */
async function expectReadOnce(page: Page, name: string | RegExp, why: RegExp): Promise<void> {
  // Autofocus runs at the page's first rendering opportunity: wait for it.
  const named = typeof name === 'string' ? new RegExp(`^${name}$`) : name;
  await expect.poll(async () => (await spokenRefusals(page)).focused?.name, { timeout: 5_000 }).toMatch(named);
  const { alerts, focused } = await spokenRefusals(page);
  expect(focused?.description).toMatch(why);
  expect(alerts.filter((alert) => why.test(alert))).toEqual([]);
}

describe('a receptionist whose form is refused sees why without looking for it', () => {
  it('lands on the mistyped number of a booking under a full day, the rest as typed', async () => {
    const day = DateTime.now().setZone(suite.stack.clinic.timezone).plus({ days: 5 }).startOf('day');
    for (const hour of [9, 11, 14]) await bookThroughApi(suite.stack, { startsAt: day.set({ hour }), patientName: 'Ines Duarte' });
    const page = await signIn(`/admin/appointments?date=${day.toISODate()}`, 390, 844);
    await page.locator('[data-appointment]').nth(2).waitFor();

    await page.getByLabel('Patient name').fill('Tomás Ruiz');
    await page.getByLabel('Mobile number').fill('312555');
    await page.getByLabel(/^Date and time/).fill(day.set({ hour: 16 }).toFormat("yyyy-MM-dd'T'HH:mm"));
    await page.getByLabel('Provider').fill('Dr Mehta');
    await page.getByLabel('Service').fill('Checkup');
    await page.getByRole('button', { name: 'Book', exact: true }).click();

    // The page that comes back opens at the refused field, not at its top three appointments above it.
    const phone = page.getByLabel('Mobile number');
    const why = page.locator('#book-phone-error');
    expect(await why.textContent()).toMatch(/^Mobile number: must be a valid mobile number/);
    expect(await focused(phone)).toBe(true);
    expect(await inView(phone)).toBe(true);
    expect(await inView(why)).toBe(true);
    expect(await phone.inputValue()).toBe('312555');
    expect(await page.getByLabel('Patient name').inputValue()).toBe('Tomás Ruiz');
    await expectReadOnce(page, 'Mobile number', /^Mobile number: must be a valid mobile number/);
    await page.screenshot({ path: screenshotPath('refused-booking-phone.png') });

    // Fixed where it stands, the booking goes through.
    await phone.fill('+13125550177');
    await page.getByRole('button', { name: 'Book', exact: true }).click();
    await page.locator('[data-card-notice]').filter({ hasText: "Booked Tomás's 4:00 PM appointment" }).waitFor();
    await page.close();
  });

  it('lands on a refused move in the card of the last appointment of the day, and stays there as the list goes live', async () => {
    const day = DateTime.now().setZone(suite.stack.clinic.timezone).plus({ days: 6 }).startOf('day');
    for (const hour of [9, 11]) await bookThroughApi(suite.stack, { startsAt: day.set({ hour }), patientName: 'Ines Duarte' });
    const last = await bookThroughApi(suite.stack, { startsAt: day.set({ hour: 15 }), patientName: 'Kofi Mensah' });
    const page = await signIn(`/admin/appointments?date=${day.toISODate()}`, 390, 844);
    const card = page.locator(`[data-appointment="${last.id}"]`);
    await card.getByLabel(/^New time/).fill(DateTime.now().setZone(suite.stack.clinic.timezone).minus({ days: 1 }).toFormat("yyyy-MM-dd'T'HH:mm"));
    await card.getByRole('button', { name: 'Move', exact: true }).click();

    const refusal = page.locator(`[data-appointment="${last.id}"] [data-card-error]`);
    await refusal.waitFor();
    expect(await refusal.textContent()).toBe('New time: must be in the future');
    expect(await inView(refusal)).toBe(true);
    expect(await focused(refusal)).toBe(true);
    // The first fragment of the live stream swaps the list in again: the refusal keeps its card and focus.
    // (A refusal kept through a swap loses its role="alert", so it is not announced twice.)
    await page.locator(`[data-appointment="${last.id}"] [data-card-error]:not([role])`).waitFor({ timeout: 5_000 });
    expect(await focused(refusal)).toBe(true);
    // Shift+Tab goes back to the card's own controls.
    await page.keyboard.press('Shift+Tab');
    const cardOfFocus = await page
      .locator('body')
      .evaluate((body) => body.ownerDocument.activeElement?.closest('[data-appointment]')?.getAttribute('data-appointment'));
    expect(cardOfFocus).toBe(last.id);
    await page.close();
  });

  it('lands on the time zone the manager mistyped in the Hours section, far down the Settings page', async () => {
    const page = await signIn('/admin/settings', 1280, 800);
    const hours = page.getByRole('region', { name: 'Hours, time zone and office phone' });
    await hours.getByLabel(/^Time zone/).fill('America/Chicgo');
    await hours.getByRole('button', { name: 'Save hours' }).click();

    const timeZone = page.getByRole('region', { name: 'Hours, time zone and office phone' }).getByLabel(/^Time zone/);
    expect(await page.locator('#hours-timezone-error').textContent()).toMatch(/^Time zone: must be an IANA time zone/);
    expect(await focused(timeZone)).toBe(true);
    expect(await inView(timeZone)).toBe(true);
    expect(await inView(page.locator('#hours-timezone-error'))).toBe(true);
    expect(await timeZone.inputValue()).toBe('America/Chicgo');
    await expectReadOnce(page, /^Time zone/, /^Time zone: must be an IANA time zone/);
    await page.close();
  });

  it('hears each refusal once, from the field that takes focus, on the Waitlist and Settings forms', async () => {
    const waitlist = await signIn('/admin/waitlist', 1280, 800);
    const add = waitlist.getByRole('region', { name: 'Add to the waitlist' });
    await add.getByLabel('Mobile number').fill('not a number');
    await add.getByRole('button', { name: 'Add', exact: true }).click();
    await waitlist.locator('#add-phone-error').waitFor();
    await expectReadOnce(waitlist, 'Mobile number', /^Mobile number: must be/);
    await waitlist.close();

    const settings = await signIn('/admin/settings?kind=confirmed&language=es', 1280, 800);
    const wording = settings.getByRole('textbox', { name: 'Confirmed in Español' });
    await wording.fill('Hola {fecha}');
    await settings.getByRole('button', { name: 'Save template' }).click();
    await settings.locator('#template-body-error').waitFor();
    await expectReadOnce(settings, 'Confirmed in Español', /Confirmed in Español: unknown placeholder \{fecha\}/);

    const reminders = settings.getByRole('region', { name: 'Reminder schedule' });
    await reminders.getByLabel('When').nth(2).selectOption('before');
    await reminders
      .getByLabel(/^Minutes before/)
      .nth(2)
      .fill('99999');
    await reminders.getByRole('button', { name: 'Save schedule' }).click();
    await settings.locator('[data-field-error^="reminder_rules"]').waitFor();
    await expectReadOnce(settings, /^Minutes before/, /^Reminder 3, minutes before: must be a whole number of minutes/);
    await settings.close();
  });
});
