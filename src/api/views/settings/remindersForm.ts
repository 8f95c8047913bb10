/**
 * The Settings page's reminder schedule: one row per rule (minutes before the visit, or a time the day
 * before), and empty rows to add one. The JSON API numbers a rule among the rules given; the form
 * numbers its rows.
 */
import { html } from 'hono/html';
import type { ClinicSettings } from '../../../clinics/clinicSettings.js';
import { MAX_REMINDER_RULES } from '../../../domain/reminderRules.js';
import type { FieldLabels } from '../fieldLabels.js';
import type { Html } from '../layout.js';
import { refusedControlAttrs } from '../refusedField.js';
import { option, renderNotice, unplacedError } from './formParts.js';
import type { FormRefusal, SettingsView } from './settingsView.js';

/**
 * The reminder schedule's labels by the JSON API's field names (fieldLabels.ts), for the rows as typed (`values`, `rows` of them): the
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

/** How many reminder rows the form offers: every rule, and two empty rows (at least three, at most the limit). */
export function reminderRowCount(rules: number): number {
  return Math.min(MAX_REMINDER_RULES, Math.max(3, rules + 2));
}

/** The stored rules as the form's field values: `rule_kind_0`, `rule_minutes_0` or `rule_time_0`, … */
export function storedReminderValues(settings: ClinicSettings): Record<string, string> {
  const reminders: Record<string, string> = {};
  settings.reminderRules.forEach((rule, i) => {
    reminders[`rule_kind_${i}`] = rule.kind;
    if (rule.kind === 'before') reminders[`rule_minutes_${i}`] = String(rule.minutes);
    else reminders[`rule_time_${i}`] = rule.time;
  });
  return reminders;
}

/** The reminder schedule section, showing `values` and the refusal `error` of the last post, if any. */
export function renderRemindersSection(view: SettingsView, values: Record<string, string>, error: FormRefusal | undefined): Html {
  const rows = reminderRowCount(view.settings.reminderRules.length);
  const isRuleField = (field: string) => /^reminder_rules\.\d+/.test(field);
  // The API names a rule by its place among the rules given; the rows skip empty ones.
  const erringRow = error?.field === undefined || !isRuleField(error.field) ? undefined : givenReminderRows(values, rows)[Number(error.field.split('.')[1])];
  return html`<section class="card section" id="reminders" aria-labelledby="reminders-title">
  <h2 id="reminders-title">Reminder schedule</h2>
  ${renderNotice(view, 'reminders')}
  <p class="muted">When an appointment's reminders go out, in the clinic's time zone and contact hours. No rule: no reminders.</p>
  ${erringRow === undefined ? unplacedError(error, () => false) : null}
  <form method="post" action="${view.urls.action('reminders')}" class="rules">
    ${Array.from({ length: rows }, (_, i) => {
      const kind = values[`rule_kind_${i}`] ?? '';
      const wrong = erringRow === i;
      // The refused row's control in view for its kind (its minutes, its time, else its choice) takes focus.
      const refusedControl = kind === 'before' ? 'minutes' : kind === 'day_before_at' ? 'time' : 'kind';
      const refused = (control: string) => (wrong && control === refusedControl ? refusedControlAttrs(`rule-error-${i}`) : null);
      return html`<fieldset class="rule${wrong ? ' field-error' : ''}" data-rule="${i}">
        <legend>Reminder ${i + 1}</legend>
        <div class="field">
          <label for="rule-kind-${i}">When</label>
          <select id="rule-kind-${i}" name="rule_kind_${i}" data-rule-kind${refused('kind')}>
            ${option('', 'No reminder', kind)}${option('before', 'Minutes before the visit', kind)}${option('day_before_at', 'The day before, at', kind)}
          </select>
        </div>
        <div class="field" data-rule-field="before">
          <label for="rule-minutes-${i}">Minutes before <span class="muted">(1440 = 1 day)</span></label>
          <input id="rule-minutes-${i}" name="rule_minutes_${i}" type="number" min="1" step="1" inputmode="numeric" value="${values[`rule_minutes_${i}`] ?? ''}"${refused('minutes')}>
        </div>
        <div class="field" data-rule-field="day_before_at">
          <label for="rule-time-${i}">Time of day</label>
          <input id="rule-time-${i}" name="rule_time_${i}" type="time" value="${values[`rule_time_${i}`] ?? ''}"${refused('time')}>
        </div>
        ${wrong ? html`<p class="field-message" id="rule-error-${i}" data-field-error="${error!.field}">${error!.message}</p>` : null}
      </fieldset>`;
    })}
    <div class="actions"><button class="btn btn-primary" type="submit">Save schedule</button></div>
  </form>
</section>`;
}
