/**
 * The "Messages and calls" page: the clinic's log (texts both ways and reminder calls), newest first,
 * with filters (phone, direction, channel, status, day), each entry's delivery status and Twilio error
 * code, why a text or call Twilio has not taken is not out (still tried, no try left, no longer
 * needed), and numbers masked (`+1 ••• ••• 1234`). A "Show number" button per entry posts a reveal that
 * is logged before the page comes back with that one entry's number in full. The list (with its page
 * links) is live: messages.js swaps in each fragment of the page's event stream.
 */
import { html, raw } from 'hono/html';
import { DateTime } from 'luxon';
import { MAIN_CLINIC_SLUG, type Clinic } from '../../clinics/clinics.js';
import { formatPhoneForPeople, maskPhoneWithCountry } from '../../domain/phone.js';
import { describeTwilioError } from '../../domain/twilioErrors.js';
import { LOG_CHANNELS, LOG_STATUSES, type LogEntry } from '../../messaging/messageLog.js';
import { renderLayout, type Html } from './layout.js';
import { renderLiveStatus, renderStaffHeader } from './staffNav.js';

/** The filter form's fields as typed (empty: any). */
export interface MessageFilterForm {
  phone: string;
  direction: string;
  channel: string;
  status: string;
  date: string;
}

/** What the page shows. */
export interface MessagesView {
  clinic: Clinic;
  showPhone: boolean;
  filters: MessageFilterForm;
  /** A filter that could not be read, and the field it names. */
  error?: { message: string; field?: string | undefined } | undefined;
  entries: LogEntry[];
  /** The one entry whose number staff asked to see (the reveal is logged), with that number. */
  revealed?: { kind: LogEntry['kind']; id: string; phone: string } | undefined;
  urls: {
    filter: string;
    clear: string;
    /** Where "Show number" posts (carries the current filters and page). */
    reveal: string;
    /** The newest page with these filters, when this is not it. */
    newest?: string | undefined;
    newer?: string | undefined;
    older?: string | undefined;
    /** The list's event stream (same filters and page); undefined for a page that is not live (a refused filter, a number shown). */
    events?: string | undefined;
  };
}

const CHANNEL_LABELS: Record<LogEntry['channel'], string> = { sms: 'SMS', whatsapp: 'WhatsApp', voice: 'Call' };
const BAD_STATUSES = new Set(['undelivered', 'failed', 'canceled', 'busy', 'no-answer']);

function renderStatus(entry: LogEntry): Html {
  const meaning = entry.errorCode === null ? undefined : describeTwilioError(entry.errorCode);
  return html`<span class="pill${BAD_STATUSES.has(entry.status) ? ' pill-bad' : ''}" data-status>${entry.status}</span>${
    entry.errorCode === null
      ? null
      : html` <span class="error-code" data-error-code>error ${entry.errorCode}${meaning === undefined ? '' : `: ${meaning}`}</span>`
  }`;
}

function renderPhone(entry: LogEntry, view: MessagesView): Html {
  const revealed = view.revealed?.kind === entry.kind && view.revealed.id === entry.id ? view.revealed.phone : undefined;
  if (revealed !== undefined) {
    return html`<span class="phone phone-revealed" data-phone data-revealed>${formatPhoneForPeople(revealed)} (${revealed})</span>
      <span class="muted">Shown to you; this was logged.</span>`;
  }
  const last4 = entry.phone.slice(-4);
  return html`<span class="phone" data-phone>${maskPhoneWithCountry(entry.phone)}</span>
    <form method="post" action="${view.urls.reveal}">
      <input type="hidden" name="entry" value="${entry.kind}:${entry.id}">
      <button class="btn btn-quiet" type="submit" aria-label="Show number ending ${last4}">Show number</button>
    </form>`;
}

/**
 * Why an outbound text or a call the provider has not taken is not out, in the clinic's time: still
 * being tried (`queued` after a 429, a 5xx or no answer), no try left (`failed`), or no longer needed
 * (`canceled`: a text's waitlist offer ended, a call's question closed); with Twilio's answer to its last try. Undefined for one on its way, taken,
 * or refused (its error code says why).
 */
function describeUnsent(entry: LogEntry, zone: string): string | undefined {
  const { unsent } = entry;
  if (unsent === null) return undefined;
  const until =
    unsent.sendUntil === null ? undefined : DateTime.fromJSDate(unsent.sendUntil).setZone(zone).setLocale('en-US').toLocaleString(DateTime.DATETIME_MED);
  const lastTry = unsent.sendError === null ? '' : ` Last try: ${unsent.sendError}.`;
  const sent = entry.kind === 'call' ? 'placed' : 'sent';
  if (entry.status === 'queued' && unsent.sendError !== null) return `Not ${sent} yet: tried again${until === undefined ? '' : ` until ${until}`}.${lastTry}`;
  if (entry.status === 'failed' && unsent.sendError !== null) return `Not ${sent}: no try was left${until === undefined ? '' : ` after ${until}`}.${lastTry}`;
  if (entry.status === 'canceled') return `Not ${sent}: no longer needed before Twilio took it.${lastTry}`;
  return undefined;
}

/** A call's line: who answered, the choice and what the call came to (its reason, `note`, shows below as a text's does). */
function describeCall(entry: LogEntry): string {
  const parts = ['Reminder call'];
  if (entry.answeredBy !== null) parts.push(`answered by ${entry.answeredBy.replaceAll('_', ' ')}`);
  if (entry.choice !== null) parts.push(`chose ${entry.choice}`);
  if (entry.outcomeNote !== null) parts.push(entry.outcomeNote);
  return parts.join(' · ');
}

