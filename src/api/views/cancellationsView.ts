/**
 * The "Cancellations" page: the clinic's open cancellations (freed slots being offered to the
 * waitlist), each with its offers (masked number, state, batch, when sent) and a countdown of each
 * pending offer's hold, a link to its offer workflow in the Temporal Web UI and an "Abort…" question
 * (or, once an abort is recorded but its workflow has not taken it, "Abort under way");
 * the ones that ended in the last day below; and the form that logs a new one. The lists are live:
 * cancellations.js swaps in the fragment the event stream sends and ticks the countdowns each second.
 */
import { html, raw } from 'hono/html';
import { DateTime, Interval } from 'luxon';
import type { Clinic } from '../../clinics/clinics.js';
import type { Provider } from '../../providers/providers.js';
import type { CancellationWithOffers, Offer } from '../../waitlist/cancellations.js';
import type { CancellationStatus, OfferState } from '../../workflows/offerDefinitions.js';
import { placeError, type PlacedError } from './cardError.js';
import { placeNotice, type PlacedNotice } from './cardNotice.js';
import { renderLayout, type Html } from './layout.js';
import { refusedControlAttrs, renderUnplacedRefusal } from './refusedField.js';
import { renderLiveStatus, renderStaffHeader } from './staffNav.js';

/** The `id` of cancellation `id`'s card: a change to it answers with the page opened there (`#cancellation-7`). */
export const cancellationCardId = (id: string) => `cancellation-${id}`;

/** The form fields of a new cancellation, as the JSON API names them. */
export const CANCELLATION_FIELDS = ['provider_id', 'location', 'slot_start_at', 'slot_end_at', 'reason'] as const;
/** A field of the new-cancellation form. */
export type CancellationField = (typeof CANCELLATION_FIELDS)[number];

/** The form as typed (field → text) and, after a refusal, the error and the field it names. */
export interface CancellationForm {
  values: Record<CancellationField, string>;
  error?: { message: string; field?: string | undefined };
}

/** One cancellation as the page shows it. */
export interface CancellationLine {
  cancellation: CancellationWithOffers;
  providerName: string;
  /** The offers with their numbers masked (`+1 ••• ••• 1234`). */
  offers: (Omit<Offer, 'phone'> & { maskedPhone: string })[];
  /** Its offer workflow's page in the Temporal Web UI; null when the UI's address is not configured. */
  workflowUrl: string | null;
}

/** What the page shows. */
export interface CancellationsView {
  clinic: Clinic;
  open: CancellationLine[];
  /** Those that ended (filled, expired, aborted) in the last day, newest first. */
  ended: CancellationLine[];
  /** The clinic's active providers, for the form. */
  providers: Provider[];
  showPhone: boolean;
  /** When the page was rendered: the countdowns count from the server's clock. */
  now: Date;
  notice?: string | undefined;
  /** The cancellation `notice` concerns: it shows in that card while the card is on the page, else above the lists. */
  noticeFor?: string | undefined;
  error?: string | undefined;
  /** The cancellation `error` concerns: it shows in that card while the card is on the page, else in the banner. */
  errorFor?: string | undefined;
  /** Present after a refused form: it comes back filled in. */
  create?: CancellationForm | undefined;
  urls: { create: string; events: string; abort(id: string): string };
}

const STATUS_LABELS: Record<CancellationStatus, string> = { open: 'Offering', filled: 'Filled', expired: 'Expired', aborted: 'Aborted' };
/** What a card with no offers says, by its status: an ended slot will send none ("yet" read as if it still might). */
const NO_OFFERS: Record<CancellationStatus, string> = {
  open: 'No offers sent yet (offers go out within contact hours to eligible waitlisted patients).',
  expired: 'No offers were sent: nobody on the waitlist could take this slot, or it starts too soon to offer.',
  aborted: 'No offers were sent.',
  filled: 'No offers were sent.',
};
const OFFER_LABELS: Record<OfferState, string> = {
  pending: 'Waiting for an answer',
  accepted: 'Accepted',
  declined: 'Declined',
  expired: 'Hold over',
  canceled: 'Withdrawn',
  failed: 'Not delivered',
};

/** The form's labels by the JSON API's field names: the page shows a refusal in these words (fieldLabels.ts). */
export const CANCELLATION_LABELS = {
  provider_id: 'Provider',
  location: 'Location',
  slot_start_at: 'Starts',
  slot_end_at: 'Ends',
  reason: 'Reason',
} as const satisfies Record<CancellationField, string>;

const EMPTY_FORM: CancellationForm = { values: { provider_id: '', location: '', slot_start_at: '', slot_end_at: '', reason: '' } };

