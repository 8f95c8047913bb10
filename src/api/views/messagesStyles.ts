/**
 * The Messages and calls page's styles: a filter bar that wraps on a phone, one card per entry, the
 * status as a coloured pill, touch-sized "Show number" buttons.
 */

/** CSS for the Messages and calls page (a constant; no user data). */
export const MESSAGES_CSS = `
.page { max-width: 1100px; margin: 0 auto; padding: 20px 24px 40px; display: grid; gap: 16px; }
.muted { color: var(--muted); font-weight: 400; }
.filters { padding: 16px; display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px 14px; align-items: end; }
.filters .field { display: grid; gap: 4px; font-size: .9rem; font-weight: 600; }
.filters input, .filters select { width: 100%; min-width: 0; }
.filters-actions { display: flex; gap: 8px; }
.filters-actions .btn { flex: 1 1 auto; padding: 0 .8em; }
input, select { min-height: 44px; padding: 0 10px; border: 1px solid #b9c6c3; border-radius: 10px; background: var(--surface); font: inherit; color: inherit; }
select:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.field-error input, .field-error select { border-color: var(--danger); }
.log { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px; }
.entry { padding: 12px 16px; display: grid; gap: 8px; }
.entry-top { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 12px; }
.entry-time { font-weight: 700; font-variant-numeric: tabular-nums; }
.entry-way { color: var(--muted); font-weight: 600; }
.pill { padding: 2px 10px; border-radius: 999px; background: var(--accent-soft); color: var(--accent); font-weight: 700; white-space: nowrap; }
.pill-bad { background: var(--danger-soft); color: var(--danger); }
.error-code { color: var(--danger); font-weight: 600; }
.entry-phone { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; }
.phone { font-variant-numeric: tabular-nums; font-weight: 600; letter-spacing: .02em; }
.phone-revealed { background: var(--next-soft); color: var(--next); padding: 2px 8px; border-radius: 8px; }
.entry-phone .btn { min-height: 44px; padding: 0 14px; font-size: .95rem; }
.entry-body { white-space: pre-wrap; overflow-wrap: anywhere; }
.entry-note { color: var(--muted); font-size: .92rem; }
.empty { padding: 28px 12px; text-align: center; color: var(--muted); border: 2px dashed #cfdad8; border-radius: var(--radius); }
.pager { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 10px; }
@media (max-width: 640px) {
  .page { padding: 16px; }
}
`;