function renderEntry(entry: LogEntry, view: MessagesView): Html {
  const at = DateTime.fromJSDate(entry.createdAt).setZone(view.clinic.timezone).setLocale('en-US');
  const unsent = describeUnsent(entry, view.clinic.timezone);
  return html`<li class="entry card" data-entry="${entry.kind}:${entry.id}" data-direction="${entry.direction}" data-channel="${entry.channel}">
  <div class="entry-top">
    <span class="entry-time">${at.toLocaleString(DateTime.DATETIME_MED)}</span>
    <span class="entry-way">${entry.direction === 'inbound' ? 'In' : 'Out'} · ${CHANNEL_LABELS[entry.channel]}</span>
    ${renderStatus(entry)}
  </div>
  <div class="entry-phone">${renderPhone(entry, view)}</div>
  <p class="entry-body">${entry.body ?? describeCall(entry)}</p>
  ${unsent === undefined ? null : html`<p class="entry-note" data-unsent>${unsent}</p>`}
  ${entry.note === null ? null : html`<p class="entry-note">${entry.note}</p>`}
</li>`;
}

/** The filter form's labels by the query's field names: the page shows a refusal in these words (fieldLabels.ts). */
export const FILTER_LABELS = {
  phone: 'Phone',
  direction: 'Direction',
  channel: 'Channel',
  status: 'Status',
  date: 'Day',
} as const satisfies Record<keyof MessageFilterForm, string>;

function renderFilters(view: MessagesView): Html {
  const f = view.filters;
  const error = view.error;
  const field = (name: keyof MessageFilterForm, label: string, control: (attrs: Html) => Html) => {
    const wrong = error?.field === name;
    const attrs = html`id="filter-${name}" name="${name}"${wrong ? html` aria-invalid="true" aria-describedby="filter-error"` : null}`;
    return html`<div class="field${wrong ? ' field-error' : ''}"><label for="filter-${name}">${label}</label>${control(attrs)}</div>`;
  };
  const select = (name: 'direction' | 'channel' | 'status', label: string, options: readonly (readonly [string, string])[]) =>
    field(
      name,
      label,
      (a) =>
        html`<select ${a}><option value="">Any</option>${options.map(
          ([value, text]) => html`<option value="${value}"${value === f[name] ? raw(' selected') : null}>${text}</option>`,
        )}</select>`,
    );
  return html`<form class="card filters" method="get" action="${view.urls.filter}" aria-label="Filters">
  ${view.clinic.slug === MAIN_CLINIC_SLUG ? null : html`<input type="hidden" name="clinic" value="${view.clinic.slug}">`}
  ${field('phone', FILTER_LABELS.phone, (a) => html`<input ${a} type="tel" value="${f.phone}" autocomplete="off" placeholder="full number">`)}
  ${select('direction', FILTER_LABELS.direction, [
    ['inbound', 'In (from patients)'],
    ['outbound', 'Out (to patients)'],
  ])}
  ${select(
    'channel',
    FILTER_LABELS.channel,
    LOG_CHANNELS.map((c) => [c, CHANNEL_LABELS[c]] as const),
  )}
  ${select(
    'status',
    FILTER_LABELS.status,
    LOG_STATUSES.map((s) => [s, s] as const),
  )}
  ${field('date', `${FILTER_LABELS.date} (${view.clinic.timezone})`, (a) => html`<input ${a} type="date" value="${f.date}">`)}
  <div class="filters-actions"><button class="btn btn-primary" type="submit">Filter</button><a class="btn btn-quiet" href="${view.urls.clear}">Clear</a></div>
</form>`;
}

/** The live part of the page: the log, newest first, and its page links. */
export function renderMessagesLog(view: MessagesView): Html {
  return html`<section aria-labelledby="log-title">
    <h2 id="log-title" class="visually-hidden">Log, newest first</h2>
    ${
      view.entries.length === 0
        ? html`<p class="empty">No messages or calls${view.urls.newest === undefined ? '' : ' on this page'}.</p>`
        : html`<ol class="log">${view.entries.map((entry) => renderEntry(entry, view))}</ol>`
    }
  </section>
  <nav class="pager" aria-label="Pages">
    ${view.urls.newer === undefined ? html`<span></span>` : html`<a class="btn btn-quiet" href="${view.urls.newer}" rel="prev">← Newer</a>`}
    ${view.urls.newest === undefined ? html`<span class="muted">Newest</span>` : html`<a class="btn btn-quiet" href="${view.urls.newest}">Newest</a>`}
    ${view.urls.older === undefined ? html`<span></span>` : html`<a class="btn btn-quiet" href="${view.urls.older}" rel="next">Older →</a>`}
  </nav>`;
}

/** The whole page: live (its script and the Live badge) when it has an event stream. */
export function renderMessagesPage(view: MessagesView): Html {
  const live = view.urls.events;
  return renderLayout({
    title: `Messages and calls · ${view.clinic.name}`,
    styles: ['staff-nav.css', 'messages.css'],
    scripts: live === undefined ? [] : ['messages.js'],
    body: html`${renderStaffHeader({
      clinic: view.clinic,
      current: 'messages',
      subtitle: 'Messages and calls',
      showPhone: view.showPhone,
      status: live === undefined ? undefined : renderLiveStatus(),
    })}
<main class="page">
  ${view.error === undefined ? null : html`<p class="banner" role="alert" id="filter-error">${view.error.message}</p>`}
  ${renderFilters(view)}
  <div id="log-list"${live === undefined ? null : html` data-events="${live}"`}>${renderMessagesLog(view)}</div>
</main>`,
  });
}
