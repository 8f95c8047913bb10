/**
 * The Appointments page's small script (served as /admin/assets/appointments.js): keeps the day's list
 * live from the page's event stream. A fragment that arrives while staff are typing in one of the
 * list's fields, or have a "Cancel…" question open, waits until they leave it, so nothing they are in
 * the middle of is swept away. Without JavaScript the page is a plain page with working forms.
 */

/** Browser JavaScript for the Appointments page (a constant; it reads its stream's URL from `data-events`). */
export const APPOINTMENTS_SCRIPT = `
(() => {
  const list = document.getElementById('day-list');
  const live = document.getElementById('live');
  if (!list || !live) return;
  const liveText = live.querySelector('.live-text');
  const setLive = (state, text) => { live.dataset.state = state; liveText.textContent = text; };

  let pending = null;
  const busy = () => {
    const active = document.activeElement;
    return list.querySelector('details[open]') !== null || (active !== null && list.contains(active) && active.matches('input, select, textarea'));
  };
  const apply = () => {
    if (pending === null || busy()) return;
    list.innerHTML = pending;
    pending = null;
  };
  list.addEventListener('focusout', () => setTimeout(apply, 0));
  // toggle does not bubble: listen while it travels down.
  list.addEventListener('toggle', apply, true);

  const connect = () => {
    const events = new EventSource(list.dataset.events);
    events.addEventListener('open', () => setLive('live', 'Live'));
    events.addEventListener('appointments', (event) => { pending = event.data; apply(); });
    events.addEventListener('error', () => {
      setLive('offline', 'Reconnecting…');
      // EventSource retries by itself unless the server refused the stream (a 401 once the session ends).
      if (events.readyState === EventSource.CLOSED) setTimeout(recover, 5000);
    });
  };
  const recover = async () => {
    try {
      const page = await fetch(location.href, { redirect: 'manual', credentials: 'same-origin' });
      if (page.type === 'opaqueredirect') location.assign(location.href);
      else connect();
    } catch {
      setTimeout(recover, 5000);
    }
  };
  connect();
})();
`;
