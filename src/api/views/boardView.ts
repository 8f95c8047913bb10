/**
 * The staff board: open tickets in three columns (Next, Waiting, In room) with a button per allowed
 * move, under a row of counts with the rooms-open control. The same fragment renders the page and
 * every live update sent over Server-Sent Events.
 */
import { html, raw } from 'hono/html';
import { DateTime } from 'luxon';
import { MAX_ROOMS_OPEN, MIN_ROOMS_OPEN, type Clinic } from '../../clinics/clinics.js';
import { DEFAULT_SERVICE_MINUTES, SERVICE_TIME_SAMPLE } from '../../domain/eta.js';
import { staffTransitionsFrom, type StaffTargetState, type TicketState } from '../../domain/ticketStates.js';
import type { ClosedTicket, ServiceTimeToday, TypicalServiceTime } from '../../queue/readQueue.js';
import type { TicketView } from '../../workflows/definitions.js';
import { placeError, type PlacedError } from './cardError.js';
import { renderLayout, type Html } from './layout.js';
import { renderLiveStatus, renderStaffHeader } from './staffNav.js';

/**
 * What the board shows: the clinic, its open tickets (as `listOpenTickets` orders them), today's
 * rolling average service time, and the moment it was read (each ticket's wait is counted to it).
 */
export interface BoardView {
  clinic: Clinic;
  /**
   * Each with its workflow's page in the Temporal Web UI (null when the UI's address is not configured)
   * and when it went into a room (ISO 8601; null before).
   */
  tickets: (TicketView & { workflowUrl: string | null; roomAt: string | null })[];
  serviceTime: ServiceTimeToday;
  /** The service time every ETA is computed with (the README's ETA), and how many timed visits it comes from. */
  etaServiceTime: TypicalServiceTime;
  now: Date;
  /**
   * Tickets closed lately (`listRecentlyClosedTickets`) with the state each ended in: board.js tells a
   * ticket that left the board as "L1 marked no-show" rather than just gone.
   */
  recentlyClosed: ClosedTicket[];
  /** The board's own URLs, carrying `?clinic=` when it is not the main clinic. */
  urls: BoardUrls;
}

/** Where the board's forms and event stream go. */
export interface BoardUrls {
  /** The board itself, with no flash: what a board without JavaScript loads again (BOARD_REFRESH_SECONDS). */
  page: string;
  events: string;
  rooms: string;
  transition(code: string): string;
  /** Staff's repair: end a stuck ticket whatever its workflow's condition. */
  end(code: string): string;
}

/**
 * How often a board with JavaScript off (a waiting-room screen, a locked-down browser) loads itself
 * again, so the line and each wait so far stay current without the event stream (s).
 */
export const BOARD_REFRESH_SECONDS = 30;

const COLUMNS = [
  { state: 'next', title: 'Next', empty: 'No one called yet' },
  { state: 'waiting', title: 'Waiting', empty: 'No one waiting' },
  { state: 'in_room', title: 'In room', empty: 'No one in a room' },
] as const satisfies readonly { state: TicketState; title: string; empty: string }[];

const BUTTONS: Record<StaffTargetState, { label: string; style: string }> = {
  next: { label: 'Call next', style: 'btn-primary' },
  in_room: { label: 'In room', style: 'btn-primary' },
  done: { label: 'Done', style: 'btn-primary' },
  no_show: { label: 'No-show', style: 'btn-danger' },
};

function joinedTime(ticket: TicketView, clinic: Clinic): string {
  return DateTime.fromISO(ticket.joinedAt, { zone: 'utc' }).setZone(clinic.timezone).setLocale('en-US').toLocaleString(DateTime.TIME_SIMPLE);
}

/** Whole minutes from `from` (ISO) to `to`, never below 0. */
function minutesBetween(from: string, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - Date.parse(from)) / 60_000));
}

/**
 * How long the ticket has been where it is, in whole minutes: "Waiting" since it joined while in line
 * (called or not: the patient has not been seen yet), "In room" since staff moved it there once in a
 * room. board.js keeps it current between renders from `data-since`.
 */
function renderWaited(ticket: BoardView['tickets'][number], now: Date): Html {
  const [label, since] = ticket.state === 'in_room' ? ['In room', ticket.roomAt ?? ticket.joinedAt] : ['Waiting', ticket.joinedAt];
  return html`<span class="waited" data-since="${since}" data-label="${label}">${label} ${minutesBetween(since, now)} min</span>`;
}

/**
 * Where the ticket stands, in the words and numbers the patient's STATUS text gives: its place in line
 * (`#1` is the first called ticket, so the first in Waiting is `#2` while one is called) and, while
 * waiting, the estimated wait ("little or no wait" at 0 minutes).
 */
