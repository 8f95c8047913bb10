/**
 * The "Settings" page: a clinic's message templates (one kind and language at a time, with the live
 * preview and the list of kinds in that language), reminder schedule, hours and time zone, WhatsApp
 * Content SIDs and rooms open, each a form of its own. A refused form comes back as typed with the
 * refusal beside the field it names; the others show what is stored. Each section is in a file of
 * its own in this folder (`templatesForm.ts`, `remindersForm.ts`, …); the view's shape is settingsView.ts.
 */
import { html } from 'hono/html';
import type { ClinicSettings } from '../../../clinics/clinicSettings.js';
import { renderLayout, type Html } from '../layout.js';
import { renderStaffHeader } from '../staffNav.js';
import { renderHoursSection, storedHoursValues } from './hoursForm.js';
import { renderRemindersSection, storedReminderValues } from './remindersForm.js';
import { renderRoomsSection, storedRoomsValues } from './roomsForm.js';
import type { RefusedForm, SettingsForm, SettingsView } from './settingsView.js';
import { renderTemplatesSection } from './templatesForm.js';
import { renderWhatsAppSection, storedWhatsAppValues } from './whatsAppForm.js';

/** The stored settings as the forms' field values (a new WhatsApp template: a reminder in the default language). */
export function storedFormValues(settings: ClinicSettings): Record<Exclude<SettingsForm, 'templates'>, Record<string, string>> {
  return {
    reminders: storedReminderValues(settings),
    hours: storedHoursValues(settings),
    whatsapp: storedWhatsAppValues(settings),
    rooms: storedRoomsValues(settings),
  };
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
