/**
 * The Appointments page's styles: one card per appointment, touch-sized buttons, forms that stack
 * on a phone and sit side by side on a tablet.
 */

/** CSS for the Appointments page (a constant; no user data). */
export const APPOINTMENTS_CSS = `
.page { max-width: 1100px; margin: 0 auto; padding: 20px 24px 40px; display: grid; gap: 18px; }
.muted { color: var(--muted); font-weight: 400; }
.flash { padding: .85em 1.1em; border-radius: var(--radius); font-weight: 500; }
.flash-ok { background: var(--accent-soft); color: #0b5f58; border: 1px solid #a7dcd3; }
.day { display: grid; gap: 14px; }
.day-head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 10px; }
.day-head h2 { font-size: 1.25rem; }
.day-nav { display: flex; flex-wrap: wrap; gap: 8px; }
/* The day picker: a date field and its button (the field's look is the forms' own, below). */
.day-pick { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
.day-pick label { font-weight: 600; }
.appts { list-style: none; margin: 0; padding: 0; display: grid; gap: 12px; }
.appt { padding: 16px 18px; display: grid; gap: 12px; }
.appt-top { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 14px; }
.appt-time { font-size: 1.5rem; font-weight: 800; font-variant-numeric: tabular-nums; }
/* A name typed as one long word breaks inside the card rather than widen the page. */
.appt-name { font-size: 1.25rem; font-weight: 650; min-width: 0; overflow-wrap: anywhere; }
.pill { padding: 3px 12px; border-radius: 999px; background: var(--accent-soft); color: var(--accent); font-weight: 700; white-space: nowrap; }
.pill-confirmed { background: #dcfce7; color: #166534; }
.pill-cancelled, .pill-no_show { background: var(--danger-soft); color: var(--danger); }
.pill-visited { background: var(--room-soft); color: var(--room); }
.appt-facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 6px 18px; margin: 0; }
.appt-facts dt { color: var(--muted); font-size: .8rem; font-weight: 600; text-transform: uppercase; letter-spacing: .05em; }
.appt-facts dd { margin: 0; overflow-wrap: anywhere; }
.appt-call-back { margin: 0; padding: 10px 12px; border-radius: 10px; background: #fef3c7; color: #78350f; border: 1px solid #fcd34d; }
.appt-actions, .appt-forms { display: flex; flex-wrap: wrap; gap: 10px; }
.appt-actions form, .appt-actions .confirm { flex: 1 1 120px; }
.appt-actions .btn { width: 100%; }
.confirm summary { list-style: none; }
.confirm summary::-webkit-details-marker { display: none; }
.confirm[open] summary { background: var(--danger-soft); }
.confirm-form { display: grid; gap: 8px; margin-top: 8px; padding: 10px; border: 1px solid #f1c4bf; border-radius: 10px; background: var(--danger-soft); }
.confirm-form p { color: var(--danger); font-weight: 600; }
.confirm .confirm-form .btn { background: var(--danger); color: #ffffff; border-color: var(--danger); }
.inline-form { flex: 1 1 300px; display: flex; flex-wrap: wrap; align-items: end; gap: 8px; }
/* A field as wide as its date and time need (its content), else a row of its own: a fixed basis left a
   New time beside its button narrower than "12/07/2026, 11:00 AM" and its calendar button on a phone. */
.inline-form label { display: grid; gap: 4px; flex: 1 1 auto; font-size: .9rem; font-weight: 600; }
input, select { min-height: 44px; padding: 0 10px; border: 1px solid #b9c6c3; border-radius: 10px; background: var(--surface); font: inherit; color: inherit; max-width: 100%; min-width: 0; }
select:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.empty { padding: 28px 12px; text-align: center; color: var(--muted); border: 2px dashed #cfdad8; border-radius: var(--radius); }
.book { padding: 18px; display: grid; gap: 14px; }
.book h2 { font-size: 1.2rem; }
.book-form { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px 16px; }
/* One column that may shrink below its content: an auto column grows to a date-time input's width and runs over the next field. */
.field { display: grid; grid-template-columns: minmax(0, 1fr); gap: 4px; align-content: start; min-width: 0; }
.field label { font-size: .9rem; font-weight: 600; }
.field-error input, .field-error select { border-color: var(--danger); }
.field-message { color: var(--danger); font-weight: 600; font-size: .92rem; }
.book-submit { display: flex; align-items: end; }
.book-submit .btn { width: 100%; }
@media (max-width: 640px) {
  .page { padding: 16px; }
}
`;
