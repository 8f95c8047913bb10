/**
 * The Cancellations page's styles: the list page frame and forms it shares with the Waitlist page
 * (`LIST_PAGE_CSS`), one card per cancellation with its offers one a row, status pills and the hold
 * countdowns in tabular figures so they do not jiggle as they tick.
 */
import { LIST_PAGE_CSS } from './waitlistStyles.js';

/** CSS for the Cancellations page (a constant; no user data). */
export const CANCELLATIONS_CSS = `${LIST_PAGE_CSS}
.lists { display: grid; gap: 18px; }
.list h2 { font-size: 1.25rem; }
.cancellations { list-style: none; margin: 0; padding: 0; display: grid; gap: 12px; }
.cancellation { padding: 16px 18px; display: grid; gap: 12px; }
.cancellation-top { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 14px; }
.slot { font-size: 1.25rem; font-weight: 750; }
.pill-filled, .pill-accepted { background: #dcfce7; color: #166534; }
.pill-expired, .pill-aborted, .pill-declined, .pill-canceled, .pill-failed { background: #eef2f1; color: var(--muted); }
.pill-failed { background: var(--danger-soft); color: var(--danger); }
.pill-pending { background: var(--next-soft); color: var(--next); }
.offers { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
.offer { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 12px; padding: 8px 10px; border: 1px solid var(--line); border-radius: 10px; }
.offer .phone { font-weight: 600; white-space: nowrap; }
.hold { margin-left: auto; font-weight: 800; font-variant-numeric: tabular-nums; color: var(--next); white-space: nowrap; }
.confirm { justify-self: start; }
`;
