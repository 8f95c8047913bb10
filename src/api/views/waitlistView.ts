/**
 * The "Waitlist" page: the clinic's active waitlist entries as a leaderboard by score (issue 10's
 * priority, computed by `waitlistPriority` when read), each with the parts of its score, a boost form
 * and an urgent toggle that act in one submit, an edit form and a "Remove…" question; below, the form
 * that adds an entry. Patients show as their first name and a masked number (`+1 ••• ••• 1234`), never
 * more. The leaderboard is live: waitlist.js swaps in the fragment the event stream sends.
 */
import { html, raw } from 'hono/html';
import { DateTime } from 'luxon';
import type { Clinic } from '../../clinics/clinics.js';
import { MAX_MANUAL_BOOST } from '../../domain/waitlistPriority.js';
import type { Provider } from '../../providers/providers.js';
import { OFFER_CHANNELS, PROVIDER_TYPE_PREFERENCES, type RankedWaitlistEntry } from '../../waitlist/waitlistEntries.js';
import { placeError, type PlacedError } from './cardError.js';
import { placeNotice, type PlacedNotice } from './cardNotice.js';
import { renderLayout, type Html } from './layout.js';
import { refusedControlAttrs, renderUnplacedRefusal } from './refusedField.js';
import { renderLiveStatus, renderStaffHeader } from './staffNav.js';

/** The `id` of entry `id`'s card: a change to it answers with the page opened there (`#entry-7`). */
export const entryCardId = (id: string) => `entry-${id}`;

/** A staff change an entry's forms post (the last path segment). */
export type WaitlistAction = 'boost' | 'urgent' | 'edit' | 'remove';

/** The text fields of the add and edit forms, as the JSON API names them. */
export const ENTRY_FIELDS = ['phone', 'display_name', 'channel', 'provider_type', 'current_appt_at', 'manual_boost', 'notes'] as const;
/** A text field of the entry form. */
export type EntryField = (typeof ENTRY_FIELDS)[number];

/** The add or edit form as typed and, after a refusal, the error and the field it names. */
export interface EntryForm {
  values: Record<EntryField, string>;
  urgent: boolean;
  /** Preferred providers' ids as posted. */
  providerIds: string[];
  error?: { message: string; field?: string | undefined };
}

/** One row of the leaderboard. */
export interface WaitlistLine {
  entry: RankedWaitlistEntry;
  /** 1 for the highest score. */
  rank: number;
  /** The first word of the patient's name, or null without one. */
  firstName: string | null;
  /** `+1 ••• ••• 1234`. */
  maskedPhone: string;
}

/** What the page shows. */
export interface WaitlistView {
  clinic: Clinic;
  lines: WaitlistLine[];
  /** All the clinic's providers, active and inactive: entries name them; the forms offer the active ones. */
  providers: Provider[];
  showPhone: boolean;
  notice?: string | undefined;
  /** The entry `notice` concerns: it shows in that card while the card is on the page, else above the list. */
  noticeFor?: string | undefined;
  error?: string | undefined;
  /** The entry `error` concerns: it shows in that card while the card is on the page, else in the banner. */
  errorFor?: string | undefined;
  /** Present after a refused add: the form comes back filled in. */
  add?: EntryForm | undefined;
  /** Present after a refused edit: that entry's form comes back open and filled in. */
  edit?: { id: string; form: EntryForm } | undefined;
  urls: { add: string; events: string; action(id: string, action: WaitlistAction): string };
}

/** The entry form's labels (and a card's boost field's) by the JSON API's field names: the page shows a refusal in these words (fieldLabels.ts). */
export const ENTRY_LABELS = {
  phone: 'Mobile number',
  display_name: 'Name',
  channel: 'Offers by',
  provider_type: 'Provider type',
  provider_ids: 'Preferred providers',
  current_appt_at: 'Current appointment',
  manual_boost: 'Boost',
  urgent: 'Urgent',
  notes: 'Notes',
} as const satisfies Record<EntryField | 'provider_ids' | 'urgent', string>;

const CHANNEL_LABELS: Record<string, string> = { sms: 'SMS', whatsapp: 'WhatsApp' };
const TYPE_LABELS: Record<string, string> = { 'MD/DO': 'MD/DO only', APP: 'APP only', Any: 'Any type' };

