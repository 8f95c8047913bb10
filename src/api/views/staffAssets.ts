/**
 * The one registry of the pages' scripts, stylesheets and icon (staff pages, sign-in, kiosk, phone
 * simulator): name → media type and body, the bodies coming from the `*Script.ts` / `*Styles.ts`
 * modules and favicon.ts. Pages link them by `staffAssetUrl(name)` and `staffAssetRoutes` (src/api/staffAssetRoutes.ts)
 * serves them from `/admin/assets/<name>`, so no page carries an inline script or style and the
 * Content-Security-Policy can forbid both. A new page adds its files here.
 */
import { createHash } from 'node:crypto';
import { APPOINTMENTS_SCRIPT } from './appointmentsScript.js';
import { APPOINTMENTS_CSS } from './appointmentsStyles.js';
import { BASE_CSS } from './baseStyles.js';
import { BOARD_SCRIPT } from './boardScript.js';
import { BOARD_CSS } from './boardStyles.js';
import { CANCELLATIONS_SCRIPT } from './cancellationsScript.js';
import { CANCELLATIONS_CSS } from './cancellationsStyles.js';
import { CHART_JS } from './chartJs.js';
import { ERROR_PAGE_CSS } from './errorPageStyles.js';
import { FAVICON_SVG } from './favicon.js';
import { KIOSK_SCRIPT } from './kioskScript.js';
import { KIOSK_CSS } from './kioskStyles.js';
import { LOGIN_CSS } from './loginStyles.js';
import { MESSAGES_CSS } from './messagesStyles.js';
import { MESSAGES_SCRIPT } from './messagesScript.js';
import { NUMBERS_SCRIPT } from './numbersScript.js';
import { NUMBERS_CSS } from './numbersStyles.js';
import { PHONE_SCRIPT } from './phoneScript.js';
import { PHONE_CSS } from './phoneStyles.js';
import { SETTINGS_SCRIPT } from './settingsScript.js';
import { SETTINGS_CSS } from './settingsStyles.js';
import { STAFF_HEADER_CSS } from './staffNav.js';
import { WAITLIST_SCRIPT } from './waitlistScript.js';
import { WAITLIST_CSS } from './waitlistStyles.js';

/** Where the files are served, as the browser sees it. */
export const STAFF_ASSETS_PATH = '/admin/assets';

const CSS = 'text/css; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const SVG = 'image/svg+xml';

const SOURCES = {
  'base.css': { type: CSS, body: BASE_CSS },
  'staff-nav.css': { type: CSS, body: STAFF_HEADER_CSS },
  'login.css': { type: CSS, body: LOGIN_CSS },
  'error.css': { type: CSS, body: ERROR_PAGE_CSS },
  'board.css': { type: CSS, body: BOARD_CSS },
  'board.js': { type: JS, body: BOARD_SCRIPT },
  'appointments.css': { type: CSS, body: APPOINTMENTS_CSS },
  'appointments.js': { type: JS, body: APPOINTMENTS_SCRIPT },
  'waitlist.css': { type: CSS, body: WAITLIST_CSS },
  'waitlist.js': { type: JS, body: WAITLIST_SCRIPT },
  'cancellations.css': { type: CSS, body: CANCELLATIONS_CSS },
  'cancellations.js': { type: JS, body: CANCELLATIONS_SCRIPT },
  'messages.css': { type: CSS, body: MESSAGES_CSS },
  'messages.js': { type: JS, body: MESSAGES_SCRIPT },
  'kiosk.css': { type: CSS, body: KIOSK_CSS },
  'kiosk.js': { type: JS, body: KIOSK_SCRIPT },
  'phone.css': { type: CSS, body: PHONE_CSS },
  'phone.js': { type: JS, body: PHONE_SCRIPT },
  'chart.js': { type: JS, body: CHART_JS },
  'numbers.css': { type: CSS, body: NUMBERS_CSS },
  'numbers.js': { type: JS, body: NUMBERS_SCRIPT },
  'settings.css': { type: CSS, body: SETTINGS_CSS },
  'settings.js': { type: JS, body: SETTINGS_SCRIPT },
  'favicon.svg': { type: SVG, body: FAVICON_SVG },
} as const satisfies Record<string, { type: string; body: string }>;

/** The name of a registered file, e.g. `board.js`. */
export type StaffAssetName = keyof typeof SOURCES;

/** A registered file: media type, body, and `version` (the first 12 hex digits of the body's SHA-256). */
export interface StaffAsset {
  type: string;
  body: string;
  version: string;
}

const ASSETS = new Map<string, StaffAsset>(
  Object.entries(SOURCES).map(([name, { type, body }]) => [name, { type, body, version: createHash('sha256').update(body).digest('hex').slice(0, 12) }]),
);

/** The registered file called `name`, or undefined. */
export function findStaffAsset(name: string): StaffAsset | undefined {
  return ASSETS.get(name);
}

/**
 * The URL a page links `name` by: `/admin/assets/<name>?v=<version>`, so a changed file gets a new URL
 * and the old one can be cached for good.
 */
export function staffAssetUrl(name: StaffAssetName): string {
  return `${STAFF_ASSETS_PATH}/${name}?v=${ASSETS.get(name)!.version}`;
}
