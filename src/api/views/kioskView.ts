/**
 * The waiting-room kiosk: a big "Get a ticket" button for people without a phone, the ticket it
 * gives (code large, place and wait), and the page for a busy kiosk.
 */
import { html, raw } from 'hono/html';
import type { TicketView } from '../../workflows/definitions.js';
import { renderLayout, type Html } from './layout.js';

/** How long the ticket page stays up before the kiosk returns to its start (seconds). */
export const KIOSK_RETURN_SECONDS = 30;
/** Longest note a kiosk visitor may leave (characters). */
export const KIOSK_NOTE_MAX = 140;

const KIOSK_CSS = `
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
.return-note { color: var(--muted); font-size: .95rem; }
`;

// A kiosk's back button (or the browser's page cache) must not bring back an old form: its key
// would hand the previous visitor's ticket to the next one.
const RELOAD_FROM_CACHE = `addEventListener('pageshow', (event) => { if (event.persisted) location.reload(); });`;

/** The start page: a note field and the big button posting to `joinUrl` with the one-time `nonce`. */
export function renderKioskHome(view: { clinicName: string; joinUrl: string; nonce: string; note?: string; error?: string }): Html {
  return renderLayout({
    title: `Get a ticket · ${view.clinicName}`,
    styles: KIOSK_CSS,
    body: html`<main class="kiosk">
  <div class="card kiosk-card">
    <div>
      <h1>${view.clinicName}</h1>
      <p class="lead">No phone needed. Take a ticket and we'll call your number.</p>
    </div>
    ${view.error === undefined ? null : html`<div class="banner" role="alert">${view.error}</div>`}
    <form class="kiosk-form" method="post" action="${view.joinUrl}">
      <input type="hidden" name="nonce" value="${view.nonce}">
      <label>Anything we should know? <span class="hint">Optional, up to ${KIOSK_NOTE_MAX} characters</span>
        <textarea name="note" maxlength="${KIOSK_NOTE_MAX}" rows="2"${view.error === undefined ? null : raw(' aria-invalid="true"')}>${view.note ?? ''}</textarea>
      </label>
      <button class="btn btn-primary btn-huge" type="submit">Get a ticket</button>
    </form>
  </div>
</main>
<script>${raw(RELOAD_FROM_CACHE)}</script>`,
  });
}

function standing(ticket: TicketView): string {
  if (ticket.state === 'next') return "It's your turn — please come to the front desk.";
  if (ticket.state === 'in_room') return "You're being seen now.";
  return `You're #${ticket.position ?? '?'} in line, estimated wait ${ticket.etaMinutes ?? '?'} min.`;
}

/** The ticket just taken: its code large, place and wait; returns to `homeUrl` after 30 s. */
export function renderKioskTicket(view: { clinicName: string; homeUrl: string; ticket: TicketView }): Html {
  return renderLayout({
    title: `Ticket ${view.ticket.code} · ${view.clinicName}`,
    styles: KIOSK_CSS,
    refresh: { seconds: KIOSK_RETURN_SECONDS, url: view.homeUrl },
    body: html`<main class="kiosk">
  <div class="card kiosk-card">
    <p class="ticket-label">Your ticket</p>
    <p class="ticket-code" data-ticket-code>${view.ticket.code}</p>
    <p class="standing">${standing(view.ticket)}</p>
    <p class="lead">Please take a seat. Remember your number: we'll call it out when it's your turn.</p>
    <a class="btn btn-primary btn-huge" href="${view.homeUrl}">Done</a>
    <p class="return-note">This screen returns to the start in ${KIOSK_RETURN_SECONDS} seconds.</p>
  </div>
</main>`,
  });
}

/** A full-page message with a way back to `homeUrl` (the kiosk is busy, or cannot give tickets now). */
export function renderKioskNotice(view: { title: string; message: string; homeUrl: string }): Html {
  return renderLayout({
    title: view.title,
    styles: KIOSK_CSS,
    refresh: { seconds: KIOSK_RETURN_SECONDS, url: view.homeUrl },
    body: html`<main class="kiosk">
  <div class="card kiosk-card">
    <h1>${view.title}</h1>
    <p class="lead">${view.message}</p>
    <a class="btn btn-quiet btn-huge" href="${view.homeUrl}">Back</a>
  </div>
</main>`,
  });
}
