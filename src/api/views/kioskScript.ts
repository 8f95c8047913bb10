/**
 * The kiosk's small script. A kiosk's back button (or the browser's page cache) must not bring back an
 * old form: its key would hand the previous visitor's ticket to the next one, so a page restored from
 * the back/forward cache reloads. A page marked `data-return-url` (the ticket, a notice) goes back to
 * the start after `data-return-seconds`, so the next visitor never sees the last one's ticket and a
 * kiosk that showed "ask at the front desk" tries again by itself; a `data-more-time` button starts
 * the wait again.
 */

/** Browser JavaScript for every kiosk page (a constant; it reads its settings from `data-` attributes). */
export const KIOSK_SCRIPT = `
(() => {
  addEventListener('pageshow', (event) => { if (event.persisted) location.reload(); });
  const page = document.querySelector('[data-return-url]');
  if (!page) return;
  const wait = Number(page.dataset.returnSeconds) * 1000;
  const start = () => setTimeout(() => location.assign(page.dataset.returnUrl), wait);
  let timer = start();
  const more = document.querySelector('[data-more-time]');
  if (more) more.addEventListener('click', () => { clearTimeout(timer); timer = start(); });
})();
`;
