/**
 * The "Settings" page: a clinic's message templates (one kind and language at a time, with the live
 * preview and the list of kinds in that language), reminder schedule, hours and time zone, WhatsApp
 * Content SIDs and rooms open, each a form of its own. A refused form comes back as typed with the
 * refusal beside the field it names; the others show what is stored.
 */
import { html, raw } from 'hono/html';
import type { Clinic } from '../../clinics/clinics.js';
import type { ClinicSettings } from '../../clinics/clinicSettings.js';
import type { TemplatePreview, TemplateWithSample } from '../../clinics/messageTemplates.js';
import type { WhatsAppTemplate } from '../../clinics/whatsAppTemplates.js';
import { forbiddenPlaceholders, MESSAGE_KINDS, PLACEHOLDERS, TEXT_KINDS, validateTemplate, type MessageKind } from '../../domain/messageTemplates.js';
import { MAX_REMINDER_RULES } from '../../domain/reminderRules.js';
import { MAX_ROOMS_OPEN, MIN_ROOMS_OPEN } from '../../clinics/clinics.js';
import type { FieldLabels } from './fieldLabels.js';
import { renderLayout, type Html } from './layout.js';
import { renderStaffHeader } from './staffNav.js';
import { renderTemplatePreview } from './templatePreview.js';

/** The page's forms, by the last segment of the path they post to. */
export type SettingsForm = 'templates' | 'reminders' | 'hours' | 'whatsapp' | 'rooms';

/** Why a form was refused: the message and the field it names (as the JSON API names it). */
export interface FormRefusal {
  message: string;
  field?: string | undefined;
}

/** A refused form: what staff typed (field name → text) and why it was refused. */
export interface RefusedForm {
  form: Exclude<SettingsForm, 'templates'>;
  values: Record<string, string>;
  error: FormRefusal;
}

/** The template being edited: as typed (after a refusal) or in effect. */
export interface TemplateEditor {
  kind: MessageKind;
  language: string;
  body: string;
  /** Where the wording in effect comes from, and its language (another one when it falls back). */
  source: 'clinic' | 'default';
  bodyLanguage: string;
  preview: TemplatePreview;
  error?: FormRefusal | undefined;
}

/** What the page shows. */
export interface SettingsView {
  clinic: Clinic;
  settings: ClinicSettings;
  showPhone: boolean;
  /** What the last form saved, shown in that form's section. */
  notice?: { form: SettingsForm; text: string } | undefined;
  editor: TemplateEditor;
  /** Every kind in effect in the editor's language. */
  templates: TemplateWithSample[];
  /** Languages the clinic has wording in (shipped, default, its own). */
  languages: string[];
  /** Why the kind or language asked for in the address could not be opened. */
  selectorError?: string | undefined;
  whatsApp: WhatsAppTemplate[];
  refused?: RefusedForm | undefined;
  /** IANA time zones to suggest. */
  timeZones: readonly string[];
  urls: { action(form: SettingsForm | 'whatsapp/delete'): string; preview: string; page: string; edit(kind: MessageKind, language: string): string };
}

const KIND_LABELS: Record<MessageKind, string> = {
  booking_confirmation: 'Booking confirmation',
  reminder: 'Reminder',
  confirmed: 'Confirmed',
  cancelled: 'Cancelled',
  reschedule_options: 'Reschedule options',
  rescheduled: 'Rescheduled',
  no_open_slots: 'No open slots',
  followup_reminder: 'Follow-up reminder',
  help: 'Help',
  call_reminder: 'Call: reminder menu',
  call_voicemail: 'Call: voicemail',
  call_confirmed: 'Call: confirmed',
  call_cancelled: 'Call: cancelled',
  call_reschedule: 'Call: another time',
  call_goodbye: 'Call: no answer',
  call_unrecorded: 'Call: not recorded',
  call_confirmed_landline: 'Call: confirmed (landline)',
  call_cancelled_landline: 'Call: cancelled (landline)',
  call_reschedule_landline: 'Call: another time (landline)',
  call_wrong_keys: 'Call: wrong keys',
  call_not_a_choice: 'Call: menu after a wrong key',
  offer: 'Waitlist: offer',
  offer_won: 'Waitlist: slot taken',
  offer_taken: 'Waitlist: slot gone',
  offer_declined: 'Waitlist: declined',
  offer_withdrawn: 'Waitlist: withdrawn',
};

/** The placeholders a `kind` template may use, as written (`{date}`): the domain's rules, asked one by one. */
function placeholdersFor(kind: MessageKind): string[] {
  return PLACEHOLDERS.map((name) => `{${name}}`).filter(
    (written) => validateTemplate(written, kind).length === 0 && forbiddenPlaceholders(written, kind).length === 0,
  );
}

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