const EMPTY_FORM: EntryForm = {
  values: { phone: '', display_name: '', channel: 'sms', provider_type: 'Any', current_appt_at: '', manual_boost: '0', notes: '' },
  urgent: false,
  providerIds: [],
};

/** A `datetime-local` value of `at` in `zone`. */
const localInput = (at: Date, zone: string) => DateTime.fromJSDate(at).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm");

/** The edit form of `entry` as stored: phone and name empty (unchanged unless typed), so the page never shows them in full. */
export function storedEntryForm(entry: RankedWaitlistEntry, zone: string): EntryForm {
  return {
    values: {
      phone: '',
      display_name: '',
      channel: entry.channel,
      provider_type: entry.providerType,
      current_appt_at: entry.currentApptAt === null ? '' : localInput(entry.currentApptAt, zone),
      manual_boost: String(entry.manualBoost),
      notes: entry.notes ?? '',
    },
    urgent: entry.urgent,
    providerIds: entry.providerIds.map(String),
  };
}

const option = (value: string, label: string, current: string) =>
  html`<option value="${value}"${value === current ? raw(' selected') : null}>${label}</option>`;

/**
 * The fields of an entry form with ids under `prefix`; the error beside the field it names (a field
 * of the form or `provider_ids.<n>`), else above the fields. `editing`: phone and name may stay empty.
 * Preferred providers: the active ones, and an inactive one the form already prefers (marked so).
 */
function renderEntryFields(form: EntryForm, prefix: string, view: WaitlistView, line: WaitlistLine | undefined): Html {
  const v = form.values;
  const errorField = form.error?.field?.startsWith('provider_ids') === true ? 'provider_ids' : form.error?.field;
  // Active providers, and an inactive one only where this form already prefers it, so saving keeps it unless unticked.
  const choices = view.providers.filter((p) => p.active || form.providerIds.includes(String(p.id)));
  const placed =
    errorField !== undefined &&
    ((errorField === 'provider_ids' && choices.length > 0) || errorField === 'urgent' || (ENTRY_FIELDS as readonly string[]).includes(errorField));
  const field = (name: EntryField, label: string | Html, control: (attrs: Html) => Html) => {
    const error = errorField === name ? form.error!.message : undefined;
    const id = `${prefix}-${name}`;
    const attrs = html`id="${id}" name="${name}"${error === undefined ? null : refusedControlAttrs(`${id}-error`)}`;
    return html`<div class="field${error === undefined ? '' : ' field-error'}">
      <label for="${id}">${label}</label>
      ${control(attrs)}
      ${error === undefined ? null : html`<p class="field-message" id="${id}-error" data-field-error="${name}">${error}</p>`}
    </div>`;
  };
  const zone = view.clinic.timezone;
  const providersError = errorField === 'provider_ids' ? form.error!.message : undefined;
  return html`${form.error !== undefined && !placed ? renderUnplacedRefusal(form.error.message) : null}
    ${field(
      'phone',
      line === undefined ? 'Mobile number' : html`Mobile number <span class="muted">(empty: keep ${line.maskedPhone})</span>`,
      (a) => html`<input ${a} type="tel" value="${v.phone}" autocomplete="off"${line === undefined ? raw(' required') : null}>`,
    )}
    ${field(
      'display_name',
      line === undefined ? html`Name <span class="muted">(optional)</span>` : html`Name <span class="muted">(empty: keep it)</span>`,
      (a) => html`<input ${a} value="${v.display_name}" autocomplete="off" maxlength="100">`,
    )}
    ${field('channel', 'Offers by', (a) => html`<select ${a}>${OFFER_CHANNELS.map((c) => option(c, CHANNEL_LABELS[c]!, v.channel))}</select>`)}
    ${field('provider_type', 'Provider type', (a) => html`<select ${a}>${PROVIDER_TYPE_PREFERENCES.map((t) => option(t, TYPE_LABELS[t]!, v.provider_type))}</select>`)}
    ${
      choices.length === 0
        ? null
        : html`<fieldset class="field providers${providersError === undefined ? '' : ' field-error'}">
          <legend>Preferred providers <span class="muted">(none: any)</span></legend>
          ${choices.map(
            (p, i) =>
              html`<label class="check"><input type="checkbox" name="provider_ids" value="${p.id}"${form.providerIds.includes(String(p.id)) ? raw(' checked') : null}${
                providersError !== undefined && i === 0 ? refusedControlAttrs(`${prefix}-provider_ids-error`) : null
              }> ${p.name}${p.active ? null : html` <span class="muted">(inactive)</span>`}</label>`,
          )}
          ${providersError === undefined ? null : html`<p class="field-message" id="${prefix}-provider_ids-error" data-field-error="provider_ids">${providersError}</p>`}
        </fieldset>`
    }
    ${field(
      'current_appt_at',
      html`Current appointment <span class="muted">(optional, ${zone})</span>`,
      (a) => html`<input ${a} type="datetime-local" value="${v.current_appt_at}">`,
    )}
    ${field('manual_boost', `Boost (0–${MAX_MANUAL_BOOST})`, (a) => html`<input ${a} type="number" inputmode="numeric" min="0" max="${MAX_MANUAL_BOOST}" step="1" value="${v.manual_boost}" required>`)}
    <div class="field check-field${errorField === 'urgent' ? ' field-error' : ''}">
      <label class="check"><input type="checkbox" name="urgent" value="true" id="${prefix}-urgent"${form.urgent ? raw(' checked') : null}${
        errorField === 'urgent' ? refusedControlAttrs(`${prefix}-urgent-error`) : null
      }> Urgent (+30)</label>
      ${errorField === 'urgent' ? html`<p class="field-message" id="${prefix}-urgent-error" data-field-error="urgent">${form.error!.message}</p>` : null}
    </div>
    ${field('notes', html`Notes <span class="muted">(staff only)</span>`, (a) => html`<textarea ${a} rows="2" maxlength="500">${v.notes}</textarea>`)}`;
}

