/**
 * The staff sign-in page for the board.
 */
import { html } from 'hono/html';
import { renderLayout, type Html } from './layout.js';

/**
 * The name password managers file the staff password under, in the sign-in form's hidden username
 * field: staff share one password and sign in with no name, but a password form with no username
 * field cannot be saved by a password manager, and Chromium warns of it (chromium.org, "Create
 * amazing password forms"). The server ignores the field.
 */
const STAFF_USERNAME = 'staff';

/** The sign-in form posting to `/admin/login`; `next` is where to go afterwards, `error` is shown above. */
export function renderLoginPage(view: { next: string; error?: string }): Html {
  return renderLayout({
    title: 'Sign in · Frontdesk',
    styles: ['login.css'],
    body: html`<main class="login">
  <form class="card login-card" method="post" action="/admin/login">
    <div>
      <h1>Front desk board</h1>
      <p>Staff sign-in</p>
    </div>
    ${view.error === undefined ? null : html`<div class="banner" role="alert">${view.error}</div>`}
    <input type="text" name="username" value="${STAFF_USERNAME}" autocomplete="username" readonly hidden>
    <label class="field">Password
      <input type="password" name="password" autocomplete="current-password" required autofocus>
    </label>
    <input type="hidden" name="next" value="${view.next}">
    <button class="btn btn-primary" type="submit">Sign in</button>
  </form>
</main>`,
  });
}
