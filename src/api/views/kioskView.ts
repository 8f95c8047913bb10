/**
 * The waiting-room kiosk: a big "Get a ticket" button for people without a phone, the ticket it
 * gives (code large, place and wait), and the page for a busy kiosk.
 */
import { html, raw } from 'hono/html';
import { formatServiceDay } from '../../domain/serviceDay.js';
import type { TicketView } from '../../workflows/definitions.js';
import { renderLayout, type Html } from './layout.js';

/** How long the ticket page stays up before the kiosk returns to its start (seconds). */
export const KIOSK_RETURN_SECONDS = 30;
/** Longest note a kiosk visitor may leave (characters). */
export const KIOSK_NOTE_MAX = 140;

/** The start page: a note field and the big button posting to `joinUrl` with the one-time `nonce`. */
export function renderKioskHome(view: { clinicName: string; joinUrl: string; nonce: string; note?: string; error?: string }): Html {
  return renderLayout({
    title: `Get a ticket · ${view.clinicName}`,
    styles: ['kiosk.css'],
    scripts: ['kiosk.js'],
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
</main>`,
  });
}

/**
 * Where the ticket stands; `nextDay` (taken after closing time) says so, naming `serviceDay` (the
 * ticket's clinic-local `YYYY-MM-DD`), as the JOIN text does (`joinedNextDay`).
 */
function standing(ticket: TicketView, nextDay: boolean, serviceDay: string): string {
  if (ticket.state === 'next') return "It's your turn — please come to the front desk.";
  if (ticket.state === 'in_room') return "You're being seen now.";
  // No wait to speak of at 0 minutes (a room is free): "estimated wait 0 min" reads as a fault.
  const wait = ticket.etaMinutes === 0 ? 'with little or no wait' : `estimated wait ${ticket.etaMinutes ?? '?'} min`;
  const place = `#${ticket.position ?? '?'} in line, ${wait}`;
  return nextDay
    ? `We've closed for today, so this ticket is for our next open day, ${formatServiceDay(serviceDay, 'en')}: you're ${place} once we open.`
    : `You're ${place}.`;
}

/** The attributes that make kiosk.js return the page to `homeUrl` after `KIOSK_RETURN_SECONDS`. */
const returnsTo = (homeUrl: string) => html`data-return-url="${homeUrl}" data-return-seconds="${KIOSK_RETURN_SECONDS}"`;

/**
 * The ticket just taken: its code large, place and wait (for the next open day when `nextDay`, the
 * join having come after closing time); returns to `homeUrl` after 30 s, which "More time" starts
 * again (WCAG 2.2.1: a time limit the reader can extend).
 */
export function renderKioskTicket(view: { clinicName: string; homeUrl: string; ticket: TicketView; nextDay: boolean; serviceDay: string }): Html {
  return renderLayout({
    title: `Ticket ${view.ticket.code} · ${view.clinicName}`,
    styles: ['kiosk.css'],
    scripts: ['kiosk.js'],
    body: html`<main class="kiosk" ${returnsTo(view.homeUrl)}>
  <div class="card kiosk-card">
    <p class="ticket-label">Your ticket</p>
    <p class="ticket-code" data-ticket-code>${view.ticket.code}</p>
    <p class="standing">${standing(view.ticket, view.nextDay, view.serviceDay)}</p>
    <p class="lead">${
      view.nextDay
        ? "Please keep your number and come back when we open: we'll call it out when it's your turn."
        : "Please take a seat. Remember your number: we'll call it out when it's your turn."
    }</p>
    <a class="btn btn-primary btn-huge" href="${view.homeUrl}">Done</a>
    <p class="return-note">This screen returns to the start in ${KIOSK_RETURN_SECONDS} seconds.
      <button class="btn btn-quiet" type="button" data-more-time>More time</button></p>
  </div>
</main>`,
  });
}

/**
 * A full-page message with a way back to `homeUrl` (the kiosk is busy, or cannot give tickets now); it
 * returns there by itself after 30 s, so a kiosk recovers once Temporal and Postgres answer again.
 */
export function renderKioskNotice(view: { title: string; message: string; homeUrl: string }): Html {
  return renderLayout({
    title: view.title,
    styles: ['kiosk.css'],
    scripts: ['kiosk.js'],
    body: html`<main class="kiosk" ${returnsTo(view.homeUrl)}>
  <div class="card kiosk-card">
    <h1>${view.title}</h1>
    <p class="lead">${view.message}</p>
    <a class="btn btn-quiet btn-huge" href="${view.homeUrl}">Back</a>
  </div>
</main>`,
  });
}
