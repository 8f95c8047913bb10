/**
 * The part every live staff page's script shares (the Queue board, and the list pages through
 * liveListScript.ts): following the page's server-sent event stream and showing its state in the
 * `#live` badge.
 */

/**
 * Browser JavaScript statements that define `connect()` for the event stream named in the
 * `data-events` attribute of the element held by the page script's variable `element`: the `#live`
 * badge reads "Live" while the stream is open and "Reconnecting…" while it is not; each message of
 * `event: <event>` runs `onFragment` (a constant statement, no user data) with the message's text in
 * `data`. EventSource retries by itself unless the server refused the stream (a 401 once the staff
 * session ends): then the page is fetched again, and a redirect (to the sign-in page) is followed, or
 * else the stream is opened again, every 5 s until one works.
 */
export function liveStreamScript(element: string, event: string, onFragment: string): string {
  return `
  const live = document.getElementById('live');
  const liveText = live.querySelector('.live-text');
  const setLive = (state, text) => { live.dataset.state = state; liveText.textContent = text; };
  const connect = () => {
    const events = new EventSource(${element}.dataset.events);
    events.addEventListener('open', () => setLive('live', 'Live'));
    events.addEventListener(${JSON.stringify(event)}, (message) => { const data = message.data; ${onFragment} });
    events.addEventListener('error', () => {
      setLive('offline', 'Reconnecting…');
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
  };`;
}
