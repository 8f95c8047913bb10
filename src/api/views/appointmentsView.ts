/**
 * The "Appointments" page: one clinic-local day (previous / next day, or any day from its date picker)
 * and its appointments as cards (time, patient's first name, provider, status, channel, last delivery,
 * next reminder, Temporal link, and a call-back notice when the patient asked for another time and the
 * appointment stayed as it was: see src/appointments/callBacks.ts), a small form per staff
 * change on each open one, and the booking form. Only the first name is shown: never the full name
 * or the phone. The list is live: appointments.js swaps in the fragment the event stream sends.
 */
import { html, raw } from 'hono/html';
import { DateTime } from 'luxon';
import type { Appointment } from '../../appointments/appointments.js';
import type { CallBack } from '../../appointments/callBacks.js';
import { MAIN_CLINIC_SLUG, type Clinic } from '../../clinics/clinics.js';
import { SHIPPED_LANGUAGES } from '../../domain/languages.js';
import type { AppointmentStatus } from '../../workflows/appointmentDefinitions.js';
import { placeError, type PlacedError } from './cardError.js';
import { placeNotice, type PlacedNotice } from './cardNotice.js';
import { nativeLanguageName } from './languageNames.js';
import { renderLayout, type Html } from './layout.js';
import { refusedControlAttrs, renderUnplacedRefusal } from './refusedField.js';
import { renderLiveStatus, renderStaffHeader } from './staffNav.js';

/** The `id` of appointment `id`'s card: a change to it answers with the page opened there (`#appointment-7`). */
export const appointmentCardId = (id: string) => `appointment-${id}`;

/** A staff change a card's forms post (the last path segment). */
export type AppointmentAction = 'remind' | 'visited' | 'no_show' | 'cancel' | 'move';

/** One card: the appointment, the first name to show, its latest message's last attempt, its run in the Temporal UI. */
export interface AppointmentLine {
  appointment: Appointment;
  firstName: string;
  /** The latest message (`kind`: `reminder`, `booking_confirmation`, …) and its last attempt; null before any. */
  lastDelivery: { kind: string; channel: string; status: string; errorCode: number | null } | null;
  /** The request to call the patient back about another time (src/appointments/callBacks.ts); null when none. */
  callBack: CallBack | null;
  /** The chain's page in the Temporal Web UI; null when the UI's address is not configured. */
  workflowUrl: string | null;
}

/** The booking form as typed (field → text) and, after a refusal, the error and the field it names. */
export interface BookingForm {
  values: Record<'patient_name' | 'phone' | 'starts_at' | 'duration_minutes' | 'provider' | 'service' | 'channel' | 'language', string>;
  error?: { message: string; field?: string | undefined };
}

/** What the page shows. `date` and `today` are clinic-local `YYYY-MM-DD`. */
export interface AppointmentsView {
  clinic: Clinic;
  date: string;
  today: string;
  lines: AppointmentLine[];
  showPhone: boolean;
  /**
   * When the page was made: an appointment not started by then offers "Remind now", one that has
   * started offers "No-show" instead (a no-show before the time is a slip of the hand; a reminder after
   * it is refused).
   */
  now: Date;
  /** Why the day asked for in the address (`?date=`) could not be shown: today is shown instead. */
  dateError?: string | undefined;
  /** That `?date=` as given (cut to 40 characters): the day picker shows it, marked invalid, rather than today. */
  refusedDate?: string | undefined;
  /** The outcome of the last form post, or why it was refused. */
  notice?: string | undefined;
  /** The appointment `notice` concerns: it shows in that card while the card is on the page, else above the day. */
  noticeFor?: string | undefined;
  error?: string | undefined;
  /** The appointment `error` concerns: it shows in that card while the card is on the page, else in the banner. */
  errorFor?: string | undefined;
  /** Present after a refused booking: the form comes back filled in. */
  booking?: BookingForm | undefined;
  /** `page`: the page itself, where the day picker's form goes (it sends `?date=` and, for a clinic other than `main`, `?clinic=`). */
  urls: { page: string; previous: string; next: string; today: string; book: string; events: string; action(id: string, action: AppointmentAction): string };
  /** The idempotency key the change forms of appointment `id` carry (src/api/idempotencyKey.ts). */
  formKey(id: string): string;
}

const STATUS_LABELS: Record<AppointmentStatus, string> = {
  booked: 'Booked',
  confirmed: 'Confirmed',
  cancelled: 'Cancelled',
  visited: 'Visited',
  no_show: 'No-show',
};

