/**
 * The board's small script (served as /admin/assets/board.js): swaps in the server-rendered fragment
 * from the event stream, keeps each ticket's wait so far (and the longest wait) current between
 * fragments, and posts the move buttons and the rooms-open buttons with fetch so the page never
 * reloads, keeping keyboard focus on the same control (or the same ticket's card) through both. A
 * refused move shows in its ticket's card (kept there through swaps; cardErrorScript.ts), a refused
 * rooms change or a lost connection in the banner. Each fragment's changes (a ticket that joined,
 * moved or left, the rooms open) are said in a sentence each in the polite `#board-status` region, so a
 * screen-reader user hears "L3 joined" or "L1 marked no-show" rather than nothing, or the whole board.
 * "End ticket" asks first, and for an optional reason that the repair keeps in its audit log;
 * "No-show" asks first too, as it ends the ticket and texts the patient.
 * Without JavaScript the forms still work.
 */

import type { TicketState } from '../../domain/ticketStates.js';
import { MAX_END_REASON } from '../../queue/endTicket.js';
import { ERROR_FOR_PARAM } from './cardError.js';
import { cardErrorScript } from './cardErrorScript.js';
import { keepFocusScript } from './keepFocusScript.js';
import { liveStreamScript } from './liveStreamScript.js';

/** How often the open board recounts each ticket's wait so far (ms). */
export const WAIT_TICK_MS = 15_000;

/**
 * What `#board-status` says of a ticket that reached each state, after its code: "L2 called next". A
 * ticket new to the board "joined" (and, when it is already further on, also how far).
 */
const MOVED_TO: Record<TicketState, string> = {
  waiting: 'joined',
  next: 'called next',
  in_room: 'in a room',
  done: 'done',
  no_show: 'marked no-show',
  left: 'left the line',
  expired: 'closed for the day',
};
/** Most sentences one update says; beyond them, the first few and "5 more changes". */
const MAX_SAID_CHANGES = 4;