function renderStanding(ticket: TicketView): Html {
  if (ticket.state === 'in_room') return html`<span class="pill pill-room">Being seen</span>`;
  const place = html`<span class="pill" data-position title="Place in line, as the patient's STATUS text says it">#${ticket.position ?? '?'}</span>`;
  if (ticket.state === 'next') return html`${place}<span class="pill pill-next">Called</span>`;
  return html`${place}<span class="eta" data-eta>${ticket.etaMinutes === 0 ? 'little or no wait' : `est. wait ${ticket.etaMinutes ?? '?'} min`}</span>`;
}

function renderTicket(ticket: BoardView['tickets'][number], view: BoardView, placed: PlacedError): Html {
  const who = ticket.phoneMasked ?? 'No phone · kiosk';
  // Every card has the same buttons: each names its ticket as its description ("Call next", "Ticket V3"),
  // so a screen reader moving from button to button hears whose it is.
  const codeId = `ticket-code-${ticket.code}`;
  return html`<li class="ticket card" data-ticket="${ticket.code}" data-state="${ticket.state}">
  <div class="ticket-top">
    <span class="code" id="${codeId}"><span class="visually-hidden">Ticket </span>${ticket.code}</span>
    <span class="standing">${renderStanding(ticket)}</span>
  </div>
  <div class="meta"><span>${who}</span><span>Joined ${joinedTime(ticket, view.clinic)}</span>${renderWaited(ticket, view.now)}</div>
  ${ticket.note === null ? null : html`<p class="note">${ticket.note}</p>`}
  ${ticket.workflowUrl === null ? null : html`<a class="workflow-link" href="${ticket.workflowUrl}" target="_blank" rel="noopener">Open in Temporal</a>`}
  <div class="actions">
    ${staffTransitionsFrom(ticket.state).map(
      (to) => html`<form method="post" action="${view.urls.transition(ticket.code)}" data-transition>
      <input type="hidden" name="state" value="${to}">
      <button class="btn ${BUTTONS[to].style}" type="submit" aria-describedby="${codeId}">${BUTTONS[to].label}</button>
    </form>`,
    )}
    <form method="post" action="${view.urls.end(ticket.code)}" data-end="${ticket.code}">
      <button class="btn btn-quiet" type="submit" aria-describedby="${codeId}">End ticket</button>
    </form>
  </div>
  ${placed.card(ticket.code)}
</li>`;
}

/** `rooms open` with − / + buttons that post the number they set; each is disabled at its bound. */
function renderRoomsControl(view: BoardView): Html {
  const rooms = view.clinic.roomsOpen;
  const step = (to: number, label: string, sign: string) =>
    html`<form method="post" action="${view.urls.rooms}" data-rooms>
      <input type="hidden" name="rooms_open" value="${to}">
      <button class="btn btn-quiet step" type="submit" aria-label="${label}" title="${label}"${to < MIN_ROOMS_OPEN || to > MAX_ROOMS_OPEN ? raw(' disabled') : null}>${sign}</button>
    </form>`;
  return html`<div class="stat stat-quiet rooms" role="group" aria-label="Rooms open">
    <div class="rooms-row">
      ${step(rooms - 1, 'Fewer rooms open', '−')}
      <span class="stat-n" data-rooms-open>${rooms}</span>
      ${step(rooms + 1, 'More rooms open', '+')}
    </div>
    <span class="stat-l">${rooms === 1 ? 'room open' : 'rooms open'}</span>
  </div>`;
}

/** Today's rolling average service time (see `averageServiceTimeToday`), in whole minutes. */
function renderServiceTime(view: BoardView): Html {
  const { averageMinutes, tickets } = view.serviceTime;
  const about = `Average time from "Call next" to "Done" over the last ${tickets === 0 ? 'tickets' : tickets === 1 ? 'ticket' : `${tickets} tickets`} finished today (up to ${SERVICE_TIME_SAMPLE})`;
  return html`<div class="stat stat-quiet" data-service-time title="${about}">
    <span class="stat-n">${averageMinutes === null ? html`<span aria-label="none yet">–</span>` : html`${Math.round(averageMinutes)}<small> min</small>`}</span>
    <span class="stat-l">avg service today</span>
  </div>`;
}

/**
 * The service time every ticket's estimated wait is computed with (README, "ETA"): the median time in
 * a room over the clinic's last visits (up to SERVICE_TIME_SAMPLE), and how many that is, so a wait
 * taken from a single visit early on reads as such; the default until a visit is timed.
 */
function renderEtaServiceTime(view: BoardView): Html {
  const { minutes, visits } = view.etaServiceTime;
  const from = visits === 0 ? `default, no visit timed yet` : `median of the last ${visits === 1 ? 'visit' : `${visits} visits`}`;
  const about = `Each estimated wait is this × people ahead ÷ rooms open. Time in room from "In room" to "Done", the median over the last ${SERVICE_TIME_SAMPLE} visits at most; ${DEFAULT_SERVICE_MINUTES} min until one is timed.`;
  return html`<div class="stat stat-quiet" data-eta-service-time title="${about}">
    <span class="stat-n">${Math.round(minutes)}<small> min</small></span>
    <span class="stat-l">per visit, for waits</span>
    <span class="stat-note">${from}</span>
  </div>`;
}

