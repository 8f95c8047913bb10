/**
 * The Waitlist page's styles: one card per entry with its rank, score and the parts of the score,
 * touch-sized controls, forms that stack on a phone and sit side by side on a tablet. Shared by the
 * Cancellations page for its forms, flashes and confirm questions (`LIST_PAGE_CSS`).
 */

/** CSS both list pages share (Waitlist, Cancellations): page frame, flashes, forms, confirm questions. */
export const LIST_PAGE_CSS = `
.page { max-width: 1100px; margin: 0 auto; padding: 20px 24px 40px; display: grid; gap: 18px; }
.muted { color: var(--muted); font-weight: 400; }
.flash { padding: .85em 1.1em; border-radius: var(--radius); font-weight: 500; }
.flash-ok { background: var(--accent-soft); color: #0b5f58; border: 1px solid #a7dcd3; }
.board, .list { display: grid; gap: 14px; }
.board-head { display: grid; gap: 4px; }
.board-head h2 { font-size: 1.25rem; }
.pill { padding: 3px 12px; border-radius: 999px; background: var(--accent-soft); color: var(--accent); font-weight: 700; white-space: nowrap; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 6px 18px; margin: 0; }
.facts dt { color: var(--muted); font-size: .8rem; font-weight: 600; text-transform: uppercase; letter-spacing: .05em; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
details > summary { list-style: none; }
details > summary::-webkit-details-marker { display: none; }
.confirm[open] summary { background: var(--danger-soft); }
.confirm-form { display: grid; gap: 8px; margin-top: 8px; padding: 10px; border: 1px solid #f1c4bf; border-radius: 10px; background: var(--danger-soft); }
.confirm-form p { color: var(--danger); font-weight: 600; }
.confirm .confirm-form .btn { background: var(--danger); color: #ffffff; border-color: var(--danger); }
input, select, textarea { min-height: 44px; padding: 0 10px; border: 1px solid #b9c6c3; border-radius: 10px; background: var(--surface); font: inherit; color: inherit; max-width: 100%; min-width: 0; }
textarea { padding: 8px 10px; resize: vertical; }
select:focus-visible, summary:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.empty { padding: 28px 12px; text-align: center; color: var(--muted); border: 2px dashed #cfdad8; border-radius: var(--radius); }
.add { padding: 18px; display: grid; gap: 14px; }
.add h2 { font-size: 1.2rem; }
.entry-form { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px 16px; }
/* One column that may shrink below its content: an auto column grows to a date-time input's or a long select's width and runs over the next field. */
.field { display: grid; grid-template-columns: minmax(0, 1fr); gap: 4px; align-content: start; min-width: 0; }
.field label, .field legend { font-size: .9rem; font-weight: 600; }
fieldset.field { margin: 0; padding: 0; border: 0; }
.check { display: flex; align-items: center; gap: 8px; min-height: 44px; font-weight: 600; }
.check input { flex: none; min-height: 0; width: 22px; height: 22px; }
.field-error input, .field-error select, .field-error textarea { border-color: var(--danger); }
.field-message { color: var(--danger); font-weight: 600; font-size: .92rem; }
.form-submit { display: flex; align-items: end; }
.form-submit .btn { width: 100%; }
@media (max-width: 640px) {
  .page { padding: 16px; }
}
`;

/** CSS for the Waitlist page (a constant; no user data). */
export const WAITLIST_CSS = `${LIST_PAGE_CSS}
.entries { list-style: none; margin: 0; padding: 0; display: grid; gap: 12px; }
.entry { padding: 16px 18px; display: grid; gap: 12px; }
.entry-top { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 14px; }
.rank { font-size: 1.1rem; font-weight: 800; color: var(--muted); font-variant-numeric: tabular-nums; }
/* A name typed as one long word breaks inside the card rather than widen the page. */
.entry-name { font-size: 1.25rem; font-weight: 650; min-width: 0; overflow-wrap: anywhere; }
.entry-name .phone { font-size: 1rem; font-weight: 500; color: var(--muted); white-space: nowrap; }
.score { margin-left: auto; white-space: nowrap; }
.score-value { font-size: 1.6rem; font-weight: 800; font-variant-numeric: tabular-nums; }
.pill-urgent { background: var(--danger-soft); color: var(--danger); }
.parts { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; }
.part { display: flex; gap: 6px; padding: 4px 10px; border-radius: 999px; background: var(--accent-soft); color: #0b5f58; font-size: .92rem; }
.part dt { font-weight: 500; }
.part dd { margin: 0; font-weight: 800; font-variant-numeric: tabular-nums; }
.part-zero { background: #eef2f1; color: var(--muted); }
.entry-actions, .actions { display: flex; flex-wrap: wrap; align-items: end; gap: 10px; }
.boost-form { display: flex; flex-wrap: wrap; align-items: end; gap: 8px; }
.boost-form label { flex-basis: 100%; font-size: .9rem; font-weight: 600; }
.boost-form input { width: 6em; }
.edit[open] { flex-basis: 100%; }
.edit[open] summary { background: var(--accent-soft); }
.edit .entry-form { margin-top: 10px; padding: 12px; border: 1px solid var(--line); border-radius: 10px; }
`;
