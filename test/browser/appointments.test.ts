import { DateTime } from 'luxon';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { bookThroughApi } from '../support/apiBooking.js';
import { screenshotPath } from '../support/chromium.js';
import { browserSuite } from '../support/browserSuite.js';
import { patientPhone, twimlText } from '../support/stack.js';
import { markPage, marker, signInTo } from '../support/staffBrowser.js';

const suite = browserSuite();

/** Signs in on a page `width` CSS pixels wide and lands on the Queue board. */
async function signIn(width: number): Promise<Page> {
  const page = await suite.newPage(width);
  await signInTo(page, `${suite.baseUrl}/admin/board?clinic=${suite.stack.clinic.slug}`, suite.stack.adminPassword);
  return page;
}

/** The outcome of a form post as the page shows it: in the card it concerns, else above the day. */
const outcome = (page: Page, text: string) => page.locator('[data-card-notice], .flash-ok').filter({ hasText: text });

/** Whether `element` is wholly inside the window and nothing (the sticky top bar) covers its middle. */
const plainlyInView = (element: Locator) =>
  element.evaluate((at) => {
    const box = at.getBoundingClientRect();
    const hit = at.ownerDocument.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    return box.top >= 0 && box.bottom <= (at.ownerDocument.defaultView?.innerHeight ?? 0) && hit !== null && at.contains(hit);
  });

/** The `data-appointment` of the card that has keyboard focus (or holds it), if any. */
const focusedCard = (page: Page) =>
  page.locator('body').evaluate((body) => body.ownerDocument.activeElement?.closest('[data-appointment]')?.getAttribute('data-appointment') ?? null);

/** The card's "Last message" as the live page shows it now. */
const lastDelivery = (card: Locator) => card.locator('[data-last-delivery]').textContent();

/** Opens the Appointments page of clinic-local `day` on `page` and waits for its live stream. */
async function openDay(page: Page, day: string): Promise<void> {
  await page.goto(`${suite.baseUrl}/admin/appointments?clinic=${suite.stack.clinic.slug}&date=${day}`);
  await page.locator('#live[data-state="live"]').waitFor({ timeout: 5_000 });
  await markPage(page);
}

describe('a receptionist working down a long day', () => {
  it.each([
    [390, 844, 7],
    [1280, 800, 8],
  ])('comes back to the card she changed at %i px, the outcome in it, in view and focused', async (width, height, days) => {
    const day = DateTime.now().setZone(suite.stack.clinic.timezone).plus({ days }).startOf('day');
    for (const hour of [8, 9, 10, 11, 12, 13]) await bookThroughApi(suite.stack, { startsAt: day.set({ hour }), patientName: 'Ines Duarte' });
    const last = await bookThroughApi(suite.stack, { startsAt: day.set({ hour: 15 }), patientName: 'Kofi Mensah' });
    const page = await suite.newPage(width, height);
    await signInTo(page, `${suite.baseUrl}/admin/appointments?clinic=${suite.stack.clinic.slug}&date=${day.toISODate()}`, suite.stack.adminPassword);
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 5_000 });
    const card = page.locator(`[data-appointment="${last.id}"]`);
    await card.getByRole('button', { name: 'Remind now' }).click();

    // Back at the same card, not the top of the day: the outcome is in it, in plain view and focused.
    await page.waitForURL((url) => url.hash === `#appointment-${last.id}`);
    const notice = card.locator('[data-card-notice]');
    expect(await notice.textContent()).toMatch(/^Reminder asked for Kofi's 3:00 PM appointment/);
    expect(await plainlyInView(notice)).toBe(true);
    // The page's script gives it focus as it starts (the page is opened at the card, so autofocus would not run).
    await expect.poll(() => notice.evaluate((at) => at === at.ownerDocument.activeElement), { timeout: 5_000 }).toBe(true);
    expect(await page.locator('.flash-ok').count()).toBe(0);
    await page.screenshot({ path: screenshotPath(`appointment-notice-in-card-${width}.png`) });

    // The live list's first swap keeps it in its card, focused (without its role: it is not announced twice),
    // and Tab goes on to that card's own controls.
    await page.locator(`[data-appointment="${last.id}"] [data-card-notice]:not([role])`).waitFor({ timeout: 5_000 });
    expect(await notice.evaluate((at) => at === at.ownerDocument.activeElement)).toBe(true);
    expect(await plainlyInView(notice)).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focusedCard(page)).toBe(last.id);
    await page.close();
  });
});

