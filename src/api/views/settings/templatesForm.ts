/**
 * The Settings page's templates section: the selector that opens one message kind in one language
 * (`?kind=&language=`), the editor of its wording with the live preview, and the list of every kind in
 * that language.
 */
import { html, raw } from 'hono/html';
import { forbiddenPlaceholders, MESSAGE_KINDS, PLACEHOLDERS, validateTemplate, type MessageKind } from '../../../domain/messageTemplates.js';
import type { FieldLabels } from '../fieldLabels.js';
import type { Html } from '../layout.js';
import { nativeLanguageName } from '../languageNames.js';
import { renderTemplatePreview } from '../templatePreview.js';
import { option, renderNotice } from './formParts.js';
import { KIND_LABELS } from './messageKindLabels.js';
import type { SettingsView } from './settingsView.js';

/** The placeholders a `kind` template may use, as written (`{date}`): the domain's rules, asked one by one. */
function placeholdersFor(kind: MessageKind): string[] {
  return PLACEHOLDERS.map((name) => `{${name}}`).filter(
    (written) => validateTemplate(written, kind).length === 0 && forbiddenPlaceholders(written, kind).length === 0,
  );
}

/** The template selector's labels (`?kind=&language=` in the address) by the JSON API's field names: a refusal is shown in these words (fieldLabels.ts). */
export const SELECTOR_LABELS = { kind: 'Message', language: 'Language' } as const;

/** The template editor's labels: its wording is labelled by the message and language it is (`Reminder in Español`). */
export function templateLabels(kind: MessageKind, language: string): FieldLabels {
  return { body: templateLabel(kind, language) };
}

/** The label of the wording of `kind` in `language`: `Reminder in Español`. */
const templateLabel = (kind: MessageKind, language: string) => `${KIND_LABELS[kind]} in ${nativeLanguageName(language)}`;

/** The templates section: the selector, the editor and the list. */
export function renderTemplatesSection(view: SettingsView): Html {
  const e = view.editor;
  const fallsBack = e.bodyLanguage !== e.language;
  const [language, bodyLanguage] = [nativeLanguageName(e.language), nativeLanguageName(e.bodyLanguage)];
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
      <datalist id="languages">${view.languages.map((language) => html`<option value="${language}">${nativeLanguageName(language)}</option>`)}</datalist>
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
          ? `The clinic's own wording${fallsBack ? ` in ${bodyLanguage}, used until there is one in ${language}` : ''}.`
          : `Shipped with Frontdesk${fallsBack ? ` in ${bodyLanguage}: there is no wording in ${language} yet` : ''}. Saving makes it the clinic's own.`
      }</p>
      <textarea id="template-body" name="body" rows="5" maxlength="1600" required spellcheck="true" aria-describedby="template-source template-placeholders${
        e.error === undefined ? '' : ' template-body-error'
      }"${e.error === undefined ? null : raw(' aria-invalid="true" autofocus')}>${e.body}</textarea>
      ${e.error === undefined ? null : html`<p class="field-message" id="template-body-error" data-field-error="body">${e.error.message}</p>`}
      <p class="muted small" id="template-placeholders">Placeholders: ${placeholdersFor(e.kind).join(' ')}</p>
    </div>
    <div class="preview" id="template-preview" data-preview-url="${view.urls.preview}" aria-live="polite">${renderTemplatePreview(e.preview)}</div>
    <div class="actions"><button class="btn btn-primary" type="submit">Save template</button></div>
  </form>
  <div class="table-scroll" role="region" aria-labelledby="templates-caption" tabindex="0"><table class="table">
    <caption id="templates-caption">Every message in ${language}</caption>
    <thead><tr><th scope="col">Message</th><th scope="col">Wording</th><th scope="col">Segments</th></tr></thead>
    <tbody>
      ${view.templates.map(
        (t) => html`<tr${t.kind === e.kind ? raw(' aria-current="true"') : null}>
          <th scope="row"><a href="${view.urls.edit(t.kind, e.language)}">${KIND_LABELS[t.kind]}</a></th>
          <td>${t.source === 'clinic' ? 'Clinic' : 'Shipped'}${t.bodyLanguage === e.language ? '' : ` (${nativeLanguageName(t.bodyLanguage)})`}</td>
          <td>${t.kind.startsWith('call_') ? 'spoken' : html`<span class="${t.sample.segments > 1 ? 'over' : ''}">${t.sample.segments}</span>`}</td>
        </tr>`,
      )}
    </tbody>
  </table></div>
</section>`;
}
