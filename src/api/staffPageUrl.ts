/**
 * The URLs of the staff pages, as the browser sees them: `?clinic=<slug>` only for a clinic other than
 * `main`, so the first clinic's addresses stay short.
 */
import { MAIN_CLINIC_SLUG } from '../clinics/clinics.js';

/**
 * `base` + `path` for clinic `slug`, with `params` in the query (those undefined or empty left out).
 * E.g. `staffPageUrl('/admin/waitlist', 'north', '/7/boost')` → `/admin/waitlist/7/boost?clinic=north`.
 */
export function staffPageUrl(base: string, slug: string, path = '', params: Partial<Record<string, string>> = {}): string {
  const query = new URLSearchParams();
  if (slug !== MAIN_CLINIC_SLUG) query.set('clinic', slug);
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(name, value);
  const text = query.toString();
  return `${base}${path}${text === '' ? '' : `?${text}`}`;
}
