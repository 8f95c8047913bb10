/**
 * The kiosk's styles: one large card, a huge button and a huge ticket code, readable from a step away.
 */

/** CSS for the kiosk pages (a constant; no user data). */
export const KIOSK_CSS = `
body { background: linear-gradient(180deg, #e6f2ef 0%, var(--bg) 55%); }
.kiosk { min-height: 100vh; display: grid; place-items: center; padding: 32px 20px; }
.kiosk-card { width: min(640px, 100%); padding: 40px 36px; display: grid; gap: 24px; text-align: center; }
.kiosk-card h1 { font-size: clamp(1.9rem, 4vw, 2.6rem); letter-spacing: -.015em; }
.lead { color: var(--muted); font-size: 1.2rem; }
.kiosk-form { display: grid; gap: 20px; text-align: left; }
.kiosk-form label { display: grid; gap: 8px; font-weight: 600; font-size: 1.1rem; }
.kiosk-form textarea {
  min-height: 96px; padding: 14px 16px; border: 1px solid var(--line); border-radius: 12px; background: #fbfcfc;
  font-size: 1.15rem; resize: vertical;
}
.kiosk-form textarea[aria-invalid="true"] { border-color: var(--danger); }
.hint { color: var(--muted); font-weight: 400; font-size: .95rem; }
.btn-huge { width: 100%; min-height: 96px; font-size: 2rem; border-radius: 18px; }
.ticket-label { color: var(--muted); font-size: 1.2rem; font-weight: 600; text-transform: uppercase; letter-spacing: .12em; }
.ticket-code {
  font-size: clamp(6rem, 24vw, 11rem); font-weight: 850; line-height: 1; color: var(--accent);
  letter-spacing: .02em; font-variant-numeric: tabular-nums;
}
.standing { font-size: 1.5rem; font-weight: 600; }
.return-note { display: grid; justify-items: center; gap: 10px; color: var(--muted); font-size: .95rem; }
`;