/** The WhatsApp form's labels, as `HOURS_LABELS`. */
export const WHATSAPP_LABELS = { kind: 'Message', language: 'Language', content_sid: 'Content SID', variables: 'Variables, in order' } as const;

/** The rooms form's label, as `HOURS_LABELS`. */
export const ROOMS_LABELS = { rooms_open: 'Rooms open now' } as const;

/** The template selector's labels (`?kind=&language=` in the address), as `HOURS_LABELS`. */
export const SELECTOR_LABELS = { kind: 'Message', language: 'Language' } as const;

/** The template editor's labels: its wording is labelled by the message and language it is (`Reminder in es`). */
export function templateLabels(kind: MessageKind, language: string): FieldLabels {
  return { body: templateLabel(kind, language) };
}

/** The label of the wording of `kind` in `language`: `Reminder in es`. */
const templateLabel = (kind: MessageKind, language: string) => `${KIND_LABELS[kind]} in ${language}`;

/**
 * The reminder schedule's labels, as `HOURS_LABELS`, for the rows as typed (`values`, `rows` of them): the
 * JSON API numbers a rule among the rules given (`reminder_rules.1.minutes`), the form by its row, which
 * counts the rows set to no reminder too (`Reminder 3, minutes before`).
 */
export function reminderLabels(values: Record<string, string>, rows: number): FieldLabels {
  const labels: Record<string, string> = { reminder_rules: 'Reminder schedule' };
  givenReminderRows(values, rows).forEach((row, given) => {
    const name = `Reminder ${row + 1}`;
    Object.assign(labels, {
      [`reminder_rules.${given}`]: name,
      [`reminder_rules.${given}.kind`]: `${name}, when`,
      [`reminder_rules.${given}.minutes`]: `${name}, minutes before`,
      [`reminder_rules.${given}.time`]: `${name}, time of day`,
    });
  });
  return labels;
}

