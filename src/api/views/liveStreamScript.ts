/**
 * The part every live staff page's script shares (the Queue board, and the list pages through
 * liveListScript.ts): following the page's server-sent event stream and showing its state in the
 * `#live` badge.
 */

/**
 * Browser JavaScript statements that define `connect()` for the event stream named in the
 * `data-events` attribute of the element held by the page script's variable `element`, and
 * `pauseLive(reason)`. The `#live` badge (an `aria-live="polite"` region) reads "Live" while the stream
 * is open and "Reconnecting…" while it is not; while the page holds back its updates,
 * `pauseLive('while you edit')` makes it read "Paused while you edit" (`data-state="paused"`) until
 * `pauseLive(null)`, so it never claims to be live when it is not. Each message of `event: <event>`
 * runs `onFragment` (a constant statement, no user data) with the message's text in `data`.
 * EventSource retries by itself unless the server refused the stream (a 401 once the staff session
 * ends): then the page is fetched again, and a redirect (to the sign-in page) is followed, or else the
 * stream is opened again, every 5 s until one works.
 */
export function liveStreamScript(element: string, event: string, onFragment: string): string {
  return `
  const live = document.getElementById('live');
  const liveText = live.querySelector('.live-text');
  // Hidden on a page that says something else without JavaScript (renderLiveStatus).
  live.hidden = false;
  let stream = 'connecting';
  let pausedFor = null;
  const showLive = () => {
    const [state, text] = stream !== 'live' ? [stream, stream === 'offline' ? 'Reconnecting…' : 'Connecting…'] : pausedFor !== null ? ['paused', 'Paused ' + pausedFor] : ['live', 'Live'];
    live.dataset.state = state;
    // Only a change is written: the badge is a live region, and a rewrite would be announced again.
    if (liveText.textContent !== text) liveText.textContent = text;
  };
  const pauseLive = (reason) => { pausedFor = reason; showLive(); };
  const connect = () => {
    const events = new EventSource(${element}.dataset.events);
    events.addEventListener('open', () => { stream = 'live'; showLive(); });
    events.addEventListener(${JSON.stringify(event)}, (message) => { const data = message.data; ${onFragment} });
    events.addEventListener('error', () => {
      stream = 'offline';
      showLive();
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