/**
 * How long the longest-waiting ticket in the Waiting column has waited so far: whole minutes since the
 * earliest `joinedAt`, counted as its card counts it (0 with no one waiting). board.js keeps it current
 * from `data-since`.
 */
function renderLongestWait(view: BoardView): Html {
  const earliest = view.tickets
    .filter((t) => t.state === 'waiting')
    .map((t) => t.joinedAt)
    .reduce<string | undefined>((first, joinedAt) => (first === undefined || Date.parse(joinedAt) < Date.parse(first) ? joinedAt : first), undefined);
  const minutes = earliest === undefined ? 0 : minutesBetween(earliest, view.now);
  return html`<div class="stat stat-quiet" data-longest-wait title="The longest any ticket in Waiting has waited so far, since it joined">
    <span class="stat-n"><span${earliest === undefined ? null : html` data-since="${earliest}"`}>${minutes}</span><small> min</small></span>
    <span class="stat-l">longest wait</span>
  </div>`;
}

function renderSummary(view: BoardView): Html {
  const count = (state: TicketState) => view.tickets.filter((t) => t.state === state).length;
  return html`<section class="summary" aria-label="Line summary" data-now="${view.now.toISOString()}">
  <div class="stat"><span class="stat-n">${count('next')}</span><span class="stat-l">next</span></div>
  <div class="stat"><span class="stat-n">${count('waiting')}</span><span class="stat-l">waiting</span></div>
  <div class="stat"><span class="stat-n">${count('in_room')}</span><span class="stat-l">in room</span></div>
  ${renderRoomsControl(view)}
  ${renderLongestWait(view)}
  ${renderServiceTime(view)}
  ${renderEtaServiceTime(view)}
</section>`;
}

/**
 * The live part of the board: the count summary and the three columns (carrying the recently closed
 * tickets' final states as JSON `{ code: state }` in `data-recently-closed`, for board.js's
 * announcements); `placed` puts a refusal in the card of the ticket it concerns (the page's first
 * render only: board.js keeps it through a swap).
 */
export function renderBoardFragment(view: BoardView, placed: PlacedError = placeError(undefined, undefined, [])): Html {
  return html`${renderSummary(view)}
<div class="columns" data-recently-closed="${JSON.stringify(Object.fromEntries(view.recentlyClosed.map((t) => [t.code, t.state])))}">
  ${COLUMNS.map((column) => {
    const tickets = view.tickets.filter((t) => t.state === column.state);
    return html`<section class="column column-${column.state}" data-column="${column.state}" aria-labelledby="col-${column.state}">
    <header class="column-head"><h2 id="col-${column.state}">${column.title}</h2><span class="count">${tickets.length}</span></header>
    ${tickets.length === 0 ? html`<p class="empty">${column.empty}</p>` : html`<ol class="tickets">${tickets.map((t) => renderTicket(t, view, placed))}</ol>`}
  </section>`;
  })}
</div>`;
}

/**
 * The whole board page; `error` (a refusal after a form post without JavaScript) shows in the card of
 * the ticket `errorFor` when it is on the board, else in the banner; `showPhone` puts the phone
 * simulator in the navigation. With JavaScript off the page loads the board again (without the
 * refusal) every BOARD_REFRESH_SECONDS, and says so where the live indicator would be. Outside the swapped fragment, the `#board-status` region (polite,
 * visually hidden) is where board.js says what each live update changed.
 */
export function renderBoardPage(view: BoardView & { error?: string | undefined; errorFor?: string | undefined; showPhone: boolean }): Html {
  const placed = placeError(
    view.error,
    view.errorFor,
    view.tickets.map((t) => t.code),
  );
  return renderLayout({
    title: `Board · ${view.clinic.name}`,
    styles: ['staff-nav.css', 'board.css'],
    scripts: ['board.js'],
    refreshWithoutScript: { seconds: BOARD_REFRESH_SECONDS, url: view.urls.page },
    body: html`${renderStaffHeader({
      clinic: view.clinic,
      current: 'queue',
      subtitle: 'Walk-in board',
      showPhone: view.showPhone,
      status: renderLiveStatus(`Refreshes every ${BOARD_REFRESH_SECONDS} s`),
    })}
<div class="page">
  <div class="banner" id="banner" role="alert"${placed.banner === undefined ? raw(' hidden') : null}>
    <span id="banner-text">${placed.banner ?? ''}</span>
    <button class="banner-close" id="banner-close" type="button" aria-label="Dismiss">×</button>
  </div>
  <p class="visually-hidden" id="board-status" role="status"></p>
  <main id="board" data-events="${view.urls.events}">${renderBoardFragment(view, placed)}</main>
</div>`,
  });
}