/** The rows (0-based) of the `rows` reminder rows that give a rule, in order: the JSON API's rule `i` is row `givenReminderRows(…)[i]`. */
function givenReminderRows(values: Record<string, string>, rows: number): number[] {
  return Array.from({ length: rows }, (_, i) => i).filter((i) => (values[`rule_kind_${i}`] ?? '') !== '');
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** How many reminder rows the form offers: every rule, and two empty rows (at least three, at most the limit). */
export function reminderRowCount(rules: number): number {
  return Math.min(MAX_REMINDER_RULES, Math.max(3, rules + 2));
}

/** The stored settings as the forms' field values (a new WhatsApp template: a reminder in the default language). */
export function storedFormValues(settings: ClinicSettings): Record<Exclude<SettingsForm, 'templates'>, Record<string, string>> {
  const reminders: Record<string, string> = {};
  settings.reminderRules.forEach((rule, i) => {
    reminders[`rule_kind_${i}`] = rule.kind;
    if (rule.kind === 'before') reminders[`rule_minutes_${i}`] = String(rule.minutes);
    else reminders[`rule_time_${i}`] = rule.time;
  });
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
  return { reminders, hours, whatsapp: { kind: 'reminder', language: settings.defaultLanguage }, rooms: { rooms_open: String(settings.roomsOpen) } };
}

/** A form's field helper: ids, the error beside the field it names (`field` or one under it, `reminder_rules.0.minutes`). */
function formFields(form: string, values: Record<string, string>, error: FormRefusal | undefined, names: (field: string) => boolean) {
  const errorFor = (name: string) => (error?.field !== undefined && names(error.field) && fieldOwner(error.field) === name ? error.message : undefined);
  const attrs = (name: string) => {
    const message = errorFor(name);
    return html`id="${form}-${name}" name="${name}"${message === undefined ? null : html` aria-invalid="true" aria-describedby="${form}-${name}-error"`}`;
  };
  const message = (name: string) => {
    const text = errorFor(name);
    return text === undefined ? null : html`<p class="field-message" id="${form}-${name}-error" data-field-error="${name}">${text}</p>`;
  };
  const field = (name: string, label: string, control: Html, hint?: string) =>
    html`<div class="field${errorFor(name) === undefined ? '' : ' field-error'}">
      <label for="${form}-${name}">${label}${hint === undefined ? null : html` <span class="muted">${hint}</span>`}</label>
      ${control}
      ${message(name)}
    </div>`;
  const value = (name: string) => values[name] ?? '';
  return { attrs, field, message, value, errorFor };
}

/** The form field an API field name belongs to: `office_days.0` → `office_days`, `variables.2` → `variables`. */
function fieldOwner(field: string): string {
  return field.split('.')[0]!;
}

/** The refusal of `form` as a banner when it names no field of the form (or none at all). */
function unplacedError(error: FormRefusal | undefined, placed: (field: string) => boolean): Html {
  if (error === undefined) return html``;
  const isPlaced = error.field !== undefined && placed(error.field);
  return isPlaced ? html`<p class="visually-hidden" role="alert">${error.message}</p>` : html`<p class="field-message" role="alert">${error.message}</p>`;
}

/** The notice of the last save, in the section of the form it saved. */
function renderNotice(view: SettingsView, form: SettingsForm): Html {
  return view.notice?.form === form ? html`<p class="flash flash-ok" role="status">${view.notice.text}</p>` : html``;
}

const option = (value: string, label: string, current: string) =>
  html`<option value="${value}"${value === current ? raw(' selected') : null}>${label}</option>`;

function renderTemplatesSection(view: SettingsView): Html {
  const e = view.editor;
  const fallsBack = e.bodyLanguage !== e.language;
  return html`<section class="card section" id="templates" aria-labelledby="templates-title">
  <h2 id="templates-title">Message templates</h2>
  ${renderNotice(view, 'templates')}
  <form method="get" action="${view.urls.page}" class="selector">
    ${view.clinic.slug === 'main' ? null : html`<input type="hidden" name="clinic" value="${view.clinic.slug}">`}
    <div class="field">
      <label for="select-kind">${SELECTOR_LABELS.kind}</label>
      <select id="select-kind" name="kind">${MESSAGE_KINDS.map((kind) => option(kind, KIND_LABELS[kind], e.kind))}</select>
    </div>
    <div class="field">
      <label for="select-language">${SELECTOR_LABELS.language} <span class="muted">(en, es, pt-BR…)</span></label>
      <input id="select-language" name="language" value="${e.language}" list="languages" autocomplete="off" required>
      <datalist id="languages">${view.languages.map((language) => html`<option value="${language}"></option>`)}</datalist>
    </div>
    <div class="field field-button"><button class="btn btn-quiet" type="submit">Open</button></div>
  </form>
  ${view.selectorError === undefined ? null : html`<p class="field-message" role="alert">${view.selectorError}</p>`}
  <form method="post" action="${view.urls.action('templates')}" class="editor" id="template-form">
    <input type="hidden" name="kind" value="${e.kind}">
    <input type="hidden" name="language" value="${e.language}">
    <div class="field${e.error === undefined ? '' : ' field-error'}">
      <label for="template-body">${templateLabel(e.kind, e.language)}</label>
      <p class="muted" id="template-source">${
        e.source === 'clinic'
          ? `The clinic's own wording${fallsBack ? ` in ${e.bodyLanguage}, used until there is one in ${e.language}` : ''}.`
          : `Shipped with Frontdesk${fallsBack ? ` in ${e.bodyLanguage}: there is no wording in ${e.language} yet` : ''}. Saving makes it the clinic's own.`
      }</p>
      <textarea id="template-body" name="body" rows="5" maxlength="1600" required spellcheck="true" aria-describedby="template-source template-placeholders${
        e.error === undefined ? '' : ' template-body-error'
      }"${e.error === undefined ? null : raw(' aria-invalid="true"')}>${e.body}</textarea>
      ${e.error === undefined ? null : html`<p class="field-message" id="template-body-error" data-field-error="body" role="alert">${e.error.message}</p>`}
      <p class="muted small" id="template-placeholders">Placeholders: ${placeholdersFor(e.kind).join(' ')}</p>
    </div>
    <div class="preview" id="template-preview" data-preview-url="${view.urls.preview}" aria-live="polite">${renderTemplatePreview(e.preview)}</div>
    <div class="actions"><button class="btn btn-primary" type="submit">Save template</button></div>
  </form>
  <div class="table-scroll" role="region" aria-labelledby="templates-caption" tabindex="0"><table class="table">
    <caption id="templates-caption">Every message in ${e.language}</caption>
    <thead><tr><th scope="col">Message</th><th scope="col">Wording</th><th scope="col">Segments</th></tr></thead>
    <tbody>
      ${view.templates.map(
        (t) => html`<tr${t.kind === e.kind ? raw(' aria-current="true"') : null}>
          <th scope="row"><a href="${view.urls.edit(t.kind, e.language)}">${KIND_LABELS[t.kind]}</a></th>
          <td>${t.source === 'clinic' ? 'Clinic' : 'Shipped'}${t.bodyLanguage === e.language ? '' : ` (${t.bodyLanguage})`}</td>
          <td>${t.kind.startsWith('call_') ? 'spoken' : html`<span class="${t.sample.segments > 1 ? 'over' : ''}">${t.sample.segments}</span>`}</td>
        </tr>`,
      )}
    </tbody>
  </table></div>
