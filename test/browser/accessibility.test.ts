/**
 * Every page a receptionist or a waiting-room visitor uses, at phone (390 px) and tablet (768 px)
 * widths, with content on it (tickets in each column, an appointment, waitlisted patients, a slot on
 * offer with its holds, a conversation, refused forms and a refused sign-in): axe-core finds no serious or critical violation, the Content-Security-Policy refuses
 * nothing, the console shows no error (no request of the page fails, its icon included), and the page
 * has exactly one main landmark (axe counts a missing one as moderate only).
 */
import { DateTime } from 'luxon';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { bookThroughApi } from '../support/apiBooking.js';
import { seriousAxeViolations } from '../support/axe.js';
import { browserSuite } from '../support/browserSuite.js';
import { launchChromium } from '../support/chromium.js';
import { patientPhone, twimlText } from '../support/stack.js';
import { signInTo } from '../support/staffBrowser.js';

const suite = browserSuite({ consoleTelephone: true, roomsOpen: 2 });
let simulatedPhone: string;
let appointmentDay: string;

async function patientJoins(phone: string): Promise<string> {
  const code = /ticket is ([A-Z]\d+)/.exec(await twimlText(await suite.stack.sendSms(phone, 'JOIN sore throat')))?.[1];
  expect(code).toBeDefined();
  return code!;
}