/** The parts of a score, each with its points. */
function renderScoreParts(entry: RankedWaitlistEntry): Html {
  const p = entry.priority;
  const part = (name: string, label: string, points: number) =>
    html`<div class="part${points === 0 ? ' part-zero' : ''}" data-part="${name}"><dt>${label}</dt><dd>${points}</dd></div>`;
  return html`<dl class="parts" aria-label="Parts of the score">
    ${part('urgent', 'Urgent', p.urgent)}${part('manual_boost', 'Boost', p.manualBoost)}${part('appointment_wait', 'Appt. distance', p.appointmentWait)}${part('seniority', 'Days waiting', p.seniority)}
  </dl>`;
}

function renderLine(line: WaitlistLine, view: WaitlistView, placed: PlacedError, notice: PlacedNotice): Html {
  const e = line.entry;
  const zone = view.clinic.timezone;
  const url = (action: WaitlistAction) => view.urls.action(e.id, action);
  const who = line.firstName ?? 'Patient';
  const local = (at: Date) => DateTime.fromJSDate(at).setZone(zone).setLocale('en-US');
  const daysWaiting = Math.max(0, Math.floor((Date.now() - e.joinedAt.getTime()) / 86_400_000));
  const providers = e.providerIds.map((id) => view.providers.find((p) => p.id === id)?.name ?? `#${id}`);
  const editing = view.edit?.id === e.id;
  return html`<li class="entry card" id="${entryCardId(e.id)}" data-entry="${e.id}" data-score="${e.priority.score}"${notice.cardAttrs(e.id)}>
  <div class="entry-top">
    <span class="rank" aria-label="Rank ${line.rank}">#${line.rank}</span>
    <span class="entry-name">${who} <span class="phone" data-phone>${line.maskedPhone}</span></span>
    ${e.urgent ? html`<span class="pill pill-urgent">Urgent</span>` : null}
    <span class="score"><span class="score-value" data-score-value>${e.priority.score}</span> <span class="muted">points</span></span>
  </div>
  ${notice.card(e.id)}
  ${renderScoreParts(e)}
  <dl class="facts">
    <div><dt>Wants</dt><dd>${providers.length === 0 ? TYPE_LABELS[e.providerType] : providers.join(', ')} · offers by ${CHANNEL_LABELS[e.channel]}</dd></div>
    <div><dt>Current appointment</dt><dd>${e.currentApptAt === null ? html`<span class="muted">none</span>` : local(e.currentApptAt).toLocaleString(DateTime.DATETIME_MED)}</dd></div>
    <div><dt>On the list since</dt><dd>${local(e.joinedAt).toLocaleString(DateTime.DATE_MED)} (${daysWaiting} ${daysWaiting === 1 ? 'day' : 'days'})</dd></div>
    ${e.notes === null ? null : html`<div><dt>Notes</dt><dd>${e.notes}</dd></div>`}
  </dl>
  <div class="entry-actions">
    <form method="post" action="${url('boost')}" class="boost-form">
      <label for="boost-${e.id}">Boost <span class="muted">(0–${MAX_MANUAL_BOOST})</span></label>
      <input id="boost-${e.id}" name="manual_boost" type="number" inputmode="numeric" min="0" max="${MAX_MANUAL_BOOST}" step="1" value="${e.manualBoost}" required>
      <button class="btn btn-primary" type="submit">Set boost</button>
    </form>
    <form method="post" action="${url('urgent')}">
      <input type="hidden" name="urgent" value="${e.urgent ? 'false' : 'true'}">
      <button class="btn btn-quiet" type="submit">${e.urgent ? 'Not urgent' : 'Mark urgent'}</button>
    </form>
    <details class="edit"${editing ? raw(' open') : null}>
      <summary class="btn btn-quiet">Edit…</summary>
      <form method="post" action="${url('edit')}" class="entry-form">
        ${renderEntryFields(editing ? view.edit!.form : storedEntryForm(e, zone), `edit-${e.id}`, view, line)}
        <div class="form-submit"><button class="btn btn-primary" type="submit">Save ${who}</button></div>
      </form>
    </details>
    <details class="confirm">
      <summary class="btn btn-danger">Remove…</summary>
      <form method="post" action="${url('remove')}" class="confirm-form">
        <p>Take ${who} off the waitlist? No more offers go to them.</p>
        <button class="btn btn-danger" type="submit">Yes, remove</button>
      </form>
    </details>
  </div>
  ${placed.card(e.id)}
</li>`;
}