</section>`;
}

function renderRemindersSection(view: SettingsView, values: Record<string, string>, error: FormRefusal | undefined): Html {
  const rows = reminderRowCount(view.settings.reminderRules.length);
  const isRuleField = (field: string) => /^reminder_rules\.\d+/.test(field);
  // The API names a rule by its place among the rules given; the rows skip empty ones.
  const erringRow = error?.field === undefined || !isRuleField(error.field) ? undefined : givenReminderRows(values, rows)[Number(error.field.split('.')[1])];
  return html`<section class="card section" id="reminders" aria-labelledby="reminders-title">
  <h2 id="reminders-title">Reminder schedule</h2>
  ${renderNotice(view, 'reminders')}
  <p class="muted">When an appointment's reminders go out, in the clinic's time zone and contact hours. No rule: no reminders.</p>
  ${erringRow === undefined ? unplacedError(error, () => false) : html`<p class="visually-hidden" role="alert">${error!.message}</p>`}
  <form method="post" action="${view.urls.action('reminders')}" class="rules">
    ${Array.from({ length: rows }, (_, i) => {
      const kind = values[`rule_kind_${i}`] ?? '';
      const wrong = erringRow === i;
      return html`<fieldset class="rule${wrong ? ' field-error' : ''}" data-rule="${i}">
        <legend>Reminder ${i + 1}</legend>
        <div class="field">
          <label for="rule-kind-${i}">When</label>
          <select id="rule-kind-${i}" name="rule_kind_${i}" data-rule-kind>
            ${option('', 'No reminder', kind)}${option('before', 'Minutes before the visit', kind)}${option('day_before_at', 'The day before, at', kind)}
          </select>
        </div>
        <div class="field" data-rule-field="before">
          <label for="rule-minutes-${i}">Minutes before <span class="muted">(1440 = 1 day)</span></label>
          <input id="rule-minutes-${i}" name="rule_minutes_${i}" type="number" min="1" step="1" inputmode="numeric" value="${values[`rule_minutes_${i}`] ?? ''}">
        </div>
        <div class="field" data-rule-field="day_before_at">
          <label for="rule-time-${i}">Time of day</label>
          <input id="rule-time-${i}" name="rule_time_${i}" type="time" value="${values[`rule_time_${i}`] ?? ''}">
        </div>
        ${wrong ? html`<p class="field-message" data-field-error="${error!.field}">${error!.message}</p>` : null}
      </fieldset>`;
    })}
    <div class="actions"><button class="btn btn-primary" type="submit">Save schedule</button></div>
  </form>
</section>`;
}

const HOURS_FIELDS = ['timezone', 'office_phone', 'contact_hours_start', 'contact_hours_end', 'office_days', 'office_opens', 'office_closes', 'slot_minutes'];

function renderHoursSection(view: SettingsView, values: Record<string, string>, error: FormRefusal | undefined): Html {
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
          html`<label class="day"><input type="checkbox" name="office_day_${i + 1}"${values[`office_day_${i + 1}`] === 'on' ? raw(' checked') : null}> ${label}</label>`,
      )}
      ${f.message('office_days')}
    </fieldset>
    <div class="actions"><button class="btn btn-primary" type="submit">Save hours</button></div>
  </form>
</section>`;
}

const WHATSAPP_FIELDS = ['kind', 'language', 'content_sid', 'variables'];

