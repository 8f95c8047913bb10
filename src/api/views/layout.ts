/**
 * The HTML document every page shares: head, the icon, the shared stylesheet and the page's own
 * stylesheets and scripts, all served as files from `/admin/assets/` (staffAssets.ts) so the Content-Security-Policy
 * needs no inline script or style. Values are escaped by Hono's `html` template.
 */
import { html } from 'hono/html';
import { staffAssetUrl, type StaffAssetName } from './staffAssets.js';

/** A rendered piece of HTML (Hono's escaped string, possibly still resolving). */
export type Html = ReturnType<typeof html>;

/**
 * A full page: `title` (escaped), the page's `styles` and `scripts` (names in the asset registry; base.css
 * comes first on every page, scripts run deferred, after the document is parsed) and `body`. No meta
 * refresh for a browser running scripts: axe counts a timed one as critical (WCAG 2.2.1); a page that
 * returns by itself does so in its script, where it can offer more time. A page its script keeps
 * current may give `refreshWithoutScript`: with JavaScript off (a `<noscript>` in the head, which a
 * browser running scripts reads as text), it loads `url` again every `seconds`.
 */
export function renderLayout(page: {
  title: string;
  styles: readonly StaffAssetName[];
  scripts?: readonly StaffAssetName[];
  refreshWithoutScript?: { seconds: number; url: string };
  body: Html;
}): Html {
  const refresh = page.refreshWithoutScript;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${page.title}</title>
<link rel="icon" href="${staffAssetUrl('favicon.svg')}" type="image/svg+xml">
${(['base.css', ...page.styles] as const).map((name) => html`<link rel="stylesheet" href="${staffAssetUrl(name)}">\n`)}${(page.scripts ?? []).map(
    (name) => html`<script src="${staffAssetUrl(name)}" defer></script>\n`,
  )}${refresh === undefined ? null : html`<noscript><meta http-equiv="refresh" content="${refresh.seconds}; url=${refresh.url}"></noscript>\n`}</head>
<body>
${page.body}
</body>
</html>`;
}
