/**
 * The "Numbers" page: for a range of the clinic's local dates, a chart per number (patients served
 * per day, no-show rate, confirmation rate, delivery rate by channel, the waitlist's fill rate and
 * time to fill) drawn by Chart.js from the data
 * in its canvas's `data-chart` attribute, and beneath each chart the table of the same numbers.
 */
import { html } from 'hono/html';
import { DateTime } from 'luxon';
import type { Clinic } from '../../clinics/clinics.js';
import type { ChannelDelivery, FrontDeskDay, FrontDeskMetrics } from '../../metrics/frontDeskMetrics.js';
import type { WaitlistDays } from '../../metrics/waitlistDays.js';
import { renderLayout, type Html } from './layout.js';
import { renderStaffHeader } from './staffNav.js';

/** The range form as typed, and the refusal naming `from` or `to`. */
export interface RangeForm {
  from: string;
  to: string;
  error?: { message: string; field?: string | undefined } | undefined;
}

/** The range form's labels by the JSON API's field names: the page shows a refusal in these words (fieldLabels.ts). */
export const RANGE_LABELS = { from: 'From', to: 'To' } as const;

/** What the page shows. */
export interface NumbersView {
  clinic: Clinic;
  showPhone: boolean;
  metrics: FrontDeskMetrics;
  /** The waitlist's fill rate and time to fill, per day and in total. */
  waitlist: WaitlistDays;
  form: RangeForm;
  /** The page's address for a range (the presets link to it). */
  urls: { page: string; range(from: string, to: string): string };
  /** Clinic-local today, `YYYY-MM-DD`. */
  today: string;
}

/** A chart as the page's script draws it (Chart.js `type`; rates are 0–1 shown as percent). */
interface ChartSpec {
  type: 'bar' | 'line';
  labels: string[];
  datasets: { label: string; data: (number | null)[]; color: string }[];
  percent: boolean;
  stacked: boolean;
}

const COLORS = { teal: '#0f766e', indigo: '#4338ca', amber: '#b45309', red: '#b42318' } as const;

const CHANNEL_LABELS: Record<ChannelDelivery['channel'], string> = { sms: 'SMS', whatsapp: 'WhatsApp', voice: 'Calls' };

/** A rate for people: `80%`, `33.3%`, `—` when there is nothing to divide. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

/** A day as the charts label it: `Tue 10 Nov`. */
const dayLabel = (date: string) => DateTime.fromISO(date).setLocale('en-GB').toFormat('ccc d LLL');

/** `1 appointment`, `2 appointments`. */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** A day in the page's subtitle: `10 Nov 2026`. */
const fullDay = (date: string) => DateTime.fromISO(date).setLocale('en-GB').toFormat('d LLL yyyy');

/** A figure: heading, the headline number, the chart and its table. */
function renderChart(id: string, title: string, headline: Html, spec: ChartSpec, description: string, table: Html): Html {
  return html`<section class="card chart" aria-labelledby="${id}-title" data-chart-section="${id}">
  <h2 id="${id}-title">${title}</h2>
  <p class="summary">${headline}</p>
  <div class="chart-box"><canvas id="${id}-chart" role="img" aria-label="${description}" data-chart="${JSON.stringify(spec)}"></canvas></div>
  <div class="table-scroll" role="region" aria-label="${title}: the numbers" tabindex="0">${table}</div>
</section>`;
}

/** The days with any of `has` counted (days with nothing are left out of the tables). */
const daysWith = (days: FrontDeskDay[], has: (day: FrontDeskDay) => boolean) => days.filter(has);

function emptyRow(columns: number, text: string): Html {
  return html`<tr><td colspan="${columns}" class="muted">${text}</td></tr>`;
}