const CHANNEL_LABELS: Record<string, string> = { sms: 'SMS', whatsapp: 'WhatsApp', voice: 'Call' };

/** The booking form's labels by the JSON API's field names: the page shows a refusal in these words (fieldLabels.ts). */
export const BOOKING_LABELS = {
  patient_name: 'Patient name',
  phone: 'Mobile number',
  starts_at: 'Date and time',
  duration_minutes: 'Length (minutes)',
  provider: 'Provider',
  service: 'Service',
  channel: 'Reminders by',
  language: 'Language',
} as const satisfies Record<keyof BookingForm['values'], string>;

/** The day picker's label, as `BOOKING_LABELS`. */
export const DAY_LABELS = { date: 'Day' } as const;

/** The labels of an appointment card's forms (mark visited, move), as `BOOKING_LABELS`. */
export const CHANGE_LABELS = { follow_up_date: 'Follow-up date', starts_at: 'New time' } as const;

const EMPTY_BOOKING: BookingForm['values'] = {
  patient_name: '',
  phone: '',
  starts_at: '',
  duration_minutes: '30',
  provider: '',
  service: '',
  channel: 'sms',
  language: '',
};

const isOpen = (status: AppointmentStatus) => status === 'booked' || status === 'confirmed';

function renderLastDelivery(line: AppointmentLine): Html {
  const last = line.lastDelivery;
  if (last === null) return html`<span class="muted" data-last-delivery>none yet</span>`;
  const kind = last.kind.replaceAll('_', ' ');
  return html`<span data-last-delivery>${kind[0]!.toUpperCase()}${kind.slice(1)} · ${CHANNEL_LABELS[last.channel] ?? last.channel} ${last.status}${last.errorCode === null ? '' : ` (error ${last.errorCode})`}</span>`;
}

/**
 * Cancel in two steps, with no script: "Cancel…" opens the question, "Yes, cancel it" posts. A
 * `<details>` disclosure, so it works by keyboard and without JavaScript.
 */
function renderCancel(line: AppointmentLine, url: string, key: Html): Html {
  return html`<details class="confirm">
    <summary class="btn btn-danger">Cancel…</summary>
    <form method="post" action="${url}" class="confirm-form">${key}
      <p>Cancel ${line.firstName}'s appointment? The patient is told.</p>
      <button class="btn btn-danger" type="submit">Yes, cancel it</button>
    </form>
  </details>`;
}

function renderActions(line: AppointmentLine, view: AppointmentsView, zone: string): Html {
  const { id, startsAt } = line.appointment;
  const url = (action: AppointmentAction) => view.urls.action(id, action);
  const key = html`<input type="hidden" name="idempotency_key" value="${view.formKey(id)}">`;
  const button = (action: AppointmentAction, label: string, style: string) =>
    html`<form method="post" action="${url(action)}">${key}<button class="btn ${style}" type="submit">${label}</button></form>`;
  const localStart = DateTime.fromJSDate(startsAt).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm");
  return html`<div class="appt-actions">
    ${startsAt.getTime() > view.now.getTime() ? button('remind', 'Remind now', 'btn-primary') : button('no_show', 'No-show', 'btn-quiet')}
    ${renderCancel(line, url('cancel'), key)}
  </div>
  <div class="appt-forms">
    <form method="post" action="${url('visited')}" class="inline-form">${key}
      <label>${CHANGE_LABELS.follow_up_date} <span class="muted">(optional)</span><input type="date" name="follow_up_date"></label>
      <button class="btn btn-quiet" type="submit">Mark visited</button>
    </form>
    <form method="post" action="${url('move')}" class="inline-form">${key}
      <label>${CHANGE_LABELS.starts_at} <span class="muted">(${zone})</span><input type="datetime-local" name="starts_at" value="${localStart}" required></label>
      <button class="btn btn-quiet" type="submit">Move</button>
    </form>
  </div>`;
}

