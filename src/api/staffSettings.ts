/**
 * The staff board's "Settings" page under `/admin/settings`: a clinic's message templates with a live
 * preview, reminder schedule, hours and time zone, WhatsApp templates and rooms open. Each form is
 * read into the JSON API's own request shape and checked by its schema, then saved by the same
 * function the API calls (`saveTemplate`, `updateClinicSettings`, `saveWhatsAppTemplate`,
 * `setRoomsOpen`), so the rules and refusals are the API's. A saved form answers 303 back to its
 * section with a notice; a refused one re-shows the page (400) with what was typed and the refusal
 * beside the field it names.
 */
import { staffPageUrl } from './staffPageUrl.js';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { getClinicBySlug, type Clinic } from '../clinics/clinics.js';
import { getClinicSettings, updateClinicSettings } from '../clinics/clinicSettings.js';
import { findTemplate, listTemplates, previewTemplate, saveTemplate, type TemplatePreview } from '../clinics/messageTemplates.js';
import { setRoomsOpen } from '../clinics/setRoomsOpen.js';
import { deleteWhatsAppTemplate, listWhatsAppTemplates, saveWhatsAppTemplate } from '../clinics/whatsAppTemplates.js';
import { isKnownLanguage } from '../domain/languages.js';
import { nativeLanguageName, nativeLanguageNameWithTag } from './views/languageNames.js';
import { MESSAGE_KINDS, type MessageKind } from '../domain/messageTemplates.js';
import { AppError, STATUS_BY_CODE } from '../errors.js';
import type { AppDeps } from './app.js';
import { settingsPatch, ZClinicSettingsPatch, ZRoomsForm } from './clinic.js';
import { ZTemplateBody, ZTemplatePath } from './clinicTemplates.js';
import { readForm } from './requestBody.js';
import { requireStaffSession, type StaffSessions } from './session.js';
import { ZClinicSlug, parseOrThrow } from './validation.js';
import { ZWhatsAppTemplateBody, ZWhatsAppTemplatePath } from './whatsAppTemplates.js';
import { labelFieldMessage, type FieldLabels } from './views/fieldLabels.js';
import { renderTemplatePreview } from './views/templatePreview.js';
import { HOURS_LABELS } from './views/settings/hoursForm.js';
import { reminderLabels, reminderRowCount } from './views/settings/remindersForm.js';
import { ROOMS_LABELS } from './views/settings/roomsForm.js';
import { renderSettingsPage } from './views/settings/settingsPage.js';
import type { FormRefusal, RefusedForm, SettingsForm, SettingsView, TemplateEditor } from './views/settings/settingsView.js';
import { SELECTOR_LABELS, templateLabels } from './views/settings/templatesForm.js';
import { WHATSAPP_LABELS } from './views/settings/whatsAppForm.js';

/** Where the page lives, as the browser sees it (the board app is mounted at `/admin`). */
export const SETTINGS_PATH = '/admin/settings';
/** Longest notice the page shows from `?notice=` (characters). */
const MAX_NOTICE_CHARS = 300;
/** The page's forms, each in the section of the same id (where its answer returns, with its notice). */
const FORMS = ['templates', 'reminders', 'hours', 'whatsapp', 'rooms'] as const satisfies readonly SettingsForm[];
const WEEKDAY_NUMBERS = [1, 2, 3, 4, 5, 6, 7] as const;

/**
 * A form's address: the clinic, and the template open on the page (kept open after the answer). A
 * kind or language of any length is taken, so one the page cannot open is refused by `render` in the
 * selector's words, however long.
 */
const ZActionQuery = z.object({
  clinic: ZClinicSlug,
  kind: z.string().optional(),
  language: z.string().optional(),
});
const ZPageQuery = ZActionQuery.extend({
  notice: z.string().max(MAX_NOTICE_CHARS).optional().catch(undefined),
  saved: z.enum(FORMS).optional().catch(undefined),
});

/** Longest part of the address's `?kind=` (40) or `?language=` (20) a refusal repeats (characters). */
const ECHO_CHARS = { kind: 40, language: 20 } as const;

/** `value` as a refusal of the address's `field` repeats it: past `ECHO_CHARS` characters, cut and marked `…`. */
function echoed(value: string, field: keyof typeof ECHO_CHARS): string {
  const chars = Array.from(value);
  return chars.length > ECHO_CHARS[field] ? `${chars.slice(0, ECHO_CHARS[field]).join('')}…` : value;
}

/** `path` under the page for clinic `slug` with `params`, carrying `?clinic=` only for a clinic other than `main`. */
function pageUrl(slug: string, path = '', params: Partial<Record<string, string>> = {}, section?: string): string {
  return `${staffPageUrl(SETTINGS_PATH, slug, path, params)}${section === undefined ? '' : `#${section}`}`;
}

