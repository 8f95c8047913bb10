/**
 * One browser test file's set-up: a test stack with its API on a real port and a headless Chromium,
 * started before the file's tests (vitest `beforeAll`) and stopped after them (`afterAll`), and a
 * check after each test (`afterEach`) that no page opened through the suite had a
 * Content-Security-Policy violation or an uncaught script error (Playwright's `pageerror`: a page
 * script that threw, which staff never see but which stops what the script was doing). A file registers its own `beforeAll` after calling
 * `browserSuite` to add data; vitest runs it once the stack is up.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launchChromium } from './chromium.js';
import { watchCspViolations } from './cspViolations.js';
import { startStack, type Stack, type StackOptions } from './stack.js';

export interface BrowserSuite {
  /** The file's stack (see stack.ts). @throws before the suite's `beforeAll` has run. */
  readonly stack: Stack;
  /** The API's origin, `http://127.0.0.1:<port>`. @throws before the suite's `beforeAll` has run. */
  readonly baseUrl: string;
  /** The file's Chromium. @throws before the suite's `beforeAll` has run. */
  readonly browser: Browser;
  /** A new page `width` × `height` CSS pixels in its own context, watched for CSP violations. */
  newPage(width: number, height?: number): Promise<Page>;
  /**
   * Watches `page` (one made in a context of the test's own; call before its first navigation) for
   * CSP violations and uncaught script errors; both must be none at the end of the test.
   * @returns the list of its CSP violations as they happen, each `<directive> <blocked URI>`.
   */
  watch(page: Page): Promise<string[]>;
}

/** Registers the hooks of a browser test file on a stack started with `options`. */
export function browserSuite(options: StackOptions = {}): BrowserSuite {
  let stack: Stack | undefined;
  let baseUrl: string | undefined;
  let browser: Browser | undefined;
  const watched: string[][] = [];
  const scriptErrors: string[] = [];
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the browser suite is not started yet: use it inside a hook or a test');
    return value;
  };

  beforeAll(async () => {
    stack = await startStack(options);
    baseUrl = await stack.listen();
    // Playwright gives each launch a fresh temporary profile (user-data dir) and removes it on close.
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
  afterEach(() => {
    expect(watched.splice(0).flat(), 'Content-Security-Policy violations').toEqual([]);
    expect(scriptErrors.splice(0), 'uncaught script errors').toEqual([]);
  });

  const watch = async (page: Page): Promise<string[]> => {
    const violations = await watchCspViolations(page);
    watched.push(violations);
    page.on('pageerror', (error) => void scriptErrors.push(`${page.url()}: ${error.message}`));
    return violations;
  };
  return {
    get stack() {
      return ready(stack);
    },
    get baseUrl() {
      return ready(baseUrl);
    },
    get browser() {
      return ready(browser);
    },
    async newPage(width, height = 900) {
      const page = await ready(browser).newPage({ viewport: { width, height } });
      await watch(page);
      return page;
    },
    watch,
  };
}
