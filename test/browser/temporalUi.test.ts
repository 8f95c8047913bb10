/**
 * Ops read a ticket's journey in the Temporal Web UI of the dev server that `npm start` runs (started
 * the same way: `--ui-codec-endpoint` pointing at the API's /codec). Signed in to the board in the same
 * browser, they see the patient's input decoded; otherwise only ciphertext. Screenshots go to test-results/.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium, screenshotPath } from '../support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/embedded/temporal.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/workflows/definitions.js';
import { freePort } from '../support/freePort.js';
import { patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';

const dataDir = path.resolve(`.data/test-ui-${process.pid}`);

let temporal: TemporalDevServer;
let stack: Stack;
let apiUrl: string;
let browser: Browser;
const phone = patientPhone();
const note = 'chest pain since Tuesday';
let workflowId: string;
let code: string;

beforeAll(async () => {
  const apiPort = await freePort();
  // As `npm start` prints them: both on localhost, so the staff cookie (SameSite=Strict) is same-site.
  apiUrl = `http://localhost:${apiPort}`;
  temporal = await startTemporalDevServer({
    dataDir,
    port: await freePort(),
    uiPort: await freePort(),
    namespace: 'default',
    searchAttributes: SEARCH_ATTRIBUTE_TYPES,
    codecEndpoint: `${apiUrl}/codec`,
  });
  stack = await startStack({ temporalAddress: temporal.address, temporalUiUrl: temporal.uiUrl });
  await stack.listen(apiPort);
  browser = await launchChromium();

  const reply = await twimlText(await stack.sendSms(phone, `JOIN ${note}`));
  code = /ticket is ([A-Z]\d+)/.exec(reply)![1]!;
  const [row] = await stack.sql`select workflow_id from tickets where clinic_id = ${stack.clinic.id} and code = ${code}`;
  workflowId = row!.workflow_id as string;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await temporal?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * A browser whose Temporal UI sends cross-origin credentials to the codec endpoint: what the UI's Codec
 * Server dialog stores (endpoint, "Include cross-origin credentials", "Use my browser setting"). The dev
 * server's UI (CLI 1.9.1, UI 2.54.1) gets only the endpoint from `--ui-codec-endpoint`, with credentials
 * off, so without this setting a signed-in browser sees ciphertext too (checked by hand).
 */
async function browserWithCodecCredentials(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const endpoint = `${apiUrl}/codec`;
  await context.addInitScript(
    ({ origin, endpoint }) => {
      const page = globalThis as unknown as { location: { origin: string }; localStorage: { setItem(key: string, value: string): void } };
      if (page.location.origin !== origin) return;
      page.localStorage.setItem('endpoint', JSON.stringify(endpoint));
      page.localStorage.setItem('includeCredentials', 'true');
      page.localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
    },
    { origin: new URL(temporal.uiUrl).origin, endpoint },
  );
  return context;
}

/** Opens `url` (default: the ticket's workflow in the Web UI), waits for `shown`, screenshots it and returns the Input panel's text. */
async function openWorkflowInput(context: BrowserContext, shown: string, screenshot: string, url = workflowPage()): Promise<string> {
  const page = await context.newPage();
  await page.goto(url);
  await page.getByText(shown).filter({ visible: true }).first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: screenshotPath(screenshot), fullPage: true });
  const input = await page.locator('main').innerText();
  await page.close();
  return input;
}

const workflowPage = () => `${temporal.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`;

/** The board's "Open in Temporal" link of ticket `code`. */
async function boardLinkOf(context: BrowserContext, code: string): Promise<string | null> {
  const page = await context.newPage();
  await page.goto(`${apiUrl}/admin/board?clinic=${stack.clinic.slug}`);
  const href = await page.locator(`[data-ticket="${code}"]`).getByRole('link', { name: 'Open in Temporal' }).getAttribute('href');
  await page.close();
  return href;
}

async function signIn(context: BrowserContext): Promise<void> {
  const page = await context.newPage();
  await page.goto(`${apiUrl}/admin/login`);
  await page.getByLabel('Password').fill(stack.adminPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin\/board/);
  await page.close();
}

describe('ops read a journey in the Temporal Web UI', () => {
  it('shows the input decoded to a signed-in staff member', async () => {
    const context = await browserWithCodecCredentials();
    await signIn(context);
    // Staff reach it from the ticket on the board.
    const link = await boardLinkOf(context, code);
    expect(link).toBe(workflowPage());
    const shown = await openWorkflowInput(context, note, 'temporal-ui-signed-in.png', link!);
    expect(shown).toContain(`"phone": "${phone}"`);
    expect(shown).toContain(`"note": "${note}"`);
    await context.close();
  });

  it('shows ciphertext to a browser that is not signed in', async () => {
    const context = await browserWithCodecCredentials();
    const shown = await openWorkflowInput(context, 'Codec Server could not connect', 'temporal-ui-signed-out.png');
    expect(shown).not.toContain(note);
    expect(shown).not.toContain(phone);
    expect(shown).not.toContain('"clinicSlug"');
    await context.close();
  });
});