/** The form's text fields (a file field counts as empty). */
function textFields(form: Record<string, string | File>): Record<string, string> {
  return Object.fromEntries(Object.entries(form).map(([name, value]) => [name, typeof value === 'string' ? value : '']));
}

/** A number field as the JSON API takes it: digits become a number; anything else stays text, so the schema names it. */
const numberOrText = (text: string | undefined): number | string | undefined => (text === undefined ? undefined : /^\d{1,9}$/.test(text) ? Number(text) : text);

/** A textarea's line breaks as a text message has them (browsers post CRLF). */
const lineBreaks = (text: string) => text.replace(/\r\n?/g, '\n');

/** The hours form as `PATCH /api/clinic` takes it: office days from one checkbox per weekday, an empty office phone as none. */
function hoursRequest(values: Record<string, string>): unknown {
  return {
    timezone: values.timezone?.trim(),
    office_phone: (values.office_phone ?? '').trim() === '' ? null : values.office_phone!.trim(),
    contact_hours_start: values.contact_hours_start,
    contact_hours_end: values.contact_hours_end,
    office_opens: values.office_opens,
    office_closes: values.office_closes,
    office_days: WEEKDAY_NUMBERS.filter((day) => values[`office_day_${day}`] === 'on'),
    slot_minutes: numberOrText(values.slot_minutes),
  };
}

/** The reminder rows as `PATCH /api/clinic`'s `reminder_rules`, in row order, rows set to no reminder left out. */
function remindersRequest(values: Record<string, string>, rows: number): unknown {
  const rules: unknown[] = [];
  for (let i = 0; i < rows; i++) {
    const kind = values[`rule_kind_${i}`] ?? '';
    if (kind === '') continue;
    if (kind === 'before') rules.push({ kind, minutes: numberOrText(values[`rule_minutes_${i}`]) });
    else rules.push({ kind, time: values[`rule_time_${i}`] });
  }
  return { reminder_rules: rules };
}

/** The variables textarea (one placeholder a line) as the JSON API's `{"1": …, "2": …}`. */
function variablesRequest(text: string): Record<string, string> {
  const lines = lineBreaks(text)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return Object.fromEntries(lines.map((line, i) => [String(i + 1), line]));
}

/** Only `AppError`s are refusals to show beside a form, in the words of its `labels`; anything else is the app's 500. */
function refusalOf(error: unknown, labels: FieldLabels): FormRefusal & { code: AppError['code'] } {
  if (!(error instanceof AppError)) throw error;
  return { code: error.code, message: labelFieldMessage(error.message, error.field, labels), field: error.field };
}

/**
 * Why the address's `?language=` (`asked`) opens no template, naming the languages the clinic has
 * templates in (`languages`, each by its name and tag) and how another one is opened: `language: no
 * language “xx”; templates are in English (en), Español (es) (a new language opens by its tag, such as pt-BR)`. A tag is refused when it is not a
 * language dates can be written in (`isKnownLanguage`), well-formed or not.
 */
function unknownLanguage(asked: string, languages: readonly string[]): string {
  return `language: no language “${asked}”; templates are in ${languages.map(nativeLanguageNameWithTag).join(', ')} (a new language opens by its tag, such as pt-BR)`;
}

/** `preview` with the refusal saving would give in the words of the editor's labels. */
function labelledPreview(preview: TemplatePreview, labels: FieldLabels): TemplatePreview {
  const { problem } = preview;
  if (problem === undefined) return preview;
  return { ...preview, problem: new AppError(problem.code, labelFieldMessage(problem.message, problem.field, labels), problem.field) };
}

/**
 * Routes relative to `/admin/settings`: `GET /` (the page; `?kind=&language=` opens a template; a kind
 * or language it cannot open answers 400, the reminder or the clinic's language in its place and the selector saying why),
 * `POST /templates`, `POST /templates/preview` (the preview as an HTML fragment), `POST /reminders`,
 * `POST /hours`, `POST /whatsapp`, `POST /whatsapp/delete`, `POST /rooms`. The caller applies the CSRF check.
 */
