/**
 * The staff sign-in page for the board.
 */
import { html } from 'hono/html';
import { renderLayout, type Html } from './layout.js';

const LOGIN_CSS = `
.login { min-height: 100vh; display: grid; place-items: center; padding: 24px; }
.login-card { width: min(420px, 100%); padding: 32px; display: grid; gap: 20px; }
.login-card h1 { font-size: 1.5rem; }
.login-card p { color: var(--muted); }
.field { display: grid; gap: 6px; font-weight: 600; }
.field input {
  min-height: 52px; padding: 0 14px; border: 1px solid var(--line); border-radius: 10px; background: #fbfcfc; font-size: 1.1rem;
}
.login-card .btn { width: 100%; font-size: 1.1rem; }
`;

/** The sign-in form posting to `/admin/login`; `next` is where to go afterwards, `error` is shown above. */
export function renderLoginPage(view: { next: string; error?: string }): Html {
  return renderLayout({
    title: 'Sign in · Frontdesk',
    styles: LOGIN_CSS,
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
