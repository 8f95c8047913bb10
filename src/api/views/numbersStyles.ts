/**
 * The Numbers page's styles: the date range form, one card per chart with its table beneath. Column
 * headings and row names wrap and numbers do not, so a table fits its card on a desktop, where two
 * cards share a row (the delivery table's six columns included); on a phone a table still too wide
 * scrolls within its card, never the page.
 */

/** CSS for the Numbers page (a constant; no user data). */
export const NUMBERS_CSS = `
.page { max-width: 1100px; margin: 0 auto; padding: 20px 24px 40px; display: grid; grid-template-columns: minmax(0, 1fr); gap: 18px; }
.muted { color: var(--muted); font-weight: 400; }
.range { padding: 16px 18px; display: grid; gap: 10px; }
.range-form { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 10px 16px; align-items: end; }
.field { display: grid; gap: 4px; }
.field label { font-size: .9rem; font-weight: 600; }
.field-error input { border-color: var(--danger); }
.field-message { color: var(--danger); font-weight: 600; font-size: .92rem; }
input { min-height: 44px; padding: 0 10px; border: 1px solid #b9c6c3; border-radius: 10px; background: var(--surface); font: inherit; color: inherit; width: 100%; }
.range-form .btn { width: 100%; }
.presets { display: flex; flex-wrap: wrap; gap: 6px 16px; }
.presets a { display: inline-flex; align-items: center; min-height: 44px; font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 460px), 1fr)); gap: 18px; }
.chart { padding: 16px 18px; display: grid; grid-template-columns: minmax(0, 1fr); gap: 12px; margin: 0; min-width: 0; }
.chart h2 { font-size: 1.15rem; }
/* Chart.js sizes the canvas to this box (responsive); minmax(0, 1fr) above lets the box shrink again. */
.chart-box { position: relative; height: 260px; }
.summary { font-size: 1.6rem; font-weight: 800; font-variant-numeric: tabular-nums; }
.summary span { font-size: .95rem; font-weight: 500; color: var(--muted); }
.table-scroll { overflow: auto; max-height: 320px; }
.table-scroll:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.table { width: 100%; border-collapse: collapse; font-size: .93rem; }
.table th, .table td { text-align: right; padding: 6px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; font-variant-numeric: tabular-nums; }
.table th:first-child, .table td:first-child { text-align: left; }
.table tbody th, .table tfoot th { white-space: normal; overflow-wrap: break-word; }
.table thead th {
  position: sticky; top: 0; background: var(--surface); color: var(--muted); font-size: .82rem;
  white-space: normal; vertical-align: bottom;
}
.table tfoot th, .table tfoot td { font-weight: 700; border-top: 2px solid var(--line); }
.note { font-size: .88rem; }
@media (max-width: 640px) {
  .page { padding: 16px; }
  .chart { padding: 14px; }
  .chart-box { height: 220px; }
  .table th, .table td { padding: 6px 5px; }
}
`;