function renderLine(line: AppointmentLine, view: AppointmentsView, placed: PlacedError, notice: PlacedNotice): Html {
  const a = line.appointment;
  const zone = view.clinic.timezone;
  const local = (at: Date) => DateTime.fromJSDate(at).setZone(zone).setLocale('en-US');
  return html`<li class="appt card" id="${appointmentCardId(a.id)}" data-appointment="${a.id}" data-status="${a.status}"${notice.cardAttrs(a.id)}>
  <div class="appt-top">
    <span class="appt-time">${local(a.startsAt).toLocaleString(DateTime.TIME_SIMPLE)}</span>
    <span class="appt-name">${line.firstName}</span>
    <span class="pill pill-${a.status}">${STATUS_LABELS[a.status]}</span>
  </div>
  ${notice.card(a.id)}
  <dl class="appt-facts">
    <div><dt>Provider</dt><dd>${a.providerName} · ${a.service} · ${a.durationMinutes} min</dd></div>
    <div><dt>Channel</dt><dd>${CHANNEL_LABELS[a.channel] ?? a.channel}</dd></div>
    <div><dt>Last message</dt><dd>${renderLastDelivery(line)}</dd></div>
    <div><dt>Next reminder</dt><dd>${a.nextReminderAt === null ? html`<span class="muted">none planned</span>` : local(a.nextReminderAt).toLocaleString(DateTime.DATETIME_MED)}</dd></div>
    ${line.workflowUrl === null ? null : html`<div><dt>Workflow</dt><dd><a href="${line.workflowUrl}" target="_blank" rel="noopener">Open in Temporal</a></dd></div>`}
  </dl>
  ${line.callBack === null ? null : renderCallBack(line.firstName, line.callBack, local)}
  ${isOpen(a.status) ? renderActions(line, view, zone) : null}
  ${placed.card(a.id)}
</li>`;
}

/** The "Call back" notice of a card: who asked for another time, when (`local` writes an instant in the clinic's zone), and why nothing changed. */
function renderCallBack(firstName: string, callBack: CallBack, local: (at: Date) => DateTime): Html {
  const when = local(callBack.askedAt).toLocaleString(DateTime.DATETIME_MED);
  const why = {
    landline: html`asked for another time on the reminder call of ${when}. A landline takes no texts, so the time has not changed.`,
    no_open_times: html`asked for another time on ${when} and was told no other time is open. The time has not changed.`,
    no_time_chosen: html`asked for another time on ${when} and chose none of the times texted before the list lapsed. The time has not changed.`,
    times_not_sent: html`asked for another time on ${when}, on a reminder call, but the text with the open times could not be sent. The time has not changed.`,
  }[callBack.reason];
  return html`<p class="appt-call-back" data-call-back>
    <strong>Call back:</strong> ${firstName} ${why}
  </p>`;
}

/** One labelled field of the booking form (`BOOKING_LABELS[name]`, then `more`), with its error beside it when the refusal names it. */
function bookingField(form: BookingForm, name: keyof BookingForm['values'], more: string, control: (attrs: Html) => Html): Html {
  const label = `${BOOKING_LABELS[name]}${more}`;
  const error = form.error?.field === name ? form.error.message : undefined;
  const attrs = html`id="book-${name}" name="${name}"${error === undefined ? null : refusedControlAttrs(`book-${name}-error`)}`;
  return html`<div class="field${error === undefined ? '' : ' field-error'}">
    <label for="book-${name}">${label}</label>
    ${control(attrs)}
    ${error === undefined ? null : html`<p class="field-message" id="book-${name}-error" data-field-error="${name}">${error}</p>`}
  </div>`;
}

function renderBookingForm(view: AppointmentsView): Html {
  const form: BookingForm = view.booking ?? { values: EMPTY_BOOKING };
  const v = form.values;
  const option = (value: string, label: string, current: string) =>
    html`<option value="${value}"${value === current ? raw(' selected') : null}>${label}</option>`;
  const unplaced = form.error !== undefined && (form.error.field === undefined || !(form.error.field in v));
  return html`<section class="card book" aria-labelledby="book-title">
  <h2 id="book-title">Book an appointment</h2>
  ${unplaced ? renderUnplacedRefusal(form.error!.message) : null}
  <form method="post" action="${view.urls.book}" class="book-form">
    ${bookingField(form, 'patient_name', '', (a) => html`<input ${a} value="${v.patient_name}" autocomplete="off" required maxlength="100">`)}
    ${bookingField(form, 'phone', '', (a) => html`<input ${a} type="tel" value="${v.phone}" autocomplete="off" required>`)}
    ${bookingField(form, 'starts_at', ` (${view.clinic.timezone})`, (a) => html`<input ${a} type="datetime-local" value="${v.starts_at}" required>`)}
    ${bookingField(form, 'duration_minutes', '', (a) => html`<input ${a} type="number" min="5" max="480" step="5" value="${v.duration_minutes}" required>`)}
    ${bookingField(form, 'provider', '', (a) => html`<input ${a} value="${v.provider}" required maxlength="100">`)}
    ${bookingField(form, 'service', '', (a) => html`<input ${a} value="${v.service}" required maxlength="100">`)}
    ${bookingField(
      form,
      'channel',
      '',
      (a) =>
        html`<select ${a}>${option('sms', 'SMS', v.channel)}${option('whatsapp', 'WhatsApp', v.channel)}${option('voice', 'Phone call', v.channel)}</select>`,
    )}
    ${bookingField(
      form,
      'language',
      '',
      (a) =>
        html`<select ${a}>${option('', 'Their usual / the clinic’s', v.language)}${SHIPPED_LANGUAGES.map((l) => option(l, nativeLanguageName(l), v.language))}</select>`,
    )}
    <div class="book-submit"><button class="btn btn-primary" type="submit">Book</button></div>
  </form>
</section>`;
}