/** Seconds left of a hold at `now` (0 once over), and as the countdown shows it: "6:42 left". */
export function holdLeft(holdExpiresAt: Date, now: Date): { seconds: number; text: string } {
  const seconds = Math.max(0, Math.ceil((holdExpiresAt.getTime() - now.getTime()) / 1000));
  return { seconds, text: seconds === 0 ? 'hold over' : `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')} left` };
}

function renderOffer(offer: CancellationLine['offers'][number], view: CancellationsView): Html {
  const local = (at: Date) => DateTime.fromJSDate(at).setZone(view.clinic.timezone).setLocale('en-US');
  const left = holdLeft(offer.holdExpiresAt, view.now);
  return html`<li class="offer" data-offer="${offer.id}" data-state="${offer.state}">
    <span class="phone" data-phone>${offer.maskedPhone}</span>
    <span class="pill pill-${offer.state}">${OFFER_LABELS[offer.state]}</span>
    <span class="muted">Batch ${offer.batchNumber} · ${
      offer.textedAt === null
        ? `offered ${local(offer.sentAt).toLocaleString(DateTime.TIME_SIMPLE)}`
        : `sent ${local(offer.textedAt).toLocaleString(DateTime.TIME_SIMPLE)}`
    }</span>
    ${
      // The hold starts when the text goes: until then there is nothing to count down.
      offer.state === 'pending' && offer.textedAt === null
        ? html`<span class="hold" data-texting>Texting…</span>`
        : offer.state === 'pending'
          ? html`<span class="hold" role="timer" aria-label="Hold ends ${local(offer.holdExpiresAt).toLocaleString(DateTime.TIME_WITH_SECONDS)}" data-hold-expires="${offer.holdExpiresAt.toISOString()}" data-seconds-left="${left.seconds}">${left.text}</span>`
          : null
    }
  </li>`;
}

function renderLine(line: CancellationLine, view: CancellationsView, placed: PlacedError, notice: PlacedNotice): Html {
  const c = line.cancellation;
  const zone = view.clinic.timezone;
  const local = (at: Date) => DateTime.fromJSDate(at).setZone(zone).setLocale('en-US');
  // Intl's range format (formatRange) writes the end's date only when it is another day in the clinic's
  // zone: `Dec 7, 2026, 10:00 – 10:30 AM`, `Dec 7, 2026, 11:30 PM – Dec 8, 2026, 12:30 AM`.
  const slot = Interval.fromDateTimes(local(c.slotStartAt), local(c.slotEndAt)).toLocaleString(DateTime.DATETIME_MED);
  return html`<li class="cancellation card" id="${cancellationCardId(c.id)}" data-cancellation="${c.id}" data-status="${c.status}"${notice.cardAttrs(c.id)}>
  <div class="cancellation-top">
    <span class="slot">${slot}</span>
    <span class="pill pill-${c.status}">${STATUS_LABELS[c.status]}</span>
  </div>
  ${notice.card(c.id)}
  <dl class="facts">
    <div><dt>Provider</dt><dd>${line.providerName}</dd></div>
    <div><dt>Location</dt><dd>${c.location}</dd></div>
    ${c.reason === null ? null : html`<div><dt>Reason</dt><dd>${c.reason}</dd></div>`}
    <div><dt>Logged</dt><dd>${local(c.createdAt).toLocaleString(DateTime.DATETIME_MED)} by ${c.createdBy === 'staff' ? 'staff' : 'a cancelled appointment'}</dd></div>
    ${line.workflowUrl === null ? null : html`<div><dt>Workflow</dt><dd><a href="${line.workflowUrl}" target="_blank" rel="noopener">Open in Temporal</a></dd></div>`}
  </dl>
  ${
    line.offers.length === 0
      ? html`<p class="muted" data-no-offers>${NO_OFFERS[c.status]}</p>`
      : html`<ul class="offers" aria-label="Offers">${line.offers.map((offer) => renderOffer(offer, view))}</ul>`
  }
  ${
    c.status === 'open' && c.abortRequestedAt !== null
      ? html`<p class="muted" data-abort-under-way>Abort under way since ${local(c.abortRequestedAt).toLocaleString(DateTime.TIME_SIMPLE)}: the offers are withdrawn as soon as the offer workflow takes it.</p>`
      : c.status === 'open'
        ? html`<details class="confirm">
        <summary class="btn btn-danger">Abort…</summary>
        <form method="post" action="${view.urls.abort(c.id)}" class="confirm-form">
          <p>Stop offering this slot? Patients holding an offer are told it is withdrawn.</p>
          <button class="btn btn-danger" type="submit">Yes, stop offering</button>
        </form>
      </details>`
        : null
  }
  ${placed.card(c.id)}
</li>`;
}

/** Where the page shows its refusal: in the card of the cancellation it concerns, else in the banner. */
const placeViewError = (view: CancellationsView) =>
  placeError(
    view.error,
    view.errorFor,
    [...view.open, ...view.ended].map((line) => line.cancellation.id),
  );