beforeAll(async () => {
  // One ticket in each column of the board.
  const [inRoom, called] = [await patientJoins(patientPhone()), await patientJoins(patientPhone())];
  await patientJoins(patientPhone());
  for (const [code, states] of [
    [inRoom, ['next', 'in_room']],
    [called, ['next']],
  ] as const) {
    for (const state of states) await suite.stack.api(`/api/tickets/${code}/state`, { method: 'POST', body: JSON.stringify({ state }) });
  }
  // An appointment tomorrow, and a conversation for the simulator.
  const startsAt = DateTime.now().setZone(suite.stack.clinic.timezone).plus({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
  appointmentDay = startsAt.toISODate()!;
  await bookThroughApi(suite.stack, { startsAt, patientName: 'Meera Iyer', service: 'Checkup' });
  simulatedPhone = patientPhone();
  await patientJoins(simulatedPhone);
  // Two waitlisted patients (one urgent with a note) and a freed slot offered to them.
  const provider = await suite.stack.api('/api/providers', { method: 'POST', body: JSON.stringify({ name: 'Dr Okafor', type: 'MD/DO' }) });
  expect(provider.status).toBe(201);
  for (const entry of [
    { phone: patientPhone(), display_name: 'Ines Duarte', manual_boost: 10 },
    { phone: patientPhone(), display_name: 'Ravi', urgent: true, notes: 'Mornings only' },
  ]) {
    expect((await suite.stack.api('/api/waitlist', { method: 'POST', body: JSON.stringify(entry) })).status).toBe(201);
  }
  const slot = startsAt.plus({ hours: 2 });
  const cancellation = await suite.stack.api('/api/cancellations', {
    method: 'POST',
    body: JSON.stringify({
      provider_id: ((await provider.json()) as { id: number }).id,
      location: 'Main St, room 2',
      slot_start_at: slot.toISO(),
      slot_end_at: slot.plus({ minutes: 30 }).toISO(),
    }),
  });
  expect(cancellation.status).toBe(201);
});

/** The pages to check, each opened on `page` (signed in unless it says otherwise) and ready to read. */
const PAGES: { name: string; signedIn: boolean; open(page: Page): Promise<void> }[] = [
  { name: 'sign-in', signedIn: false, open: (page) => page.goto(`${suite.baseUrl}/admin/login`).then(() => undefined) },
  {
    name: 'sign-in refused',
    signedIn: false,
    async open(page) {
      await page.goto(`${suite.baseUrl}/admin/login`);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
    },
  },
  {
    name: 'queue board',
    signedIn: true,
    async open(page) {
      await page.goto(`${suite.baseUrl}/admin/board?clinic=${suite.stack.clinic.slug}`);
      await page.locator('#live[data-state="live"]').waitFor();
      await page.locator('[data-column="in_room"] [data-ticket]').waitFor();
    },
  },
  {
    name: 'appointments',
    signedIn: true,
    async open(page) {
      await page.goto(`${suite.baseUrl}/admin/appointments?clinic=${suite.stack.clinic.slug}&date=${appointmentDay}`);
      await page.locator('[data-appointment]').first().waitFor();
    },
  },
  {
    name: 'appointments with a refused booking',
    signedIn: true,
    async open(page) {
      await page.goto(`${suite.baseUrl}/admin/appointments?clinic=${suite.stack.clinic.slug}&date=${appointmentDay}`);
      await page.getByLabel('Patient name').fill('Ravi');
      await page.getByLabel('Mobile number').fill('not a number');
      await page.getByLabel(/^Date and time/).fill(`${appointmentDay}T11:00`);
      await page.getByLabel('Provider').fill('Dr Mehta');
      await page.getByLabel('Service').fill('Checkup');
      await page.getByRole('button', { name: 'Book', exact: true }).click();
      await page.locator('[data-field-error="phone"]').waitFor();
    },
  },
  {
    name: 'waitlist',
    signedIn: true,
    async open(page) {
      await page.goto(`${suite.baseUrl}/admin/waitlist?clinic=${suite.stack.clinic.slug}`);
      await page.locator('[data-entry]').nth(1).waitFor();
    },
  },
  {
    name: 'waitlist with a refused add and an edit form open',
    signedIn: true,
    async open(page) {
      await page.goto(`${suite.baseUrl}/admin/waitlist?clinic=${suite.stack.clinic.slug}`);
      await page.locator('[data-entry]').first().getByText('Edit…').click();
      const add = page.locator('section.add');
      await add.getByLabel('Mobile number').fill('not a number');
      await add.getByRole('button', { name: 'Add', exact: true }).click();
      await page.locator('[data-field-error="phone"]').waitFor();
    },
  },
  {
    name: 'cancellations with holds counting down',
    signedIn: true,
    async open(page) {
      await page.goto(`${suite.baseUrl}/admin/cancellations?clinic=${suite.stack.clinic.slug}`);
      await page.locator('[data-hold-expires]').first().waitFor();
    },
  },
  {
    name: 'cancellations with a refused form',
    signedIn: true,
    async open(page) {
      await page.goto(`${suite.baseUrl}/admin/cancellations?clinic=${suite.stack.clinic.slug}`);
      await page.getByLabel('Provider').selectOption({ label: 'Dr Okafor (MD/DO)' });
      await page.getByLabel('Location').fill('Room 2');
      await page.getByLabel(/^Starts/).fill(`${appointmentDay}T11:30`);
      await page.getByLabel(/^Ends/).fill(`${appointmentDay}T11:00`);
      await page.getByRole('button', { name: 'Offer the slot' }).click();
      await page.locator('[data-field-error="slot_end_at"]').waitFor();
    },
  },
  {
    name: 'settings',
    signedIn: true,
    async open(page) {
      await page.goto(`${suite.baseUrl}/admin/settings?clinic=${suite.stack.clinic.slug}&kind=reschedule_options&language=es`);
      await page.locator('#template-preview [data-segments]').waitFor();
    },
  },
  {
    name: 'settings with a refused form and a preview past one segment',
    signedIn: true,
    async open(page) {
      await page.goto(`${suite.baseUrl}/admin/settings?clinic=${suite.stack.clinic.slug}`);
      await page.getByRole('combobox', { name: /^Time zone/ }).fill('Mars/Olympus');
      await page.getByRole('button', { name: 'Save hours' }).click();
      await page.locator('[data-field-error="timezone"]').waitFor();
      await page.getByLabel('Reminder in English').fill(`{patient_name}: ${'a long reminder '.repeat(12)}`);
      await page.locator('[data-segment-warning]').waitFor();
    },
  },
  {
    name: 'numbers',
    signedIn: true,
    async open(page) {
      await page.goto(`${suite.baseUrl}/admin/numbers?clinic=${suite.stack.clinic.slug}`);
      await page.waitForFunction('Chart.getChart(document.getElementById("delivery-chart")) !== undefined');
    },
  },
  {
    name: 'phone simulator',
    signedIn: true,
    open: (page) => page.goto(`${suite.baseUrl}/admin/phone?clinic=${suite.stack.clinic.slug}`).then(() => undefined),
  },
  {
    name: 'phone simulator with a conversation',
    signedIn: true,
    async open(page) {
      await page.goto(`${suite.baseUrl}/admin/phone?clinic=${suite.stack.clinic.slug}&phone=${encodeURIComponent(simulatedPhone)}&channel=whatsapp`);
      await page.locator('#chat .msg').first().waitFor();
    },
  },
  {
    name: 'a staff page for a clinic that does not exist',
    signedIn: true,
    async open(page) {
      await page.goto(`${suite.baseUrl}/admin/board?clinic=nope`);
      await page.getByRole('heading', { name: 'Not found' }).waitFor();
    },
  },
  { name: 'kiosk', signedIn: false, open: (page) => page.goto(`${suite.baseUrl}/kiosk?clinic=${suite.stack.clinic.slug}`).then(() => undefined) },
  {
    name: 'kiosk ticket',
    signedIn: false,
    async open(page) {
      await page.goto(`${suite.baseUrl}/kiosk?clinic=${suite.stack.clinic.slug}`);
      await page.getByRole('button', { name: 'Get a ticket' }).click();
      await page.locator('[data-ticket-code]').waitFor();
    },
  },
];

/**
 * The console errors `page` logs from now on, each `<text> <url>`, except a refused form's or sign-in's
 * own 4xx answer (the page itself, which says why): a failed request of the page (a 404 for its icon) is one.
 */
function watchConsoleErrors(page: Page): string[] {
  const documents = new Set<string>();
  const errors: string[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest()) documents.add(request.url());
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !documents.has(message.location().url)) errors.push(`console: ${message.text()} ${message.location().url}`);
  });
  return errors;
}

