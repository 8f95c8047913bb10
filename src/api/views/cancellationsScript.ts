/**
 * The Cancellations page's small script (served as /admin/assets/cancellations.js): keeps the lists
 * live from the page's event stream (`liveListScript`) and ticks every pending offer's hold countdown
 * each second from its `data-hold-expires`, on the server's clock (the page's `data-now` gives the
 * difference once, at load), with no reload and no request.
 */
import { liveListScript } from './liveListScript.js';

/** How often the countdowns are redrawn (ms). */
export const HOLD_TICK_MS = 1_000;

/** Browser JavaScript for the Cancellations page (a constant; it reads its URLs and times from `data-` attributes). */
export const CANCELLATIONS_SCRIPT = `{
const tickHolds = (() => {
  const list = document.getElementById('cancellation-list');
  const skew = list ? Date.parse(list.dataset.now) - Date.now() : 0;
  const tick = () => {
    if (!list) return;
    const now = Date.now() + skew;
    list.querySelectorAll('[data-hold-expires]').forEach((hold) => {
      const left = Math.max(0, Math.ceil((Date.parse(hold.dataset.holdExpires) - now) / 1000));
      hold.dataset.secondsLeft = String(left);
      hold.textContent = left === 0 ? 'hold over' : Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0') + ' left';
    });
  };
  setInterval(tick, ${HOLD_TICK_MS});
  return tick;
})();
${liveListScript('cancellation-list', 'cancellations', 'tickHolds();')}}
`;
