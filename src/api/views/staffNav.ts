/**
 * The top bar every signed-in `/admin/…` page shares: the clinic's name, one navigation (Queue,
 * Appointments, Waitlist, Cancellations, Messages, Numbers, Settings, and Phone while the console provider is in use) with the current page marked, and
 * sign-out. Plain links and a form, so it works by keyboard and without JavaScript; on a phone the
 * links take a row of their own.
 */
import { html, raw } from 'hono/html';
import { MAIN_CLINIC_SLUG } from '../../clinics/clinics.js';
import type { Html } from './layout.js';

/** The staff pages the navigation links to. */
export type StaffPage = 'queue' | 'appointments' | 'waitlist' | 'cancellations' | 'messages' | 'numbers' | 'settings' | 'phone';

const LINKS: readonly { page: StaffPage; label: string; path: string }[] = [
  { page: 'queue', label: 'Queue', path: '/admin/board' },
  { page: 'appointments', label: 'Appointments', path: '/admin/appointments' },
  { page: 'waitlist', label: 'Waitlist', path: '/admin/waitlist' },
  { page: 'cancellations', label: 'Cancellations', path: '/admin/cancellations' },
  { page: 'messages', label: 'Messages', path: '/admin/messages' },
  { page: 'numbers', label: 'Numbers', path: '/admin/numbers' },
  { page: 'settings', label: 'Settings', path: '/admin/settings' },
  { page: 'phone', label: 'Phone', path: '/admin/phone' },
];

/** The staff page `path` is, or is under (`/admin/appointments/7/move` → Appointments), as the navigation names it; undefined for none. */
export function staffPageAt(path: string): { label: string; path: string } | undefined {
  return LINKS.find((link) => path === link.path || path.startsWith(`${link.path}/`));
}

/** What the top bar shows. */
export interface StaffHeader {
  clinic: { name: string; slug: string };
  /** The page being shown: its link is marked `aria-current="page"`. */
  current: StaffPage;
  /** The page's own line under the clinic's name, e.g. "Walk-in board". */
  subtitle: string;
  /** Whether the phone simulator exists (the console provider is in use). */
  showPhone: boolean;
  /** Page-specific status next to sign-out (a live page's `renderLiveStatus()`). */
  status?: Html;
}

/** `path` for `slug`: `?clinic=` only for a clinic other than `main`, as every staff page takes it. */
function linkFor(path: string, slug: string): string {
  return slug === MAIN_CLINIC_SLUG ? path : `${path}?${new URLSearchParams({ clinic: slug }).toString()}`;
}

/** The top bar with the navigation and sign-out (style: `STAFF_HEADER_CSS`). */
export function renderStaffHeader(header: StaffHeader): Html {
  const links = LINKS.filter((link) => link.page !== 'phone' || header.showPhone);
  return html`<header class="topbar">
  <div class="brand">
    <h1>${header.clinic.name}</h1>
    <p>${header.subtitle}</p>
  </div>
  <nav class="staff-nav" aria-label="Staff pages">
    <ul>
      ${links.map(
        (link) =>
          html`<li><a href="${linkFor(link.path, header.clinic.slug)}"${link.page === header.current ? html` aria-current="page"` : null}>${link.label}</a></li>`,
      )}
    </ul>
  </nav>
  <div class="topbar-side">
    ${header.status ?? null}
    <form method="post" action="/admin/logout"><button class="btn btn-quiet" type="submit">Sign out</button></form>
  </div>
</header>`;
}

/**
 * The live indicator of a page fed by an event stream (the board, the Appointments page), for
 * `StaffHeader.status`: its script sets `data-state` (`live`, `paused` while a list page holds back
 * updates during an edit, `offline`) and the text (liveStreamScript.ts). A page that refreshes itself
 * without JavaScript gives `withoutScript`, what it says instead (`Refreshes every 30 s`): the
 * script's indicator stays hidden until the script shows it, so a page with JavaScript off never
 * claims to be connecting.
 */
export function renderLiveStatus(withoutScript?: string): Html {
  const badge = html`<span class="live" id="live" data-state="connecting" aria-live="polite"${withoutScript === undefined ? null : raw(' hidden')}><span class="dot"></span><span class="live-text">Connecting…</span></span>`;
  if (withoutScript === undefined) return badge;
  return html`${badge}<noscript><span class="live" data-state="refreshing"><span class="dot"></span><span class="live-text">${withoutScript}</span></span></noscript>`;
}

/** CSS for the top bar (a constant; no user data). */
export const STAFF_HEADER_CSS = `
.topbar {
  position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px;
  padding: 10px 24px; background: var(--surface); border-bottom: 1px solid var(--line);
}
.brand { flex: 0 1 auto; min-width: 0; }
.brand h1 { font-size: 1.35rem; letter-spacing: -.01em; }
.brand p { color: var(--muted); font-size: .95rem; }
.staff-nav { flex: 1 1 auto; }
.staff-nav ul { display: flex; flex-wrap: wrap; gap: 6px; margin: 0; padding: 0; list-style: none; }
.staff-nav a {
  display: inline-flex; align-items: center; min-height: 44px; padding: 0 14px; border-radius: 10px;
  color: var(--ink); font-weight: 600; text-decoration: none; white-space: nowrap;
}
.staff-nav a:hover { background: var(--accent-soft); }
.staff-nav a:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.staff-nav a[aria-current="page"] { background: var(--accent); color: var(--accent-ink); }
.topbar-side { display: flex; align-items: center; gap: 16px; margin-left: auto; }
.live { display: inline-flex; align-items: center; gap: 8px; color: var(--muted); font-size: .95rem; font-weight: 500; }
.live[hidden] { display: none; }
.live .dot { width: 10px; height: 10px; border-radius: 50%; background: #c5ced0; }
.live[data-state="live"] .dot { background: #16a34a; box-shadow: 0 0 0 4px #dcfce7; }
.live[data-state="paused"] .dot { background: #2563eb; box-shadow: 0 0 0 4px #dbeafe; }
.live[data-state="offline"] .dot { background: #d97706; box-shadow: 0 0 0 4px #fef3c7; }
/* Whatever the page scrolls to shows below the sticky bar, not under it: a card it opens at
   (#appointment-7, cardNotice.ts), a section, and the field or button Tab or Shift+Tab reaches (WCAG
   2.4.11). As tall as the bar gets at each width: its links take two rows below 1024 px. */
html { scroll-padding-top: 15.5rem; }
@media (min-width: 1024px) { html { scroll-padding-top: 12.5rem; } }
@media (min-width: 1280px) { html { scroll-padding-top: 10rem; } }
@media (max-width: 640px) {
  html { scroll-padding-top: 16px; }
  .topbar { padding: 8px 16px; position: static; }
  .staff-nav { order: 3; flex-basis: 100%; overflow-x: auto; }
  .staff-nav ul { gap: 4px; flex-wrap: wrap; }
}
`;