/** Where the page shows its refusal: in the card of the appointment it concerns, else in the banner. */
const placeViewError = (view: AppointmentsView) =>
  placeError(
    view.error,
    view.errorFor,
    view.lines.map((line) => line.appointment.id),
  );

/** Where the page shows its notice: in the card of the appointment it concerns, else above the day. */
const placeViewNotice = (view: AppointmentsView) =>
  placeNotice(
    view.notice,
    view.noticeFor,
    view.lines.map((line) => line.appointment.id),
  );

/** The live part of the page: the day's appointments (sent again over the event stream after every change). */
export function renderAppointmentsDay(view: AppointmentsView): Html {
  const [placed, notice] = [placeViewError(view), placeViewNotice(view)];
  return view.lines.length === 0
    ? html`<p class="empty">No appointments this day.</p>`
    : html`<ol class="appts">${view.lines.map((line) => renderLine(line, view, placed, notice))}</ol>`;
}

/** The whole page. */
export function renderAppointmentsPage(view: AppointmentsView): Html {
  const day = DateTime.fromISO(view.date).setLocale('en-US').toLocaleString(DateTime.DATE_HUGE);
  const { banner } = placeViewError(view);
  const notice = placeViewNotice(view).page;
  return renderLayout({
    title: `Appointments · ${view.clinic.name}`,
    styles: ['staff-nav.css', 'appointments.css'],
    scripts: ['appointments.js'],
    body: html`${renderStaffHeader({
      clinic: view.clinic,
      current: 'appointments',
      subtitle: 'Appointments',
      showPhone: view.showPhone,
      status: renderLiveStatus(),
    })}
<main class="page">
  ${notice === undefined ? null : html`<p class="flash flash-ok" role="status">${notice}</p>`}
  ${view.dateError === undefined ? null : html`<p class="banner" role="alert" id="day-pick-error" data-date-error>${view.dateError}</p>`}
  ${banner === undefined ? null : html`<p class="banner" role="alert">${banner}</p>`}
  <section aria-labelledby="day-title" class="day">
    <div class="day-head">
      <h2 id="day-title">${day}${view.date === view.today ? ' (today)' : ''}</h2>
      <nav class="day-nav" aria-label="Other days">
        <a class="btn btn-quiet" href="${view.urls.previous}" rel="prev">← Previous day</a>
        ${view.date === view.today ? null : html`<a class="btn btn-quiet" href="${view.urls.today}">Today</a>`}
        <a class="btn btn-quiet" href="${view.urls.next}" rel="next">Next day →</a>
      </nav>
      <form class="day-pick" method="get" action="${view.urls.page}">
        ${view.clinic.slug === MAIN_CLINIC_SLUG ? null : html`<input type="hidden" name="clinic" value="${view.clinic.slug}">`}
        <label for="day-pick-date">${DAY_LABELS.date} <span class="muted">(${view.clinic.timezone})</span></label>
        ${
          view.refusedDate === undefined
            ? html`<input id="day-pick-date" type="date" name="date" value="${view.date}" required>`
            : // The day asked for, as typed, which a date field cannot hold: a text field marked invalid, described by the banner.
              html`<input id="day-pick-date" type="text" name="date" value="${view.refusedDate}" required inputmode="numeric" placeholder="YYYY-MM-DD" aria-invalid="true" aria-describedby="day-pick-error">`
        }
        <button class="btn btn-quiet" type="submit">Show</button>
      </form>
    </div>
    <div id="day-list" data-events="${view.urls.events}">${renderAppointmentsDay(view)}</div>
  </section>
  ${renderBookingForm(view)}
</main>`,
  });
}
