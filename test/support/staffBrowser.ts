/**
 * Staff pages in a real browser (playwright-core): signing in as staff do, and telling a live update
 * from a reload.
 */
import type { Page } from 'playwright-core';

/**
 * Opens staff page `url` on `page`, signs in with `password` on the sign-in page it is sent to, and
 * waits until the page is back, signed in (its staff navigation shows).
 */
export async function signInTo(page: Page, url: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Staff pages' }).waitFor();
}

/** Marks the page's document, so a reload (which would drop the mark) is noticed by `marker`. */
export const markPage = (page: Page): Promise<void> => page.evaluate(() => void ((globalThis as { __marker?: string }).__marker = 'same page'));

/** `'same page'` while the document `markPage` marked is still the one shown; undefined after a reload. */
export const marker = (page: Page): Promise<string | undefined> => page.evaluate(() => (globalThis as { __marker?: string }).__marker);