function renderWhatsAppSection(view: SettingsView, values: Record<string, string>, error: FormRefusal | undefined): Html {
  const f = formFields('whatsapp', values, error, (field) => WHATSAPP_FIELDS.includes(fieldOwner(field)));
  const kind = values.kind ?? 'reminder';
  return html`<section class="card section" id="whatsapp" aria-labelledby="whatsapp-title">
  <h2 id="whatsapp-title">WhatsApp templates</h2>
  ${renderNotice(view, 'whatsapp')}
  <p class="muted">Outside the 24-hour window WhatsApp takes only a template Meta approved: its Content SID, per message and language, and the placeholder that fills each numbered variable.</p>
  ${
    view.whatsApp.length === 0
      ? html`<p class="empty">No WhatsApp templates yet: WhatsApp messages outside the window go by SMS.</p>`
      : html`<div class="table-scroll" role="region" aria-label="WhatsApp templates" tabindex="0"><table class="table">
    <caption class="visually-hidden">WhatsApp templates</caption>
    <thead><tr><th scope="col">Message</th><th scope="col">Language</th><th scope="col">Content SID</th><th scope="col">Variables</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
    <tbody>${view.whatsApp.map(
      (t) => html`<tr>
        <th scope="row">${KIND_LABELS[t.kind]}</th><td>${t.language}</td><td class="sid">${t.contentSid}</td>
        <td>${Object.entries(t.variables).map(([n, name]) => html`<span class="var">{{${n}}} {${name}}</span> `)}</td>
        <td><form method="post" action="${view.urls.action('whatsapp/delete')}">
          <input type="hidden" name="kind" value="${t.kind}"><input type="hidden" name="language" value="${t.language}">
          <button class="btn btn-danger" type="submit" aria-label="Remove the ${KIND_LABELS[t.kind]} template in ${t.language}">Remove</button>
        </form></td>
      </tr>`,
    )}</tbody>
  </table></div>`
  }
  ${unplacedError(error, (field) => WHATSAPP_FIELDS.includes(fieldOwner(field)))}
  <form method="post" action="${view.urls.action('whatsapp')}" class="grid-form">
    ${f.field('kind', WHATSAPP_LABELS.kind, html`<select ${f.attrs('kind')}>${TEXT_KINDS.map((k) => option(k, KIND_LABELS[k], kind))}</select>`)}
    ${f.field('language', WHATSAPP_LABELS.language, html`<input ${f.attrs('language')} value="${f.value('language')}" list="languages" autocomplete="off" required>`)}
    ${f.field('content_sid', WHATSAPP_LABELS.content_sid, html`<input ${f.attrs('content_sid')} value="${f.value('content_sid')}" autocomplete="off" spellcheck="false" required>`, '(HX…)')}
    ${f.field(
      'variables',
      WHATSAPP_LABELS.variables,
      html`<textarea ${f.attrs('variables')} rows="3" spellcheck="false">${f.value('variables')}</textarea>`,
      '(one placeholder a line: {{1}}, {{2}}, …)',
    )}
    <div class="actions"><button class="btn btn-primary" type="submit">Save WhatsApp template</button></div>
  </form>
</section>`;
}

function renderRoomsSection(view: SettingsView, values: Record<string, string>, error: FormRefusal | undefined): Html {
  const f = formFields('rooms', values, error, (field) => field === 'rooms_open');
  return html`<section class="card section" id="rooms" aria-labelledby="rooms-title">
  <h2 id="rooms-title">Rooms</h2>
  ${renderNotice(view, 'rooms')}
  ${unplacedError(error, (field) => field === 'rooms_open')}
  <form method="post" action="${view.urls.action('rooms')}" class="grid-form">
    ${f.field(
      'rooms_open',
      ROOMS_LABELS.rooms_open,
      html`<input ${f.attrs('rooms_open')} type="number" min="${MIN_ROOMS_OPEN}" max="${MAX_ROOMS_OPEN}" step="1" value="${f.value('rooms_open')}" required>`,
      '(every ETA follows)',
    )}
    <div class="actions"><button class="btn btn-primary" type="submit">Save rooms</button></div>
  </form>
</section>`;
}

/** The Settings page. */
export function renderSettingsPage(view: SettingsView): Html {
  const stored = storedFormValues(view.settings);
  const valuesOf = (form: RefusedForm['form']) => (view.refused?.form === form ? view.refused.values : stored[form]);
  const errorOf = (form: RefusedForm['form']) => (view.refused?.form === form ? view.refused.error : undefined);
  return renderLayout({
    title: `Settings · ${view.clinic.name}`,
    styles: ['staff-nav.css', 'settings.css'],
    scripts: ['settings.js'],
    body: html`${renderStaffHeader({ clinic: view.clinic, current: 'settings', subtitle: 'Settings', showPhone: view.showPhone })}
<main class="page">
  <nav class="jump" aria-label="Settings sections">
    <a href="#templates">Templates</a> <a href="#reminders">Reminders</a> <a href="#hours">Hours</a> <a href="#whatsapp">WhatsApp</a> <a href="#rooms">Rooms</a>
  </nav>
  ${renderTemplatesSection(view)}
  ${renderRemindersSection(view, valuesOf('reminders'), errorOf('reminders'))}
  ${renderHoursSection(view, valuesOf('hours'), errorOf('hours'))}
  ${renderWhatsAppSection(view, valuesOf('whatsapp'), errorOf('whatsapp'))}
  ${renderRoomsSection(view, valuesOf('rooms'), errorOf('rooms'))}
</main>`,
  });
}
