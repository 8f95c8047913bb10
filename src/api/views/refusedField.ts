/**
 * How a staff form that comes back refused (400, the page as typed) shows its refusal: the control it
 * names is marked invalid, described by its message, and takes focus as the page opens (`autofocus`,
 * no script needed), so the browser scrolls to it and a screen reader reads the label and the refusal.
 * Without that the page opens at its top, and a form far below it (the booking form under a day of
 * appointments, the Settings page's Hours section) looks as though nothing happened. One refusal per
 * page: only the refused form renders these. A refusal beside its control is read once, as that
 * control's description when focus lands: no alert (hidden or not) repeats it, or a screen reader
 * would announce it twice.
 */
import { html } from 'hono/html';
import type { Html } from './layout.js';

/**
 * The attributes of the control a refusal names, the message shown beside it having the id
 * `messageId`: ` aria-invalid="true" aria-describedby="<messageId>" autofocus` (WCAG 3.3.1).
 */
export function refusedControlAttrs(messageId: string): Html {
  return html` aria-invalid="true" aria-describedby="${messageId}" autofocus`;
}

/**
 * A refusal that names no field of its form, above the form's fields: an alert that takes focus as
 * the page opens (`tabindex="-1"`, so it can hold focus without joining the Tab order).
 */
export function renderUnplacedRefusal(message: string): Html {
  return html`<p class="field-message" role="alert" tabindex="-1" autofocus>${message}</p>`;
}
