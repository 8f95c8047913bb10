/**
 * A developer at the clinic opens the staff API's docs in Chromium, with no internet: the page renders
 * from the server's own files under its strict Content-Security-Policy, lists every documented route,
 * and "Authorize" + "Try it out" call the API with the staff token.
 */
import { screenshotPath } from '../support/chromium.js';
import { describe, expect, it } from 'vitest';
import { browserSuite } from '../support/browserSuite.js';

const suite = browserSuite();

describe('the staff API docs page', () => {
  it('renders offline under its CSP, lists every documented route, and tries GET /api/queue with the token', async () => {
    const contract = (await (await suite.stack.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(contract.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );

    const page = await suite.newPage(1200);
    const foreign: string[] = [];
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith(suite.baseUrl)) return route.continue();
      foreign.push(route.request().url());
      return route.abort();
    });

    const response = await page.goto(`${suite.baseUrl}/api/docs`);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('.opblock').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('.info .title').textContent()).toContain('Frontdesk staff API');
    const listed = await page
      .locator('.opblock-summary')
      .evaluateAll((blocks) =>
        blocks.map((b) => `${b.querySelector('.opblock-summary-method')!.textContent} ${b.querySelector('.opblock-summary-path')!.getAttribute('data-path')}`),
      );
    expect(listed.sort()).toEqual(documented.sort());

    await page.getByRole('button', { name: 'Authorize' }).first().click();
    await page.locator('.auth-container input').fill(suite.stack.adminApiToken);
    await page.locator('.auth-btn-wrapper button.authorize').click();
    await page.locator('.btn-done').click();

    const getQueue = page.locator('.opblock-get', { has: page.locator('[data-path="/api/queue"]') });
    await getQueue.locator('.opblock-summary').click();
    await getQueue.getByRole('button', { name: 'Try it out' }).click();
    await getQueue.locator('tr[data-param-name="clinic"] input').fill(suite.stack.clinic.slug);
    await getQueue.getByRole('button', { name: 'Execute' }).click();
    const status = getQueue.locator('.live-responses-table .response .response-col_status');
    await status.waitFor({ timeout: 10_000 });
    expect((await status.textContent())?.trim()).toBe('200');
    expect(await getQueue.locator('.live-responses-table td.response-col_description:not(.col_header)').textContent()).toContain(
      `"clinic": "${suite.stack.clinic.slug}"`,
    );

    await page.screenshot({ path: screenshotPath('api-docs.png'), fullPage: true });
    expect(foreign).toEqual([]);
    await page.close();
  });
});
