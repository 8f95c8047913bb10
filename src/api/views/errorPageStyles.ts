/**
 * The staff error page's styles: one centred card with the message and the way back, as the sign-in page.
 */

/** CSS for the staff error page (a constant; no user data). */
export const ERROR_PAGE_CSS = `
.error-page { min-height: 100vh; display: grid; place-items: center; padding: 24px; }
.error-card { width: min(520px, 100%); padding: 32px; display: grid; gap: 16px; }
.error-card h1 { font-size: 1.5rem; }
.error-card .status { color: var(--muted); font-size: .95rem; }
.error-card .message { font-size: 1.1rem; overflow-wrap: anywhere; }
.error-card .btn { justify-self: start; }
`;
