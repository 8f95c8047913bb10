/**
 * Collects a browser page's Content-Security-Policy violations from the document's
 * `securitypolicyviolation` events (Chromium's "Refused to …" log lines are not console API calls, so
 * Playwright's `console` event never sees them). Browser tests watch every page they open and expect
 * the list to stay empty.
 */
import type { Page } from 'playwright-core';

/**
 * Starts watching `page` (call before its first navigation); returns the list that fills as violations
 * happen, each as `<directive> <blocked URI>`.
 */
export async function watchCspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('reportCspViolation', (violation: string) => void violations.push(violation));
  await page.addInitScript(() => {
    const page = globalThis as unknown as { document: EventTarget; reportCspViolation(v: string): void };
    page.document.addEventListener('securitypolicyviolation', (event) => {
      const violation = event as unknown as { violatedDirective: string; blockedURI: string };
      page.reportCspViolation(`${violation.violatedDirective} ${violation.blockedURI}`);
    });
  });
  return violations;
}
