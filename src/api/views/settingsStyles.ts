/**
 * The Settings page's styles: one card per section, fields that stack on a phone and sit side by
 * side on a tablet, the template preview as a text bubble, and tables that scroll within their card.
 */

/** CSS for the Settings page (a constant; no user data). */
export const SETTINGS_CSS = `
.page { max-width: 1000px; margin: 0 auto; padding: 20px 24px 40px; display: grid; gap: 18px; }
.muted { color: var(--muted); font-weight: 400; }
.small { font-size: .88rem; }
.flash { padding: .85em 1.1em; border-radius: var(--radius); font-weight: 500; }
.flash-ok { background: var(--accent-soft); color: #0b5f58; border: 1px solid #a7dcd3; }
.jump { display: flex; flex-wrap: wrap; gap: 6px 14px; }
.jump a { display: inline-flex; align-items: center; min-height: 44px; font-weight: 600; }
.section { padding: 18px; display: grid; gap: 14px; min-width: 0; }
.section h2 { font-size: 1.2rem; }
.field { display: grid; gap: 4px; align-content: start; min-width: 0; }
.field[hidden] { display: none; }
.field label, .rule legend, .days legend { font-size: .9rem; font-weight: 600; }
input, select, textarea { min-height: 44px; padding: 0 10px; border: 1px solid #b9c6c3; border-radius: 10px; background: var(--surface); font: inherit; color: inherit; width: 100%; }
textarea { padding: 10px; line-height: 1.4; resize: vertical; }
input[type="checkbox"] { width: 22px; min-height: 22px; height: 22px; margin: 0; accent-color: var(--accent); }
select:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.field-error input, .field-error select, .field-error textarea { border-color: var(--danger); }
.field-message { color: var(--danger); font-weight: 600; font-size: .92rem; }
.selector { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px 16px; align-items: end; }
.field-button .btn, .actions .btn { width: 100%; }
.editor { display: grid; gap: 12px; }
.preview { display: grid; gap: 6px; padding: 14px 16px; border-radius: var(--radius); background: var(--accent-soft); border: 1px solid #a7dcd3; }
.preview-label { font-size: .8rem; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; color: #0b5f58; }
.preview-text { white-space: pre-wrap; overflow-wrap: anywhere; padding: 10px 14px; border-radius: 16px 16px 16px 4px; background: var(--surface); }
.preview-size { font-weight: 600; font-variant-numeric: tabular-nums; }
.warning { padding: .6em .9em; border-radius: 10px; background: var(--next-soft); color: #7c3a06; border: 1px solid #f3c98b; font-weight: 600; }
.table-scroll { overflow-x: auto; }
.table-scroll:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.table { width: 100%; border-collapse: collapse; font-size: .95rem; }
.table caption { text-align: left; font-weight: 600; padding-bottom: 6px; }
.table th, .table td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
.table thead th { color: var(--muted); font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; }
.table tr[aria-current] { background: var(--accent-soft); }
.table a { display: inline-flex; min-height: 28px; align-items: center; }
.over { color: #7c3a06; font-weight: 700; }
.sid { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; overflow-wrap: anywhere; }
.var { white-space: nowrap; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; }
.rules { display: grid; gap: 10px; }
.rule { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 8px 14px; margin: 0; padding: 10px 12px 12px; border: 1px solid var(--line); border-radius: 12px; }
.rule.field-error { border-color: var(--danger); }
.rule .field-message { grid-column: 1 / -1; }
.grid-form { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px 16px; }
.grid-form .actions { grid-column: 1 / -1; }
.days { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 0; padding: 10px 12px 12px; border: 1px solid var(--line); border-radius: 12px; }
.days.field-error { border-color: var(--danger); }
.days .field-message { flex-basis: 100%; }
.day { display: inline-flex; align-items: center; gap: 6px; min-height: 44px; font-weight: 500; }
.empty { padding: 16px 12px; text-align: center; color: var(--muted); border: 2px dashed #cfdad8; border-radius: var(--radius); }
@media (max-width: 640px) {
  .page { padding: 16px; }
  .section { padding: 14px; }
}
`;