/** Where the page shows its notice: in the card of the cancellation it concerns, else above the lists. */
const placeViewNotice = (view: CancellationsView) =>
  placeNotice(
    view.notice,
    view.noticeFor,
    [...view.open, ...view.ended].map((line) => line.cancellation.id),
  );

/** The live part of the page: open cancellations, then those ended in the last day (sent again after every change). */
export function renderCancellationLists(view: CancellationsView): Html {
  const [placed, notice] = [placeViewError(view), placeViewNotice(view)];
  return html`<section aria-labelledby="open-title" class="list">
    <h2 id="open-title">Open <span class="muted">(${view.open.length})</span></h2>
    ${
      view.open.length === 0
        ? html`<p class="empty">No slot is being offered.</p>`
        : html`<ol class="cancellations" data-list="open">${view.open.map((line) => renderLine(line, view, placed, notice))}</ol>`
    }
  </section>
  ${
    view.ended.length === 0
      ? null
      : html`<section aria-labelledby="ended-title" class="list">
        <h2 id="ended-title">Ended in the last day</h2>
        <ol class="cancellations" data-list="ended">${view.ended.map((line) => renderLine(line, view, placed, notice))}</ol>
      </section>`
  }`;
}

/** One labelled field of the form, with its error beside it when the refusal names it. */
function formField(form: CancellationForm, name: CancellationField, label: string | Html, control: (attrs: Html) => Html): Html {
  const error = form.error?.field === name ? form.error.message : undefined;
  const attrs = html`id="new-${name}" name="${name}"${error === undefined ? null : refusedControlAttrs(`new-${name}-error`)}`;
  return html`<div class="field${error === undefined ? '' : ' field-error'}">
    <label for="new-${name}">${label}</label>
    ${control(attrs)}
    ${error === undefined ? null : html`<p class="field-message" id="new-${name}-error" data-field-error="${name}">${error}</p>`}
  </div>`;
}

function renderCreateForm(view: CancellationsView): Html {
  const form = view.create ?? EMPTY_FORM;
  const v = form.values;
  const zone = view.clinic.timezone;
  const unplaced = form.error !== undefined && (form.error.field === undefined || !(CANCELLATION_FIELDS as readonly string[]).includes(form.error.field));
  return html`<section class="card add" aria-labelledby="new-title">
  <h2 id="new-title">Log a freed slot</h2>
  <p class="muted">Offers go to the best-placed eligible patients on the waitlist; the first YES gets the slot.</p>
  ${unplaced ? renderUnplacedRefusal(form.error!.message) : null}
  <form method="post" action="${view.urls.create}" class="entry-form">
    ${formField(
      form,
      'provider_id',
      'Provider',
      (a) =>
        html`<select ${a} required><option value="">Choose…</option>${view.providers.map(
          (p) =>
            html`<option value="${p.id}"${String(p.id) === v.provider_id ? raw(' selected') : null}>${p.name}${p.type === null ? '' : ` (${p.type})`}</option>`,
        )}</select>`,
    )}
    ${formField(form, 'location', 'Location', (a) => html`<input ${a} value="${v.location}" required maxlength="200" autocomplete="off">`)}
    ${formField(form, 'slot_start_at', html`Starts <span class="muted">(${zone})</span>`, (a) => html`<input ${a} type="datetime-local" value="${v.slot_start_at}" required>`)}
    ${formField(form, 'slot_end_at', html`Ends <span class="muted">(${zone})</span>`, (a) => html`<input ${a} type="datetime-local" value="${v.slot_end_at}" required>`)}
    ${formField(form, 'reason', html`Reason <span class="muted">(optional, staff only; never texted)</span>`, (a) => html`<input ${a} value="${v.reason}" maxlength="500" autocomplete="off">`)}
    <div class="form-submit"><button class="btn btn-primary" type="submit">Offer the slot</button></div>
  </form>
</section>`;
}

/** The whole page. */
export function renderCancellationsPage(view: CancellationsView): Html {
  const { banner } = placeViewError(view);
  const notice = placeViewNotice(view).page;
  return renderLayout({
    title: `Cancellations · ${view.clinic.name}`,
    styles: ['staff-nav.css', 'cancellations.css'],
    scripts: ['cancellations.js'],
    body: html`${renderStaffHeader({ clinic: view.clinic, current: 'cancellations', subtitle: 'Cancellations', showPhone: view.showPhone, status: renderLiveStatus() })}
<main class="page">
  ${notice === undefined ? null : html`<p class="flash flash-ok" role="status">${notice}</p>`}
  ${banner === undefined ? null : html`<p class="banner" role="alert">${banner}</p>`}
  <div id="cancellation-list" class="lists" data-events="${view.urls.events}" data-now="${view.now.toISOString()}">${renderCancellationLists(view)}</div>
  ${renderCreateForm(view)}
</main>`,
  });
}
