/**
 * The browser tests' Chromium: Debian's (`/usr/bin/chromium`, apt-installed by `npm test` when
 * missing) or `CHROMIUM_PATH`, headless and offline-friendly (no background networking, no updates),
 * and the git-ignored folder in the checkout their screenshots go to.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Locator } from 'playwright-core';

/** Where screenshots go: `test-results/` in the checkout (git-ignored), made on first use. */
export function screenshotPath(file: string): string {
  const dir = path.resolve('test-results');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, file);
}

/**
 * Screenshots one element of a live list to `test-results/<file>`. The list swaps a card for a fresh
 * copy when anything on it changes (another test's booking on the shared stack), which detaches the
 * element mid-shot; the locator then finds the fresh copy, so this tries again, up to 5 times.
 * @throws the last error when every try failed, or at once on any other error.
 */
export async function screenshotOf(element: Locator, file: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await element.screenshot({ path: screenshotPath(file) });
      return;
    } catch (error) {
      if (attempt >= 5 || !(error instanceof Error) || !error.message.includes('not attached to the DOM')) throw error;
    }
  }
}

/** Launches headless Chromium. @throws when no Chromium is at CHROMIUM_PATH or /usr/bin/chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