/** Where the page shows its refusal: in the card of the entry it concerns, else in the banner. */
const placeViewError = (view: WaitlistView) =>
  placeError(
    view.error,
    view.errorFor,
    view.lines.map((line) => line.entry.id),
  );

/** Where the page shows its notice: in the card of the entry it concerns, else above the list. */
const placeViewNotice = (view: WaitlistView) =>
  placeNotice(
    view.notice,
    view.noticeFor,
    view.lines.map((line) => line.entry.id),
  );

/** The live part of the page: the leaderboard (sent again over the event stream after every change). */
export function renderWaitlistBoard(view: WaitlistView): Html {
  const [placed, notice] = [placeViewError(view), placeViewNotice(view)];
  return view.lines.length === 0
    ? html`<p class="empty">Nobody is on the waitlist.</p>`
    : html`<ol class="entries">${view.lines.map((line) => renderLine(line, view, placed, notice))}</ol>`;
}

/** The whole page. */
export function renderWaitlistPage(view: WaitlistView): Html {
  const { banner } = placeViewError(view);
  const notice = placeViewNotice(view).page;
  return renderLayout({
    title: `Waitlist · ${view.clinic.name}`,
    styles: ['staff-nav.css', 'waitlist.css'],
    scripts: ['waitlist.js'],
    body: html`${renderStaffHeader({ clinic: view.clinic, current: 'waitlist', subtitle: 'Waitlist', showPhone: view.showPhone, status: renderLiveStatus() })}
<main class="page">
  ${notice === undefined ? null : html`<p class="flash flash-ok" role="status">${notice}</p>`}
  ${banner === undefined ? null : html`<p class="banner" role="alert">${banner}</p>`}
  <section aria-labelledby="board-title" class="board">
    <div class="board-head">
      <h2 id="board-title">By priority</h2>
      <p class="muted">Score = urgent 30 + boost 0–${MAX_MANUAL_BOOST} + 20 / 10 / 5 when the current appointment is ≥ 180 / 90 / 30 days away + 1 per 30 days waiting (at most 10). Ties: who joined first.</p>
    </div>
    <div id="waitlist-list" data-events="${view.urls.events}">${renderWaitlistBoard(view)}</div>
  </section>
  <section class="card add" aria-labelledby="add-title">
    <h2 id="add-title">Add to the waitlist</h2>
    <form method="post" action="${view.urls.add}" class="entry-form">
      ${renderEntryFields(view.add ?? EMPTY_FORM, 'add', view, undefined)}
      <div class="form-submit"><button class="btn btn-primary" type="submit">Add</button></div>
    </form>
  </section>
</main>`,
  });
}