export function staffSettingsRoutes(deps: AppDeps, sessions: StaffSessions): Hono {
  const app = new Hono();
  const page = requireStaffSession(sessions, { redirect: true });
  // The preview is fetched by the page's script: without a session, a 401, not the sign-in page.
  const fragment = requireStaffSession(sessions, { redirect: false });

  const render = async (
    c: Context,
    clinic: Clinic,
    what: {
      kind?: string | undefined;
      language?: string | undefined;
      editor?: Pick<TemplateEditor, 'body' | 'error'>;
      refused?: RefusedForm;
      notice?: SettingsView['notice'];
    },
    status: ContentfulStatusCode = 200,
  ) => {
    const settings = await getClinicSettings(deps.sql, clinic.id);
    const all = await listTemplates(deps.sql, clinic);
    const languages = [...new Set(all.map((t) => t.language))];
    const problems: string[] = [];
    let kind: MessageKind = 'reminder';
    if (what.kind !== undefined) {
      if ((MESSAGE_KINDS as readonly string[]).includes(what.kind)) kind = what.kind as MessageKind;
      else problems.push(labelFieldMessage(`kind: no message ${echoed(what.kind, 'kind')}`, 'kind', SELECTOR_LABELS));
    }
    let language = clinic.defaultLanguage;
    if (what.language !== undefined) {
      if (isKnownLanguage(what.language)) language = what.language;
      else problems.push(labelFieldMessage(unknownLanguage(echoed(what.language, 'language'), languages), 'language', SELECTOR_LABELS));
    }
    const inEffect = await findTemplate(deps.sql, clinic, kind, language);
    const body = what.editor?.body ?? inEffect.body;
    const editorLabels = { ...SELECTOR_LABELS, ...templateLabels(kind, language) };
    const refusal = what.editor?.error;
    const editor: TemplateEditor = {
      kind,
      language,
      body,
      source: inEffect.source,
      bodyLanguage: inEffect.bodyLanguage,
      preview: labelledPreview(previewTemplate(clinic, { kind, language, body }), editorLabels),
      error: refusal === undefined ? undefined : { ...refusal, message: labelFieldMessage(refusal.message, refusal.field, editorLabels) },
    };
    const inLanguage = languages.includes(language)
      ? all.filter((t) => t.language === language)
      : await Promise.all(MESSAGE_KINDS.map((k) => findTemplate(deps.sql, clinic, k, language)));
    const view: SettingsView = {
      clinic,
      settings,
      showPhone: deps.consoleTelephone !== undefined,
      notice: what.notice,
      editor,
      templates: inLanguage,
      languages,
      selectorError: problems.length === 0 ? undefined : problems.join('; '),
      whatsApp: await listWhatsAppTemplates(deps.sql, clinic.id),
      refused: what.refused,
      timeZones: Intl.supportedValuesOf('timeZone'),
      urls: {
        page: SETTINGS_PATH,
        preview: pageUrl(clinic.slug, '/templates/preview'),
        action: (form) => pageUrl(clinic.slug, `/${form}`, { kind, language }),
        edit: (k, l) => pageUrl(clinic.slug, '', { kind: k, language: l }, 'templates'),
      },
    };
    c.header('Cache-Control', 'no-store');
    // A template the address asks for that cannot be opened is a query refused, as on the other staff pages.
    return c.html(renderSettingsPage(view), problems.length > 0 && status === 200 ? STATUS_BY_CODE.bad_request : status);
  };

  /** The 303 back to the form's section with `notice`, keeping the template open. */
  const saved = (c: Context, clinic: Clinic, form: SettingsForm, notice: string, template: { kind?: string | undefined; language?: string | undefined } = {}) =>
    c.redirect(pageUrl(clinic.slug, '', { kind: template.kind, language: template.language, saved: form, notice }, form), 303);

  const settingsQuery = (c: Context) => parseOrThrow(ZActionQuery, c.req.query());

  app.get('/', page, async (c) => {
    const query = parseOrThrow(ZPageQuery, c.req.query());
    const clinic = await getClinicBySlug(deps.sql, query.clinic);
    const notice = query.notice === undefined ? undefined : { form: query.saved ?? 'templates', text: query.notice };
    return render(c, clinic, { kind: query.kind, language: query.language, notice });
  });

  // The live preview: the wording as typed, rendered and counted as saving would, as an HTML fragment.
  app.post('/templates/preview', fragment, async (c) => {
    const clinic = await getClinicBySlug(deps.sql, parseOrThrow(ZActionQuery, c.req.query()).clinic);
    const form = textFields(await readForm(c));
    const { kind, language } = parseOrThrow(ZTemplatePath, { kind: form.kind, language: form.language });
    const body = lineBreaks(form.body ?? '');
    c.header('Cache-Control', 'no-store');
    return c.html(renderTemplatePreview(labelledPreview(previewTemplate(clinic, { kind, language, body }), templateLabels(kind, language))));
  });

  app.post('/templates', page, async (c) => {
    const clinic = await getClinicBySlug(deps.sql, settingsQuery(c).clinic);
    const form = textFields(await readForm(c));
    const body = lineBreaks(form.body ?? '');
    try {
      const { kind, language } = parseOrThrow(ZTemplatePath, { kind: form.kind, language: form.language });
      const template = await saveTemplate(deps.sql, clinic, { kind, language, body: parseOrThrow(ZTemplateBody, { body }).body });
      const size = template.sample.segments;
      return saved(
        c,
        clinic,
        'templates',
        `Saved the ${kind.replaceAll('_', ' ')} template in ${nativeLanguageName(language)} (${size} SMS segment${size === 1 ? '' : 's'} with sample values).`,
        {
          kind,
          language,
        },
      );
    } catch (error) {
      // Labelled by `render`, which knows the template the editor shows.
      const { code, ...refusal } = refusalOf(error, {});
      return render(c, clinic, { kind: form.kind, language: form.language, editor: { body, error: refusal } }, STATUS_BY_CODE[code]);
    }
  });

  /**
   * A settings form: read into the API's request, checked by its schema, saved by `read`; refused, the
   * page again with what was typed and the refusal in the words of the form's `labels`.
   */
  const settingsForm = (
    form: RefusedForm['form'],
    labels: (values: Record<string, string>, clinic: Clinic) => Promise<FieldLabels> | FieldLabels,
    read: (values: Record<string, string>, clinic: Clinic) => Promise<string>,
  ) =>
    app.post(`/${form}`, page, async (c) => {
      const query = settingsQuery(c);
      const clinic = await getClinicBySlug(deps.sql, query.clinic);
      const values = textFields(await readForm(c));
      try {
        return saved(c, clinic, form, await read(values, clinic), query);
      } catch (error) {
        const { code, ...refusal } = refusalOf(error, error instanceof AppError ? await labels(values, clinic) : {});
        return render(c, clinic, { kind: query.kind, language: query.language, refused: { form, values, error: refusal } }, STATUS_BY_CODE[code]);
      }
    });

  /** The reminder rows the form shows for `clinic`'s rules (reminderRowCount). */
  const reminderRows = async (clinic: Clinic) => reminderRowCount((await getClinicSettings(deps.sql, clinic.id)).reminderRules.length);

  settingsForm(
    'hours',
    () => HOURS_LABELS,
    async (values, clinic) => {
      await updateClinicSettings(deps.sql, clinic.id, settingsPatch(parseOrThrow(ZClinicSettingsPatch, hoursRequest(values))));
      return 'Saved the hours and time zone.';
    },
  );

  settingsForm(
    'reminders',
    async (values, clinic) => reminderLabels(values, await reminderRows(clinic)),
    async (values, clinic) => {
      const rows = await reminderRows(clinic);
      const patch = settingsPatch(parseOrThrow(ZClinicSettingsPatch, remindersRequest(values, rows)));
      const { reminderRules } = await updateClinicSettings(deps.sql, clinic.id, patch);
      return reminderRules.length === 0 ? 'Saved: no reminders.' : `Saved ${reminderRules.length} reminder${reminderRules.length === 1 ? '' : 's'}.`;
    },
  );

  settingsForm(
    'whatsapp',
    () => WHATSAPP_LABELS,
    async (values, clinic) => {
      const { kind, language } = parseOrThrow(ZWhatsAppTemplatePath, { kind: values.kind, language: (values.language ?? '').trim() });
      const body = parseOrThrow(ZWhatsAppTemplateBody, { content_sid: (values.content_sid ?? '').trim(), variables: variablesRequest(values.variables ?? '') });
      await saveWhatsAppTemplate(deps.sql, clinic.id, { kind, language, contentSid: body.content_sid, variables: body.variables });
      return `Saved the WhatsApp template for ${kind.replaceAll('_', ' ')} in ${language}.`;
    },
  );

  settingsForm(
    'rooms',
    () => ROOMS_LABELS,
    async (values, clinic) => {
      const { rooms_open } = parseOrThrow(ZRoomsForm, { rooms_open: values.rooms_open });
      await setRoomsOpen(deps.sql, clinic.id, rooms_open);
      return `${rooms_open} room${rooms_open === 1 ? '' : 's'} open.`;
    },
  );

  // A refusal (no such template: removed meanwhile) shows beside the WhatsApp form.
  app.post('/whatsapp/delete', page, async (c) => {
    const query = settingsQuery(c);
    const clinic = await getClinicBySlug(deps.sql, query.clinic);
    const values = textFields(await readForm(c));
    try {
      const { kind, language } = parseOrThrow(ZWhatsAppTemplatePath, { kind: values.kind, language: values.language });
      await deleteWhatsAppTemplate(deps.sql, clinic.id, kind, language);
      return saved(c, clinic, 'whatsapp', `Removed the WhatsApp template for ${kind.replaceAll('_', ' ')} in ${language}.`, query);
    } catch (error) {
      const { code, ...refusal } = refusalOf(error, WHATSAPP_LABELS);
      return render(c, clinic, { kind: query.kind, language: query.language, refused: { form: 'whatsapp', values, error: refusal } }, STATUS_BY_CODE[code]);
    }
  });

  return app;
}
