/**
 * The staff sign-in page for the board.
 */
import { html } from 'hono/html';
import { renderLayout, type Html } from './layout.js';

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
    <label class="field">Password
      <input type="password" name="password" autocomplete="current-password" required autofocus>
    </label>
    <input type="hidden" name="next" value="${view.next}">
    <button class="btn btn-primary" type="submit">Sign in</button>
  </form>
</main>`,
  });
}
