/**
 * The kiosk's one line of script. A kiosk's back button (or the browser's page cache) must not bring
 * back an old form: its key would hand the previous visitor's ticket to the next one.
 */

/** Browser JavaScript for the kiosk's start page: reload a page restored from the back/forward cache. */
export const KIOSK_SCRIPT = `addEventListener('pageshow', (event) => { if (event.persisted) location.reload(); });
`;