describe('the receptionist books and reminds from the Appointments page', () => {
  it('books an appointment from the form, sees it listed, and sends its reminder now', async () => {
    const page = await signIn(768);
    await page.getByRole('navigation', { name: 'Staff pages' }).getByRole('link', { name: 'Appointments' }).click();
    await page.getByRole('heading', { name: 'Book an appointment' }).waitFor();
    expect(await page.getByRole('link', { name: 'Appointments' }).getAttribute('aria-current')).toBe('page');

    const startsAt = DateTime.now().setZone(suite.stack.clinic.timezone).plus({ days: 1 }).set({ hour: 10, minute: 30 });
    await page.getByLabel('Patient name').fill('Meera Iyer');
    await page.getByLabel('Mobile number').fill(patientPhone());
    await page.getByLabel(/^Date and time/).fill(startsAt.toFormat("yyyy-MM-dd'T'HH:mm"));
    await page.getByLabel('Provider').fill('Dr Mehta');
    await page.getByLabel('Service').fill('Checkup');
    await page.getByRole('button', { name: 'Book', exact: true }).click();

    await outcome(page, "Booked Meera's 10:30 AM appointment").waitFor();
    const card = page.locator('[data-appointment]').filter({ hasText: 'Meera' });
    await card.waitFor();
    expect(await card.textContent()).not.toContain('Iyer');
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 5_000 });
    await markPage(page);
    await expect.poll(() => lastDelivery(card), { timeout: 10_000 }).toMatch(/^Booking confirmation · SMS (sent|delivered)$/);
    expect(await marker(page)).toBe('same page');

    await card.getByRole('button', { name: 'Remind now' }).click();
    await outcome(page, "Reminder asked for Meera's").waitFor();
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 5_000 });
    await markPage(page);
    await expect.poll(() => lastDelivery(card), { timeout: 10_000 }).toMatch(/^Reminder · SMS (sent|delivered)$/);
    expect(await marker(page)).toBe('same page');

    await page.screenshot({ path: screenshotPath('appointments-tablet.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // On a phone the navigation takes its own row and nothing is wider than the screen.
    expect(await page.locator('html').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: screenshotPath('appointments-phone.png'), fullPage: true });
    await page.close();
  });

  it("books a Spanish-speaking patient by picking Español, the language's own name, and her confirmation is in Spanish", async () => {
    const page = await signIn(390);
    await page.goto(`${suite.baseUrl}/admin/appointments?clinic=${suite.stack.clinic.slug}`);
    const language = page.getByLabel('Language');
    // What a receptionist reads in the list, not the codes en / es.
    expect(await language.locator('option').allTextContents()).toEqual(['Their usual / the clinic’s', 'English', 'Español']);

    const phone = patientPhone();
    const startsAt = DateTime.now().setZone(suite.stack.clinic.timezone).plus({ days: 3 }).set({ hour: 11, minute: 0 });
    await page.getByLabel('Patient name').fill('Lucía Torres');
    await page.getByLabel('Mobile number').fill(phone);
    await page.getByLabel(/^Date and time/).fill(startsAt.toFormat("yyyy-MM-dd'T'HH:mm"));
    await page.getByLabel('Provider').fill('Dr Mehta');
    await page.getByLabel('Service').fill('Checkup');
    await language.selectOption({ label: 'Español' });
    await page.getByRole('button', { name: 'Book', exact: true }).click();
    await outcome(page, "Booked Lucía's 11:00 AM appointment").waitFor();

    await expect
      .poll(
        async () => {
          const { messages } = (await (await suite.stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`)).json()) as { messages: { body: string }[] };
          return messages.map((m) => m.body).join('\n');
        },
        { timeout: 10_000 },
      )
      .toContain('queda reservada');
    await page.close();
  });

  it('sees every change on every open page within a second, and confirms before cancelling', async () => {
    const startsAt = DateTime.now().setZone(suite.stack.clinic.timezone).plus({ days: 2 }).set({ hour: 9, minute: 15, second: 0, millisecond: 0 });
    const day = startsAt.toISODate()!;
    const front = await signIn(768);
    const back = await signIn(390);
    await openDay(front, day);
    await openDay(back, day);
    const cards = (name: string) => [front, back].map((page) => page.locator('[data-appointment]').filter({ hasText: name }));

    // Another staff member books through the JSON API.
    const { id, phone } = await bookThroughApi(suite.stack, { startsAt, durationMinutes: 20, patientName: 'Tomás Rivera', service: 'Checkup' });
    for (const card of cards('Tomás')) await card.waitFor({ timeout: 1_000 });

    // The patient answers the reminder by text.
    expect((await suite.stack.api(`/api/appointments/${id}/remind`, { method: 'POST' })).status).toBe(200);
    for (const card of cards('Tomás')) await expect.poll(() => lastDelivery(card), { timeout: 10_000 }).toMatch(/^Reminder · SMS (sent|delivered)$/);
    expect(await twimlText(await suite.stack.sendSms(phone, 'YES'))).toMatch(/confirmed/i);
    for (const card of cards('Tomás')) await card.locator('.pill-confirmed').waitFor({ timeout: 1_000 });

    // Cancel asks first; the other page sees the cancellation.
    const [frontCard, backCard] = cards('Tomás');
    await frontCard!.getByText('Cancel…').click();
    await frontCard!.getByText("Cancel Tomás's appointment? The patient is told.").waitFor();
    expect(await suite.stack.sql`select status from appointments where id = ${id}`).toEqual([{ status: 'confirmed' }]);
    await frontCard!.getByRole('button', { name: 'Yes, cancel it' }).click();
    await outcome(front, "Cancelled Tomás's").waitFor();
    await backCard!.locator('.pill-cancelled').waitFor({ timeout: 1_000 });
    expect(await marker(back)).toBe('same page');
    await back.screenshot({ path: screenshotPath('appointments-live-phone.png'), fullPage: true });
    await front.close();
    await back.close();
  });

  it("keeps keyboard focus on an appointment's button when another booking changes the list", async () => {
    const startsAt = DateTime.now().setZone(suite.stack.clinic.timezone).plus({ days: 4 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const day = startsAt.toISODate()!;
    const page = await signIn(1180);
    await openDay(page, day);
    const { id } = await bookThroughApi(suite.stack, { startsAt, patientName: 'Imani Okafor' });
    const remind = page.locator(`[data-appointment="${id}"]`).getByRole('button', { name: 'Remind now' });
    await remind.waitFor({ timeout: 2_000 });
    await remind.focus();

    const other = await bookThroughApi(suite.stack, { startsAt: startsAt.plus({ hours: 1 }), patientName: 'Wen Li' });
    await page.locator(`[data-appointment="${other.id}"]`).waitFor({ timeout: 2_000 });
    const focused = await page.locator('body').evaluate((body) => {
      const active = body.ownerDocument.activeElement;
      return { appointment: active?.closest('[data-appointment]')?.getAttribute('data-appointment') ?? null, text: active?.textContent?.trim() ?? null };
    });
    expect(focused).toEqual({ appointment: id, text: 'Remind now' });
    expect(await marker(page)).toBe('same page');
    await page.close();
  });

  it("shows a change refused on one appointment in that appointment's card, and keeps it there as the list goes live", async () => {
    const startsAt = DateTime.now().setZone(suite.stack.clinic.timezone).plus({ days: 5 }).set({ hour: 11, minute: 0, second: 0, millisecond: 0 });
    const page = await signIn(1440);
    await openDay(page, startsAt.toISODate()!);
    const { id } = await bookThroughApi(suite.stack, { startsAt, patientName: 'Farah Haddad' });
    const card = page.locator(`[data-appointment="${id}"]`);
    const past = DateTime.now().setZone(suite.stack.clinic.timezone).minus({ days: 1 }).toFormat("yyyy-MM-dd'T'HH:mm");
    await card.getByLabel(/^New time/).fill(past);
    await card.getByRole('button', { name: 'Move' }).click();

    // The refusal is announced (an alert) as the page comes back; the live list keeps it, quietly.
    const refusal = card.locator('[data-card-error]');
    await refusal.waitFor();
    // In the words of the card's form, not the JSON API's field name (starts_at).
    expect(await refusal.textContent()).toMatch(/^New time: must be in the future/);
    expect(await page.locator('.banner').count()).toBe(0);
    // The stream's first fragment, and one after another change, leave it in its card.
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 5_000 });
    const other = await bookThroughApi(suite.stack, { startsAt: startsAt.plus({ hours: 1 }), patientName: 'Jun Park' });
    await page.locator(`[data-appointment="${other.id}"]`).waitFor({ timeout: 2_000 });
    expect(await card.locator('[data-card-error]').textContent()).toMatch(/must be in the future/);
    expect(page.url()).not.toMatch(/error/);
    await page.screenshot({ path: screenshotPath('appointments-card-refusal.png') });
    await page.close();
  });

  it('moves an appointment to the time typed in its card when another change to the list was waiting as Move is clicked', async () => {
    const zone = suite.stack.clinic.timezone;
    const startsAt = DateTime.now().setZone(zone).plus({ days: 6 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
    const page = await signIn(1180);
    // Counts the list's fragments as they arrive, to know when one is waiting (nothing else is changed).
    await page.addInitScript(`
      window.fragments = 0;
      const Stream = window.EventSource;
      window.EventSource = class extends Stream {
        constructor(url, init) {
          super(url, init);
          this.addEventListener('appointments', () => window.fragments++);
        }
      };`);
    await openDay(page, startsAt.toISODate()!);
    const { id } = await bookThroughApi(suite.stack, { startsAt, patientName: 'Aiko Tanaka' });
    const card = page.locator(`[data-appointment="${id}"]`);
    await card.waitFor({ timeout: 2_000 });

    // The receptionist types a new time; meanwhile another booking changes the list, and its update waits.
    const newTime = startsAt.plus({ hours: 3 });
    await card.getByLabel(/^New time/).fill(newTime.toFormat("yyyy-MM-dd'T'HH:mm"));
    const fragments = () => page.evaluate<number>('window.fragments');
    const before = await fragments();
    const other = await bookThroughApi(suite.stack, { startsAt: startsAt.plus({ hours: 1 }), patientName: 'Jun Park' });
    await expect.poll(fragments, { timeout: 5_000 }).toBeGreaterThan(before);
    expect(await page.locator(`[data-appointment="${other.id}"]`).count()).toBe(0);

    // Then clicks Move: the click lands on the form she typed in, with what she typed.
    await card.getByRole('button', { name: 'Move' }).click();
    await outcome(page, "Moved Aiko's 9:00 AM appointment").waitFor({ timeout: 5_000 });
    const [moved] = await suite.stack.sql<{ starts_at: Date }[]>`select starts_at from appointments where id = ${id}`;
    expect(DateTime.fromJSDate(moved!.starts_at).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm")).toBe(newTime.toFormat("yyyy-MM-dd'T'HH:mm"));
    // The page it comes back to has both changes.
    await page.locator(`[data-appointment="${other.id}"]`).waitFor();
    await page.close();
  });

  it('picks a day from the date field and sees that day, at phone and desktop widths', async () => {
    const startsAt = DateTime.now().setZone(suite.stack.clinic.timezone).plus({ days: 9 }).set({ hour: 14, minute: 0, second: 0, millisecond: 0 });
    await bookThroughApi(suite.stack, { startsAt, patientName: 'Lena Vogel' });
    for (const width of [390, 1440]) {
      const page = await signIn(width);
      await page.goto(`${suite.baseUrl}/admin/appointments?clinic=${suite.stack.clinic.slug}`);
      const picker = page.getByLabel(/^Day/);
      expect(await picker.inputValue()).toBe(DateTime.now().setZone(suite.stack.clinic.timezone).toISODate());
      await picker.fill(startsAt.toISODate()!);
      await page.getByRole('button', { name: 'Show', exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get('date') === startsAt.toISODate());
      // Still this clinic's page (its ?clinic= kept), now showing the day picked.
      expect(new URL(page.url()).searchParams.get('clinic')).toBe(suite.stack.clinic.slug);
      expect(await page.locator('#day-title').textContent()).toBe(startsAt.setLocale('en-US').toLocaleString(DateTime.DATE_HUGE));
      await page.locator('[data-appointment]').filter({ hasText: 'Lena' }).waitFor();
      expect(await page.getByLabel(/^Day/).inputValue()).toBe(startsAt.toISODate());
      expect(await page.locator('html').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(width);
      await page.screenshot({ path: screenshotPath(`appointments-day-picker-${width}.png`) });
      await page.close();
    }
  });

  it('reaches every navigation link and sign-out by keyboard', async () => {
    const page = await signIn(390);
    expect(await page.locator('html').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: screenshotPath('queue-phone.png') });
    const focused: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      focused.push(((await page.locator(':focus').textContent()) ?? '').trim());
    }
    expect(focused).toEqual(['Queue', 'Appointments', 'Waitlist', 'Cancellations', 'Messages', 'Numbers', 'Settings', 'Sign out']);
    for (let i = 0; i < 6; i++) await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/appointments/);
    await page.close();
  });
});
