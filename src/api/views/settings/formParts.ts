/**
 * The parts every form of the Settings page is built from: labelled fields with the refusal beside the
 * field it names, the banner for a refusal that names none of them, the notice of the last save and a
 * select's options.
 */
import { html, raw } from 'hono/html';
import type { Html } from '../layout.js';
import { refusedControlAttrs, renderUnplacedRefusal } from '../refusedField.js';
import type { FormRefusal, SettingsForm, SettingsView } from './settingsView.js';

/** A form's field helper: ids, the error beside the field it names (`field` or one under it, `reminder_rules.0.minutes`). */
export function formFields(form: string, values: Record<string, string>, error: FormRefusal | undefined, names: (field: string) => boolean) {
  const errorFor = (name: string) => (error?.field !== undefined && names(error.field) && fieldOwner(error.field) === name ? error.message : undefined);
  const attrs = (name: string) => {
    const message = errorFor(name);
    return html`id="${form}-${name}" name="${name}"${message === undefined ? null : refusedControlAttrs(`${form}-${name}-error`)}`;
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
export function fieldOwner(field: string): string {
  return field.split('.')[0]!;
}

/** The refusal of `form` as a banner when it names no field of the form (or none at all). */
export function unplacedError(error: FormRefusal | undefined, placed: (field: string) => boolean): Html {
  if (error === undefined) return html``;
  // A refusal beside its field needs nothing here: the field takes focus and is described by it (refusedField.ts).
  return error.field !== undefined && placed(error.field) ? html`` : renderUnplacedRefusal(error.message);
}

/** The notice of the last save, in the section of the form it saved. */
export function renderNotice(view: SettingsView, form: SettingsForm): Html {
  return view.notice?.form === form ? html`<p class="flash flash-ok" role="status">${view.notice.text}</p>` : html``;
}

/** A select's option `value` shown as `label`, selected when it is `current`. */
export const option = (value: string, label: string, current: string) =>
  html`<option value="${value}"${value === current ? raw(' selected') : null}>${label}</option>`;
