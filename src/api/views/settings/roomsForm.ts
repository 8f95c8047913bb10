/** The Settings page's rooms section: how many rooms are open now (every ETA follows). */
import { html } from 'hono/html';
import { MAX_ROOMS_OPEN, MIN_ROOMS_OPEN } from '../../../clinics/clinics.js';
import type { ClinicSettings } from '../../../clinics/clinicSettings.js';
import type { Html } from '../layout.js';
import { formFields, renderNotice, unplacedError } from './formParts.js';
import type { FormRefusal, SettingsView } from './settingsView.js';

/** The rooms form's label by the JSON API's field name: the page shows a refusal in these words (fieldLabels.ts). */
export const ROOMS_LABELS = { rooms_open: 'Rooms open now' } as const;

/** The stored rooms open as the form's field value. */
export function storedRoomsValues(settings: ClinicSettings): Record<string, string> {
  return { rooms_open: String(settings.roomsOpen) };
}

/** The rooms section, showing `values` and the refusal `error` of the last post, if any. */
export function renderRoomsSection(view: SettingsView, values: Record<string, string>, error: FormRefusal | undefined): Html {
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