/** Browser JavaScript for the board page (a constant; it reads its URLs from `data-` attributes). */
export const BOARD_SCRIPT = `
(() => {
  const board = document.getElementById('board');
  const banner = document.getElementById('banner');
  const bannerText = document.getElementById('banner-text');

  const showError = (message) => { bannerText.textContent = message; banner.hidden = false; };
  document.getElementById('banner-close').addEventListener('click', () => { banner.hidden = true; });

  // The flash message came with this page; a reload should not show it again.
  const here = new URL(location.href);
  if (here.searchParams.has('error')) {
    here.searchParams.delete('error');
    here.searchParams.delete(${JSON.stringify(ERROR_FOR_PARAM)});
    history.replaceState(null, '', here);
  }

  // Waits are counted on the server's clock: the fragment says when it was rendered (data-now).
  let skew = 0;
  const readServerClock = () => {
    const summary = board.querySelector('[data-now]');
    if (summary) skew = Date.parse(summary.dataset.now) - Date.now();
  };
  // A card's "Waiting 12 min" / "In room 5 min" has a data-label; the longest-wait tile's number has none.
  const tick = () => {
    const now = Date.now() + skew;
    board.querySelectorAll('[data-since]').forEach((waited) => {
      const minutes = Math.max(0, Math.floor((now - Date.parse(waited.dataset.since)) / 60000));
      waited.textContent = waited.dataset.label === undefined ? String(minutes) : waited.dataset.label + ' ' + minutes + ' min';
    });
  };
  readServerClock();
  setInterval(tick, ${WAIT_TICK_MS});

  // Says what changed between two fragments, a sentence each, never the whole board again.
  const status = document.getElementById('board-status');
  const MOVED_TO = ${JSON.stringify(MOVED_TO)};
  const readBoard = () => ({
    tickets: new Map(Array.from(board.querySelectorAll('[data-ticket]'), (card) => [card.dataset.ticket, card.dataset.state])),
    rooms: board.querySelector('[data-rooms-open]')?.textContent.trim() ?? null,
  });
  const announceChanges = (before) => {
    const after = readBoard();
    const closed = JSON.parse(board.querySelector('[data-recently-closed]')?.dataset.recentlyClosed ?? '{}');
    const said = [];
    after.tickets.forEach((state, code) => {
      const was = before.tickets.get(code);
      if (was === undefined) said.push(code + ' joined' + (state === 'waiting' ? '' : ', ' + MOVED_TO[state]));
      else if (was !== state) said.push(code + ' ' + MOVED_TO[state]);
    });
    before.tickets.forEach((_, code) => {
      if (!after.tickets.has(code)) said.push(code + ' ' + (MOVED_TO[closed[code]] ?? 'is off the board'));
    });
    if (after.rooms !== null && before.rooms !== null && after.rooms !== before.rooms) said.push(after.rooms + (after.rooms === '1' ? ' room open' : ' rooms open'));
    if (said.length === 0) return;
    const shown = said.length > ${MAX_SAID_CHANGES} ? [...said.slice(0, ${MAX_SAID_CHANGES - 1}), (said.length - ${MAX_SAID_CHANGES - 1}) + ' more changes'] : said;
    status.textContent = shown.join('. ') + '.';
  };

${keepFocusScript('board')}
${cardErrorScript('board')}
${liveStreamScript('board', 'board', 'const before = readBoard(); swapKeepingCardErrors(data); readServerClock(); refocus(); announceChanges(before);')}
  connect();

  board.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !(form.hasAttribute('data-transition') || form.hasAttribute('data-rooms') || form.hasAttribute('data-end'))) return;
    event.preventDefault();
    const fields = new URLSearchParams(new FormData(form));
    if (form.hasAttribute('data-end')) {
      // Asks first, and for the reason the repair keeps in the audit log (optional; Cancel ends nothing).
      const reason = prompt('End ticket ' + form.getAttribute('data-end') + ' now? The patient is not texted; use this for a ticket that is stuck.\\n\\nWhy? (optional, kept in the audit log)', '');
      if (reason === null) return;
      if (reason.trim() !== '') fields.set('reason', reason.trim().slice(0, ${MAX_END_REASON}));
    }
    if (form.hasAttribute('data-transition') && fields.get('state') === 'no_show') {
      // Asked first as "End ticket" is: a slip from "In room" beside it would end the ticket and text the patient.
      if (!confirm('Mark ticket ' + form.closest('.ticket').dataset.ticket + ' as a no-show? This ends the ticket and texts the patient (if they have a phone) that they were not found.')) return;
    }
    // The ticket's (or the rooms control's) other buttons wait too; one disabled at a bound stays so.
    // A refusal about a ticket shows in its card; one about the rooms control, in the banner.
    // The card as it is when the answer comes: a live update may have swapped it in the meantime.
    const code = form.closest('.ticket')?.dataset.ticket;
    const ticketCard = () => (code === undefined ? null : board.querySelector('[data-ticket="' + CSS.escape(code) + '"]'));
    const showRefusal = (message) => { const card = ticketCard(); if (card !== null) showCardError(card, message); else showError(message); };
    const buttons = form.closest('.ticket, .rooms').querySelectorAll('button:not([disabled])');
    buttons.forEach((button) => { button.disabled = true; });
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        headers: { Accept: 'application/json' },
        body: fields,
        credentials: 'same-origin',
      });
      if (response.status === 401) { location.assign(location.href); return; }
      if (response.ok) { banner.hidden = true; const card = ticketCard(); if (card !== null) clearCardError(card); return; }
      const body = await response.json().catch(() => null);
      showRefusal((body && body.error && body.error.message) || 'That did not work. Please try again.');
    } catch {
      showError('Could not reach the server. Check the connection and try again.');
    } finally {
      buttons.forEach((button) => { button.disabled = false; });
      // Disabling the pressed button dropped focus; it goes back (or, after a swap, to where refocus finds).
      refocus();
    }
  });
})();
`;
