/**
 * The browser script shared by the live list pages (Appointments, Waitlist, Cancellations): keeps the
 * element `#<listId>` live from the event stream named in its `data-events`, swapping in each server-rendered
 * fragment of `event: <event>`. A fragment that arrives while staff are typing in one of the list's
 * fields, or have one of its `<details>` (an edit form, a "Cancel…" or "Remove…" question) open, waits until they
 * leave it, so nothing they are in the middle of is swept away; while they are in one, the `#live` badge
 * says the list is "Paused while you edit" instead of "Live" (liveStreamScript.ts); focus on one of its buttons or links
 * stays on the same control after a swap (keepFocusScript.ts), and a card's refusal stays in its card
 * (cardErrorScript.ts). `afterSwap` (a JavaScript statement
 * run after each swap and once at start) lets a page refresh what it keeps between fragments. The
 * `?notice=` / `?error=` a form post came back with is dropped from the address, so a reload does not
 * show it again. Without JavaScript the page is a plain page with working forms.
 */

import { ERROR_FOR_PARAM } from './cardError.js';
import { cardErrorScript } from './cardErrorScript.js';
import { keepFocusScript } from './keepFocusScript.js';
import { liveStreamScript } from './liveStreamScript.js';

/** Browser JavaScript keeping `#listId` live from `event` fragments; `afterSwap` runs after each swap (a constant statement, no user data). */
export function liveListScript(listId: string, event: string, afterSwap = ''): string {
  return `
(() => {
  const list = document.getElementById(${JSON.stringify(listId)});
  if (!list || !document.getElementById('live')) return;
  const afterSwap = () => { ${afterSwap} };

  // The flash message came with this page; a reload should not show it again.
  const here = new URL(location.href);
  if (here.searchParams.has('notice') || here.searchParams.has('error')) {
    here.searchParams.delete('notice');
    here.searchParams.delete('error');
    here.searchParams.delete(${JSON.stringify(ERROR_FOR_PARAM)});
    history.replaceState(null, '', here);
  }

${keepFocusScript('list')}
${cardErrorScript('list')}
  let pending = null;
  const busy = () => {
    const active = document.activeElement;
    return list.querySelector('details[open]') !== null || (active !== null && list.contains(active) && active.matches('input, select, textarea'));
  };
  const apply = () => {
    const holding = busy();
    pauseLive(holding ? 'while you edit' : null);
    if (pending === null || holding) return;
    swapKeepingCardErrors(pending);
    pending = null;
    afterSwap();
    refocus();
  };
  list.addEventListener('focusin', apply);
  list.addEventListener('focusout', () => setTimeout(apply, 0));
  // toggle does not bubble: listen while it travels down.
  list.addEventListener('toggle', apply, true);

${liveStreamScript('list', event, 'pending = data; apply();')}
  afterSwap();
  // A form the page came back with open (a refused edit) holds updates from the start.
  apply();
  connect();
})();
`;
}
