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

/** The page's name: its one heading and, after the refusal if any, its title. */
const PAGE_NAME = 'Staff sign-in';

/**
 * The sign-in form posting to `/admin/login`; `next` is where to go afterwards, `error` is shown above
 * and leads the title (`Sign-in refused · Staff sign-in · Frontdesk`), so a screen reader announcing the
 * page that came back says first that it was refused.
 */
export function renderLoginPage(view: { next: string; error?: string }): Html {
  return renderLayout({
    title: `${view.error === undefined ? '' : 'Sign-in refused · '}${PAGE_NAME} · Frontdesk`,
    styles: ['login.css'],
    body: html`<main class="login">
  <form class="card login-card" method="post" action="/admin/login" aria-labelledby="login-title">
    <div>
      <h1 id="login-title">${PAGE_NAME}</h1>
      <p>Frontdesk: the walk-in board and the clinic's pages</p>
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
