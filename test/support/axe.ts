/**
 * axe-core in the browser tests: injects the installed `axe-core` (node_modules, no network) into a
 * page and runs it. `page.evaluate` runs through the DevTools protocol, so the page's
 * Content-Security-Policy (no inline scripts) does not stop it and need not be loosened.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Impacts a page may not have: axe's two highest. */
const BLOCKING = new Set(['serious', 'critical']);

/**
 * The serious and critical axe violations on `page` as it is now (WCAG 2.x A and AA rules and axe's
 * best practices), each as `<rule id> (<impact>): <help> — <CSS targets>`; empty when there are none.
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const { axe } = globalThis as unknown as {
      axe: {
        run(context: unknown, options: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }>;
      };
    };
    const results = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact !== null && BLOCKING.has(v.impact)).map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.join(', ')}`);
}
