/**
 * A receptionist who works by keyboard: wherever Tab or Shift+Tab takes her on a staff page, she can see
 * the control she is on — its focus ring stands out from the page (WCAG 1.4.11, 3:1) and the sticky top
 * bar never covers it (WCAG 2.4.11), at tablet and desktop widths.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite } from '../support/browserSuite.js';
import { signInTo } from '../support/staffBrowser.js';

const suite = browserSuite();

/** What the page shows of the focused control: its place against the top bar's, and its focus ring's colour. */
interface FocusSeen {
  what: string;
  inTopBar: boolean;
  top: number;
  /** Whether it is taller than the window below the bar (a scrolling table): then only its top may be out of view. */
  tall: boolean;
  barBottom: number;
  outline: string;
}

const focusSeen = (page: Page): Promise<FocusSeen> =>
  page.locator('body').evaluate((body) => {
    const doc = body.ownerDocument;
    const win = doc.defaultView!;
    const at = doc.activeElement ?? body;
    const bar = doc.querySelector('.topbar')!.getBoundingClientRect();
    const style = win.getComputedStyle(at);
    return {
      what: `${at.tagName.toLowerCase()} ${at.getAttribute('name') ?? at.textContent?.trim().slice(0, 30) ?? ''}`,
      inTopBar: at.closest('.topbar') !== null,
      top: Math.round(at.getBoundingClientRect().top),
      tall: at.getBoundingClientRect().height > win.innerHeight - bar.bottom,
      barBottom: Math.round(bar.bottom),
      outline: style.outlineStyle === 'none' ? 'none' : style.outlineColor,
    };
  });

/** WCAG relative luminance of `rgb(r, g, b)`. */
function luminance(rgb: string): number {
  const [r, g, b] = rgb
    .match(/\d+/g)!
    .slice(0, 3)
    .map((c) => {
      const s = Number(c) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two `rgb(…)` colours. */
function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

async function openSignedIn(path: string, width: number, height: number): Promise<Page> {
  const page = await suite.newPage(width, height);
  await signInTo(page, `${suite.baseUrl}${path}${path.includes('?') ? '&' : '?'}clinic=${suite.stack.clinic.slug}`, suite.stack.adminPassword);
  return page;
}

describe('a receptionist working by keyboard', () => {
  it.each([800, 1280])('sees every control Tab and Shift+Tab reach below the top bar, with a ring that stands out, at %i px', async (width) => {
    const page = await openSignedIn('/admin/settings', width, 700);
    const background = await page.locator('body').evaluate((body) => body.ownerDocument.defaultView!.getComputedStyle(body).backgroundColor);
    const hidden: string[] = [];
    const faint: string[] = [];
    const look = async () => {
      const seen = await focusSeen(page);
      if (!seen.inTopBar && !seen.tall && seen.top < seen.barBottom) hidden.push(`${seen.what} at ${seen.top} px, the bar ends at ${seen.barBottom} px`);
      // The ring shows on the page's background and on white cards alike.
      if (seen.outline === 'none' || Math.min(contrast(seen.outline, background), contrast(seen.outline, 'rgb(255, 255, 255)')) < 3)
        faint.push(`${seen.what}: ${seen.outline}`);
    };

    // Down the page from the top, then back up from its last button (Shift+Tab scrolls each control in at the top).
    for (let i = 0; i < 40; i += 1) {
      await page.keyboard.press('Tab');
      await look();
    }
    await page.locator('main button').last().focus();
    for (let i = 0; i < 60; i += 1) {
      await page.keyboard.press('Shift+Tab');
      await look();
    }
    expect(hidden, 'controls with keyboard focus under the sticky top bar').toEqual([]);
    expect([...new Set(faint)], 'focus rings under 3:1 against the page or a card').toEqual([]);
    await page.close();
  });
});
