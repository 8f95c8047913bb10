/**
 * What the "Settings" page shows (SettingsView) and how a form's answer comes back to it: the notice of
 * a save, or a refusal with what staff typed. The page composes one form per section
 * (settingsPage.ts); staffSettings.ts builds the view.
 */
import type { Clinic } from '../../../clinics/clinics.js';
import type { ClinicSettings } from '../../../clinics/clinicSettings.js';
import type { TemplatePreview, TemplateWithSample } from '../../../clinics/messageTemplates.js';
import type { WhatsAppTemplate } from '../../../clinics/whatsAppTemplates.js';
import type { MessageKind } from '../../../domain/messageTemplates.js';

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
