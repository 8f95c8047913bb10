/**
 * The board's styles: calm colours, large type for ticket codes and touch-sized buttons, readable on a
 * tablet at the front desk.
 */

/** CSS for the board page (a constant; no user data). */
export const BOARD_CSS = `
.page { max-width: 1400px; margin: 0 auto; padding: 20px 24px 40px; display: grid; gap: 18px; }
.banner-close {
  margin-left: auto; min-width: 40px; min-height: 40px; border: 0; background: none; color: inherit;
  font-size: 1.5rem; line-height: 1; cursor: pointer; border-radius: 8px;
}
#board { display: grid; gap: 18px; }
.summary { display: flex; flex-wrap: wrap; gap: 12px; }
.stat {
  display: grid; min-width: 120px; padding: 12px 18px; background: var(--surface);
  border: 1px solid var(--line); border-radius: var(--radius);
}
.stat-n { font-size: 1.75rem; font-weight: 750; line-height: 1.1; font-variant-numeric: tabular-nums; }
.stat-n small { font-size: .9rem; font-weight: 600; color: var(--muted); }
.stat-note { color: var(--muted); font-size: .8rem; }
.stat-l { color: var(--muted); font-size: .8rem; font-weight: 600; text-transform: uppercase; letter-spacing: .06em; }
.stat-quiet { background: transparent; }
.rooms-row { display: flex; align-items: center; gap: 10px; }
.step { min-width: 44px; padding: 0; border-radius: 50%; font-size: 1.35rem; line-height: 1; }
.step[disabled] { cursor: not-allowed; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(290px, 1fr)); gap: 18px; align-items: start; }
.column { background: #e9efee; border-radius: calc(var(--radius) + 4px); padding: 14px; border-top: 5px solid var(--accent); }
.column-next { border-top-color: var(--next); }
.column-in_room { border-top-color: var(--room); }
.column-head { display: flex; align-items: center; justify-content: space-between; padding: 2px 4px 12px; }
.column-head h2 { font-size: 1rem; text-transform: uppercase; letter-spacing: .08em; }
.count {
  min-width: 2em; padding: 2px 10px; border-radius: 999px; background: var(--surface); text-align: center;
  font-weight: 700; font-variant-numeric: tabular-nums;
}
.tickets { list-style: none; margin: 0; padding: 0; display: grid; gap: 12px; }
.ticket { padding: 16px 18px; }
.ticket-top { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px 12px; }
.code { font-size: 2.75rem; font-weight: 800; line-height: 1; letter-spacing: .01em; font-variant-numeric: tabular-nums; }
.standing { display: flex; flex-wrap: wrap; justify-content: flex-end; align-items: center; gap: 6px 8px; margin-left: auto; text-align: right; }
.pill {
  padding: 4px 12px; border-radius: 999px; background: var(--accent-soft); color: var(--accent);
  font-weight: 700; font-variant-numeric: tabular-nums; white-space: nowrap;
}
.pill-next { background: var(--next-soft); color: var(--next); }
.pill-room { background: var(--room-soft); color: var(--room); }
.eta { color: var(--muted); font-weight: 600; white-space: nowrap; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 10px; color: var(--muted); font-size: .95rem; }
.waited { font-weight: 600; color: var(--ink); font-variant-numeric: tabular-nums; }
.note {
  margin-top: 10px; padding: 8px 12px; border-radius: 8px; background: #f5f8f7; border-left: 3px solid #c9d6d3;
  white-space: pre-wrap; overflow-wrap: anywhere;
}
.workflow-link { display: inline-block; margin-top: 10px; font-size: .9rem; }
.actions { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 14px; }
.actions form { flex: 1 1 120px; }
.actions .btn { width: 100%; min-height: 52px; font-size: 1.05rem; }
.empty { padding: 28px 12px; text-align: center; color: var(--muted); border: 2px dashed #cfdad8; border-radius: var(--radius); }
@media (max-width: 640px) {
  .page { padding: 16px; }
  .code { font-size: 2.25rem; }
  /* Two tiles a row, each as wide as the other, rather than a ragged row of one or two. */
  .summary { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 10px; }
  .stat { min-width: 0; padding: 10px 14px; }
  .stat-l { letter-spacing: .03em; overflow-wrap: anywhere; }
  .columns { grid-template-columns: minmax(0, 1fr); }
  .column { padding: 10px; }
  .ticket { padding: 14px; }
}
`;