function renderServed(m: FrontDeskMetrics): Html {
  const rows = daysWith(m.days, (d) => d.patients_served > 0);
  return renderChart(
    'served',
    'Patients served per day',
    html`${m.totals.patients_served} <span>served (${count(m.totals.walk_ins_served, 'walk-in')}, ${count(m.totals.visited, 'appointment')})</span>`,
    {
      type: 'bar',
      labels: m.days.map((d) => dayLabel(d.date)),
      datasets: [
        { label: 'Walk-ins done', data: m.days.map((d) => d.walk_ins_served), color: COLORS.teal },
        { label: 'Appointments visited', data: m.days.map((d) => d.visited), color: COLORS.indigo },
      ],
      percent: false,
      stacked: true,
    },
    'Bar chart of patients served each day, walk-ins and appointments stacked; the table below has the numbers.',
    html`<table class="table">
      <thead><tr><th scope="col">Day</th><th scope="col">Walk-ins</th><th scope="col">Appointments</th><th scope="col">Served</th></tr></thead>
      <tbody>${
        rows.length === 0
          ? emptyRow(4, 'No patient served in this range.')
          : rows.map(
              (d) => html`<tr><th scope="row">${dayLabel(d.date)}</th><td>${d.walk_ins_served}</td><td>${d.visited}</td><td>${d.patients_served}</td></tr>`,
            )
      }</tbody>
      <tfoot><tr><th scope="row">Total</th><td>${m.totals.walk_ins_served}</td><td>${m.totals.visited}</td><td>${m.totals.patients_served}</td></tr></tfoot>
    </table>`,
  );
}

function renderNoShows(m: FrontDeskMetrics): Html {
  const rows = daysWith(m.days, (d) => d.visited + d.no_shows > 0);
  return renderChart(
    'no-shows',
    'No-show rate',
    html`${formatRate(m.totals.no_show_rate)} <span>of ${count(m.totals.visited + m.totals.no_shows, 'appointment')} marked visited or no-show</span>`,
    {
      type: 'bar',
      labels: m.days.map((d) => dayLabel(d.date)),
      datasets: [{ label: 'No-show rate', data: m.days.map((d) => d.no_show_rate), color: COLORS.red }],
      percent: true,
      stacked: false,
    },
    'Bar chart of the no-show rate each day; the table below has the numbers.',
    html`<table class="table">
      <thead><tr><th scope="col">Day</th><th scope="col">Marked</th><th scope="col">No-shows</th><th scope="col">Rate</th></tr></thead>
      <tbody>${
        rows.length === 0
          ? emptyRow(4, 'No appointment marked visited or no-show in this range.')
          : rows.map(
              (d) =>
                html`<tr><th scope="row">${dayLabel(d.date)}</th><td>${d.visited + d.no_shows}</td><td>${d.no_shows}</td><td>${formatRate(d.no_show_rate)}</td></tr>`,
            )
      }</tbody>
      <tfoot><tr><th scope="row">Total</th><td>${m.totals.visited + m.totals.no_shows}</td><td>${m.totals.no_shows}</td><td>${formatRate(m.totals.no_show_rate)}</td></tr></tfoot>
    </table>`,
  );
}

function renderConfirmations(m: FrontDeskMetrics): Html {
  const rows = daysWith(m.days, (d) => d.appointments > 0);
  return renderChart(
    'confirmations',
    'Confirmation rate',
    html`${formatRate(m.totals.confirmation_rate)} <span>of ${count(m.totals.appointments, 'appointment')} confirmed by the patient</span>`,
    {
      type: 'bar',
      labels: m.days.map((d) => dayLabel(d.date)),
      datasets: [{ label: 'Confirmation rate', data: m.days.map((d) => d.confirmation_rate), color: COLORS.teal }],
      percent: true,
      stacked: false,
    },
    'Bar chart of the confirmation rate each day; the table below has the numbers.',
    html`<table class="table">
      <thead><tr><th scope="col">Day</th><th scope="col">Appointments</th><th scope="col">Confirmed</th><th scope="col">Rate</th></tr></thead>
      <tbody>${
        rows.length === 0
          ? emptyRow(4, 'No appointment in this range.')
          : rows.map(
              (d) =>
                html`<tr><th scope="row">${dayLabel(d.date)}</th><td>${d.appointments}</td><td>${d.confirmed}</td><td>${formatRate(d.confirmation_rate)}</td></tr>`,
            )
      }</tbody>
      <tfoot><tr><th scope="row">Total</th><td>${m.totals.appointments}</td><td>${m.totals.confirmed}</td><td>${formatRate(m.totals.confirmation_rate)}</td></tr></tfoot>
    </table>`,
  );
}

