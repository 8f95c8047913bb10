/**
 * The sign-in page's styles: one centred card with a large password field.
 */

/** CSS for the sign-in page (a constant; no user data). */
export const LOGIN_CSS = `
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
