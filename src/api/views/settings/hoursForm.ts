/** The Settings page's hours section: time zone, office phone, contact hours, office days and hours, slot length. */
import { html, raw } from 'hono/html';
import type { ClinicSettings } from '../../../clinics/clinicSettings.js';
import type { Html } from '../layout.js';
import { fieldOwner, formFields, renderNotice, unplacedError } from './formParts.js';
import type { FormRefusal, SettingsView } from './settingsView.js';

/** The hours form's labels by the JSON API's field names: the page shows a refusal in these words (fieldLabels.ts). */
export const HOURS_LABELS = {
  timezone: 'Time zone',
  office_phone: 'Office phone',
  contact_hours_start: 'Texts and calls from',
  contact_hours_end: 'Texts and calls until',
  office_opens: 'Office opens',
  office_closes: 'Office closes',
  slot_minutes: 'Slot length',
  office_days: 'Office days',
} as const;

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

const HOURS_FIELDS = ['timezone', 'office_phone', 'contact_hours_start', 'contact_hours_end', 'office_days', 'office_opens', 'office_closes', 'slot_minutes'];

/** The stored settings as the form's field values (an office day: `office_day_N` is `on`, ISO weekday N). */
export function storedHoursValues(settings: ClinicSettings): Record<string, string> {
  const hours: Record<string, string> = {
    timezone: settings.timezone,
    office_phone: settings.officePhone ?? '',
    contact_hours_start: settings.contactHoursStart,
    contact_hours_end: settings.contactHoursEnd,
    office_opens: settings.officeOpens,
    office_closes: settings.officeCloses,
    slot_minutes: String(settings.slotMinutes),
  };
  for (const day of settings.officeDays) hours[`office_day_${day}`] = 'on';
  return hours;
}

/** The hours section, showing `values` and the refusal `error` of the last post, if any. */
export function renderHoursSection(view: SettingsView, values: Record<string, string>, error: FormRefusal | undefined): Html {
  const f = formFields('hours', values, error, (field) => HOURS_FIELDS.includes(fieldOwner(field)));
  const daysError = f.errorFor('office_days');
  return html`<section class="card section" id="hours" aria-labelledby="hours-title">
  <h2 id="hours-title">Hours, time zone and office phone</h2>
  ${renderNotice(view, 'hours')}
  ${unplacedError(error, (field) => HOURS_FIELDS.includes(fieldOwner(field)))}
  <form method="post" action="${view.urls.action('hours')}" class="grid-form">
    ${f.field('timezone', HOURS_LABELS.timezone, html`<input ${f.attrs('timezone')} value="${f.value('timezone')}" list="time-zones" autocomplete="off" required>`, '(IANA, e.g. America/Chicago)')}
    <datalist id="time-zones">${view.timeZones.map((zone) => html`<option value="${zone}"></option>`)}</datalist>
    ${f.field('office_phone', HOURS_LABELS.office_phone, html`<input ${f.attrs('office_phone')} type="tel" value="${f.value('office_phone')}" autocomplete="off">`, '(E.164; empty: the SMS number)')}
    ${f.field('contact_hours_start', HOURS_LABELS.contact_hours_start, html`<input ${f.attrs('contact_hours_start')} type="time" value="${f.value('contact_hours_start')}" required>`)}
    ${f.field('contact_hours_end', HOURS_LABELS.contact_hours_end, html`<input ${f.attrs('contact_hours_end')} type="time" value="${f.value('contact_hours_end')}" required>`)}
    ${f.field('office_opens', HOURS_LABELS.office_opens, html`<input ${f.attrs('office_opens')} type="time" value="${f.value('office_opens')}" required>`)}
    ${f.field('office_closes', HOURS_LABELS.office_closes, html`<input ${f.attrs('office_closes')} type="time" value="${f.value('office_closes')}" required>`)}
    ${f.field('slot_minutes', HOURS_LABELS.slot_minutes, html`<input ${f.attrs('slot_minutes')} type="number" min="5" max="480" step="5" value="${f.value('slot_minutes')}" required>`, '(minutes)')}
    <fieldset class="days${daysError === undefined ? '' : ' field-error'}"${daysError === undefined ? null : raw(' aria-describedby="hours-office_days-error"')}>
      <legend>${HOURS_LABELS.office_days}</legend>
      ${WEEKDAYS.map(
        (label, i) =>
          html`<label class="day"><input type="checkbox" name="office_day_${i + 1}"${values[`office_day_${i + 1}`] === 'on' ? raw(' checked') : null}${
            daysError !== undefined && i === 0 ? raw(' autofocus') : null
          }> ${label}</label>`,
      )}
      ${f.message('office_days')}
    </fieldset>
    <div class="actions"><button class="btn btn-primary" type="submit">Save hours</button></div>
  </form>
</section>`;
}
