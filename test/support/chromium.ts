/**
 * The browser tests' Chromium: Debian's (`/usr/bin/chromium`, apt-installed by `npm test` when
 * missing) or `CHROMIUM_PATH`, headless and offline-friendly (no background networking, no updates),
 * and the git-ignored folder in the checkout their screenshots go to.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Where screenshots go: `test-results/` in the checkout (git-ignored), made on first use. */
export function screenshotPath(file: string): string {
  const dir = path.resolve('test-results');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, file);
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