/** A browser context `width` px wide, signed in as staff. */
async function signedInContext(width: number): Promise<BrowserContext> {
  const context = await suite.browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  await signInTo(page, `${suite.baseUrl}/admin/board?clinic=${suite.stack.clinic.slug}`, suite.stack.adminPassword);
  await page.close();
  return context;
}

describe('every page passes axe and its Content-Security-Policy', () => {
  for (const width of [390, 768]) {
    // Every page at one width, one after another: longer than one page's test.
    it(`at ${width} px`, { timeout: 150_000 }, async () => {
      const staff = await signedInContext(width);
      const visitor = await suite.browser.newContext({ viewport: { width, height: 900 } });
      const found: Record<string, string[]> = {};
      for (const check of PAGES) {
        const page = await (check.signedIn ? staff : visitor).newPage();
        const csp = await suite.watch(page);
        const consoleErrors = watchConsoleErrors(page);
        await check.open(page);
        const mains = await page.getByRole('main').count();
        const problems = [
          ...(await seriousAxeViolations(page)),
          ...csp.map((v) => `CSP: ${v}`),
          ...consoleErrors,
          ...(mains === 1 ? [] : [`landmarks: ${mains} main, not 1`]),
        ];
        if (problems.length > 0) found[check.name] = problems;
        await page.close();
      }
      await staff.close();
      await visitor.close();
      expect(found).toEqual({});
    });
  }
});

describe('the pages’ icon', () => {
  it('is there on the first page a fresh browser opens, so its console shows no 404', async () => {
    // A fresh browser: Chromium does not ask again for an icon that failed once in its session.
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const consoleErrors = watchConsoleErrors(page);
    const icon = page.waitForResponse((response) => response.url().includes('/favicon.'), { timeout: 5_000 }).catch(() => null);
    await page.goto(`${suite.baseUrl}/admin/login`);
    // The icon is fetched after the page loads; give a failure time to reach the console.
    await page.waitForTimeout(1_000);
    expect(consoleErrors).toEqual([]);
    expect((await icon)?.url()).toMatch(/\/admin\/assets\/favicon\.svg\?v=/);
    expect((await icon)?.status()).toBe(200);
    await browser.close();
  });
});
