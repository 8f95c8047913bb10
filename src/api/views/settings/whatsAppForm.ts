/**
 * The Settings page's WhatsApp section: the clinic's WhatsApp templates (Content SIDs Meta approved, by
 * message and language), each with its Remove form, and the form that adds or replaces one.
 */
import { html } from 'hono/html';
import type { ClinicSettings } from '../../../clinics/clinicSettings.js';
import { TEXT_KINDS } from '../../../domain/messageTemplates.js';
import type { Html } from '../layout.js';
import { fieldOwner, formFields, option, renderNotice, unplacedError } from './formParts.js';
import { KIND_LABELS } from './messageKindLabels.js';
import type { FormRefusal, SettingsView } from './settingsView.js';
import { nativeLanguageName, nativeLanguageNameWithTag } from '../languageNames.js';

/** The WhatsApp form's labels by the JSON API's field names: the page shows a refusal in these words (fieldLabels.ts). */
export const WHATSAPP_LABELS = { kind: 'Message', language: 'Language', content_sid: 'Content SID', variables: 'Variables, in order' } as const;

const WHATSAPP_FIELDS = ['kind', 'language', 'content_sid', 'variables'];

/** The form's values before anything is typed: a reminder in the clinic's default language. */
export function storedWhatsAppValues(settings: ClinicSettings): Record<string, string> {
  return { kind: 'reminder', language: settings.defaultLanguage };
}

/** The WhatsApp section, showing `values` and the refusal `error` of the last post, if any. */
export function renderWhatsAppSection(view: SettingsView, values: Record<string, string>, error: FormRefusal | undefined): Html {
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
        <th scope="row">${KIND_LABELS[t.kind]}</th><td>${nativeLanguageNameWithTag(t.language)}</td><td class="sid">${t.contentSid}</td>
        <td>${Object.entries(t.variables).map(([n, name]) => html`<span class="var">{{${n}}} {${name}}</span> `)}</td>
        <td><form method="post" action="${view.urls.action('whatsapp/delete')}">
          <input type="hidden" name="kind" value="${t.kind}"><input type="hidden" name="language" value="${t.language}">
          <button class="btn btn-danger" type="submit" aria-label="Remove the ${KIND_LABELS[t.kind]} template in ${nativeLanguageName(t.language)}">Remove</button>
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