function renderDelivery(m: FrontDeskMetrics): Html {
  const sent = m.delivery.reduce((sum, c) => sum + c.sent, 0);
  return renderChart(
    'delivery',
    'Delivery rate by channel',
    html`${sent} <span>texts and calls sent</span>`,
    {
      type: 'bar',
      labels: m.delivery.map((c) => CHANNEL_LABELS[c.channel]),
      datasets: [{ label: 'Delivery rate', data: m.delivery.map((c) => c.delivery_rate), color: COLORS.indigo }],
      percent: true,
      stacked: false,
    },
    'Bar chart of the delivery rate of SMS, WhatsApp and calls; the table below has the numbers.',
    html`<table class="table">
      <thead><tr><th scope="col">Channel</th><th scope="col">Sent</th><th scope="col">Delivered</th><th scope="col">Not delivered</th><th scope="col">Awaiting receipt</th><th scope="col">Rate</th></tr></thead>
      <tbody>${m.delivery.map(
        (c) =>
          html`<tr><th scope="row">${CHANNEL_LABELS[c.channel]}</th><td>${c.sent}</td><td>${c.delivered}</td><td>${c.not_delivered}</td><td>${c.awaiting_receipt}</td><td>${formatRate(c.delivery_rate)}</td></tr>`,
      )}</tbody>
    </table>`,
  );
}

/** Minutes for people: `12.5 min`, `—` when none filled. */
const formatMinutes = (minutes: number | null) => (minutes === null ? '—' : `${minutes} min`);

function renderFillRate(w: WaitlistDays): Html {
  const rows = w.days.filter((d) => d.cancellations > 0);
  const ended = w.total.filled + w.total.expired;
  return renderChart(
    'fill-rate',
    'Waitlist fill rate',
    html`${formatRate(w.total.fillRate)} <span>of ${count(ended, 'freed slot')} that filled or expired (target 80%)</span>`,
    {
      type: 'bar',
      labels: w.days.map((d) => dayLabel(d.date)),
      datasets: [{ label: 'Fill rate', data: w.days.map((d) => d.fillRate), color: COLORS.teal }],
      percent: true,
      stacked: false,
    },
    'Bar chart of the share of freed slots refilled from the waitlist, by the day each was cancelled; the table below has the numbers.',
    html`<table class="table">
      <thead><tr><th scope="col">Day</th><th scope="col">Cancellations</th><th scope="col">Filled</th><th scope="col">Expired</th><th scope="col">Rate</th></tr></thead>
      <tbody>${
        rows.length === 0
          ? emptyRow(5, 'No cancellation logged in this range.')
          : rows.map(
              (d) =>
                html`<tr><th scope="row">${dayLabel(d.date)}</th><td>${d.cancellations}</td><td>${d.filled}</td><td>${d.expired}</td><td>${formatRate(d.fillRate)}</td></tr>`,
            )
      }</tbody>
      <tfoot><tr><th scope="row">Total</th><td>${w.total.cancellations}</td><td>${w.total.filled}</td><td>${w.total.expired}</td><td>${formatRate(w.total.fillRate)}</td></tr></tfoot>
    </table>`,
  );
}

