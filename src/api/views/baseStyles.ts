/**
 * The styles every page shares: colours, type, buttons, banners and cards. Served as
 * `/admin/assets/base.css` (staffAssets.ts).
 */

/** CSS for every page (a constant; no user data). */
export const BASE_CSS = `
:root {
  --bg: #f3f6f5; --surface: #ffffff; --ink: #1d2b2f; --muted: #5d6f73; --line: #dde5e3;
  --accent: #0f766e; --accent-ink: #ffffff; --accent-soft: #e0f2ef;
  --next: #92400e; --next-soft: #fdf0dc; --room: #4338ca; --room-soft: #e8e8fb;
  --danger: #b42318; --danger-soft: #fdecea; --radius: 14px;
  /* The keyboard focus ring: at least 3:1 against the page and the cards (WCAG 1.4.11). */
  --focus: #0b5f58;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; min-height: 100vh; background: var(--bg); color: var(--ink);
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
h1, h2, h3, p { margin: 0; }
a { color: var(--accent); }
button, input, textarea { font: inherit; color: inherit; }
.btn {
  display: inline-flex; align-items: center; justify-content: center; gap: .4em;
  min-height: 48px; padding: 0 1.1em; border-radius: 10px; border: 1px solid transparent;
  font-weight: 600; font-size: 1rem; cursor: pointer; text-decoration: none; touch-action: manipulation;
  transition: background-color .15s, border-color .15s, opacity .15s;
}
/* :focus-within too: a date or time field's own calendar or clock button takes focus inside the field, where :focus-visible does not reach. */
.btn:focus-visible, input:focus-visible, input:focus-within, textarea:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
/* A card or list a live page's script focused when the control that had focus went away (keepFocusScript.ts). */
[tabindex="-1"]:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.btn-primary { background: var(--accent); color: var(--accent-ink); }
.btn-primary:hover { background: #0b5f58; }
.btn-quiet { background: var(--surface); color: var(--ink); border-color: var(--line); }
.btn-quiet:hover { border-color: #b9c6c3; }
.btn-danger { background: var(--surface); color: var(--danger); border-color: #f1c4bf; }
.btn-danger:hover { background: var(--danger-soft); }
.btn[disabled] { opacity: .55; cursor: progress; }
.banner {
  display: flex; align-items: center; gap: .75em; padding: .85em 1.1em; border-radius: var(--radius);
  background: var(--danger-soft); color: var(--danger); border: 1px solid #f1c4bf; font-weight: 500;
}
.banner[hidden] { display: none; }
.card { background: var(--surface); border: 1px solid var(--line); border-radius: var(--radius); box-shadow: 0 1px 2px rgba(16, 40, 36, .05); }
/* A refusal shown in the card it concerns (cardError.ts). */
.card-error {
  margin: 10px 0 0; padding: .6em .85em; border-radius: 10px; background: var(--danger-soft); color: var(--danger);
  border: 1px solid #f1c4bf; font-weight: 600; font-size: .95rem;
}
/* A change's outcome shown in the card it concerns (cardNotice.ts). */
.card-notice {
  margin: 0; padding: .6em .85em; border-radius: 10px; background: var(--accent-soft); color: #0b5f58;
  border: 1px solid #a7dcd3; font-weight: 600; font-size: .95rem;
}
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