function renderTimeToFill(w: WaitlistDays): Html {
  const rows = w.days.filter((d) => d.filled > 0);
  return renderChart(
    'time-to-fill',
    'Time to fill',
    html`${formatMinutes(w.total.timeToFillMinutes.median)} <span>median, ${formatMinutes(w.total.timeToFillMinutes.p90)} p90 (target under 120 min)</span>`,
    {
      type: 'bar',
      labels: w.days.map((d) => dayLabel(d.date)),
      datasets: [
        { label: 'Median (min)', data: w.days.map((d) => d.timeToFillMinutes.median), color: COLORS.indigo },
        { label: 'p90 (min)', data: w.days.map((d) => d.timeToFillMinutes.p90), color: COLORS.amber },
      ],
      percent: false,
      stacked: false,
    },
    'Bar chart of the minutes from a cancellation to its refill, median and 90th percentile, by day; the table below has the numbers.',
    html`<table class="table">
      <thead><tr><th scope="col">Day</th><th scope="col">Filled</th><th scope="col">Median</th><th scope="col">p90</th></tr></thead>
      <tbody>${
        rows.length === 0
          ? emptyRow(4, 'No freed slot filled in this range.')
          : rows.map(
              (d) =>
                html`<tr><th scope="row">${dayLabel(d.date)}</th><td>${d.filled}</td><td>${formatMinutes(d.timeToFillMinutes.median)}</td><td>${formatMinutes(d.timeToFillMinutes.p90)}</td></tr>`,
            )
      }</tbody>
      <tfoot><tr><th scope="row">Total</th><td>${w.total.filled}</td><td>${formatMinutes(w.total.timeToFillMinutes.median)}</td><td>${formatMinutes(w.total.timeToFillMinutes.p90)}</td></tr></tfoot>
    </table>`,
  );
}

function renderRangeForm(view: NumbersView): Html {
  const { form } = view;
  const fieldError = (name: 'from' | 'to') => (form.error?.field === name ? form.error.message : undefined);
  const input = (name: 'from' | 'to', label: string) => {
    const error = fieldError(name);
    return html`<div class="field${error === undefined ? '' : ' field-error'}">
      <label for="range-${name}">${label}</label>
      <input id="range-${name}" name="${name}" type="date" value="${form[name]}" required${
        error === undefined ? null : html` aria-invalid="true" aria-describedby="range-${name}-error"`
      }>
      ${error === undefined ? null : html`<p class="field-message" id="range-${name}-error" role="alert">${error}</p>`}
    </div>`;
  };
  const preset = (days: number) =>
    view.urls.range(
      DateTime.fromISO(view.today)
        .minus({ days: days - 1 })
        .toISODate()!,
      view.today,
    );
  return html`<section class="card range" aria-labelledby="range-title">
  <h2 id="range-title" class="visually-hidden">Date range</h2>
  <form method="get" action="${view.urls.page}" class="range-form">
    ${view.clinic.slug === 'main' ? null : html`<input type="hidden" name="clinic" value="${view.clinic.slug}">`}
    ${input('from', RANGE_LABELS.from)}
    ${input('to', RANGE_LABELS.to)}
    <div class="field"><button class="btn btn-primary" type="submit">Show</button></div>
  </form>
  <p class="presets"><a href="${preset(7)}">Last 7 days</a> <a href="${preset(30)}">Last 30 days</a> <a href="${preset(90)}">Last 90 days</a></p>
  <p class="muted note">Days are ${view.clinic.timezone} dates, both ends included: appointments by the day they start, walk-ins by their service day, texts and calls by the day they were sent.</p>
</section>`;
}

/** The Numbers page. */
export function renderNumbersPage(view: NumbersView): Html {
  const m = view.metrics;
  return renderLayout({
    title: `Numbers · ${view.clinic.name}`,
    styles: ['staff-nav.css', 'numbers.css'],
    scripts: ['chart.js', 'numbers.js'],
    body: html`${renderStaffHeader({ clinic: view.clinic, current: 'numbers', subtitle: `Numbers, ${fullDay(m.from)} – ${fullDay(m.to)}`, showPhone: view.showPhone })}
<main class="page">
  ${renderRangeForm(view)}
  <div class="charts">
    ${renderServed(m)}
    ${renderNoShows(m)}
    ${renderConfirmations(m)}
    ${renderDelivery(m)}
    ${renderFillRate(view.waitlist)}
    ${renderTimeToFill(view.waitlist)}
  </div>
</main>`,
  });
}
