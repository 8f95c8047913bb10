/**
 * The browser script shared by the live list pages (Appointments, Waitlist, Cancellations): keeps the
 * element `#<listId>` live from the event stream named in its `data-events`, swapping in each server-rendered
 * fragment of `event: <event>`. A fragment that arrives while staff are typing in one of the list's
 * fields, are on a button of a form they typed in, or have one of its `<details>` (an edit form, a "Cancel…"
 * or "Remove…" question) open, waits until they leave it, so nothing they are in the middle of is swept
 * away; it also waits while a click or key press in the list has not landed yet and once one of its forms
 * has been sent, so a press is never lost to a swap between its press and its click, nor a sent form
 * replaced under its submission (back on the page from the history, it is live again); while they are
 * editing, the `#live` badge
 * says the list is "Paused while you edit" instead of "Live" (liveStreamScript.ts); focus on one of its buttons or links
 * stays on the same control after a swap (keepFocusScript.ts), and a card's refusal stays in its card
 * (cardErrorScript.ts), as does a change's notice in its card, which takes focus as the page opens
 * (cardNotice.ts). `afterSwap` (a JavaScript statement
 * run after each swap and once at start) lets a page refresh what it keeps between fragments. The
 * `?notice=` / `?error=` a form post came back with is dropped from the address, so a reload does not
 * show it again. Without JavaScript the page is a plain page with working forms, opened at the card a
 * change concerns.
 */

import { ERROR_FOR_PARAM } from './cardError.js';
import { NOTICE_FOR_PARAM } from './cardNotice.js';
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

  // The flash message came with this page; a reload should not show it again (the card's fragment stays).
  const here = new URL(location.href);
  if (here.searchParams.has('notice') || here.searchParams.has('error')) {
    here.searchParams.delete('notice');
    here.searchParams.delete('error');
    here.searchParams.delete(${JSON.stringify(ERROR_FOR_PARAM)});
    here.searchParams.delete(${JSON.stringify(NOTICE_FOR_PARAM)});
    history.replaceState(null, '', here);
  }

${keepFocusScript('list')}
${cardErrorScript('list')}
  let pending = null;
  // A press (pointer or key) that started in the list and whose click has not landed yet, and a form of
  // the list that has been sent: a swap now would take the button from under the click, or the form from
  // under its submission, and the staff member's action would be lost.
  let pressing = false;
  let submitted = false;
  const changed = (field) => field.type === 'checkbox' || field.type === 'radio' ? field.checked !== field.defaultChecked
    : field.tagName === 'SELECT' ? Array.from(field.options).some((option) => option.selected !== option.defaultSelected)
    : field.type !== 'hidden' && field.value !== field.defaultValue;
  const editing = () => {
    const active = document.activeElement;
    if (list.querySelector('details[open]') !== null) return true;
    if (active === null || !list.contains(active)) return false;
    if (active.matches('input, select, textarea')) return true;
    // On a button of a form typed in (Tab or a click from its field to its button): what was typed stays.
    const form = active.closest('form');
    return form !== null && Array.from(form.elements).some((field) => field.matches('input, select, textarea') && changed(field));
  };
  const apply = () => {
    const holding = editing();
    pauseLive(holding ? 'while you edit' : null);
    if (pending === null || holding || pressing || submitted) return;
    // Taken before the swap: giving a card's notice its focus back fires focusin on the list, which
    // calls this again, and must find nothing left to swap (it swapped again and again, without end).
    const markup = pending;
    pending = null;
    swapKeepingCardErrors(markup);
    afterSwap();
    refocus();
  };
  list.addEventListener('focusin', apply);
  list.addEventListener('focusout', () => setTimeout(apply, 0));
  // toggle does not bubble: listen while it travels down.
  list.addEventListener('toggle', apply, true);
  const press = () => { pressing = true; };
  // The click (and the submit it makes) comes in the same task as the release: let it land first.
  const release = () => { if (pressing) setTimeout(() => { pressing = false; apply(); }, 0); };
  list.addEventListener('pointerdown', press);
  list.addEventListener('keydown', (event) => { if (event.key === 'Enter' || event.key === ' ') press(); });
  ['pointerup', 'pointercancel', 'keyup'].forEach((type) => document.addEventListener(type, release));
  window.addEventListener('blur', release);
  // The page is leaving with that form: nothing to swap in any more. Back to it from the history, it is live again.
  list.addEventListener('submit', () => { submitted = true; });
  window.addEventListener('pageshow', (event) => { if (event.persisted) { submitted = false; apply(); } });

${liveStreamScript('list', event, 'pending = data; apply();')}
  // A change's notice in its card (cardNotice.ts), the page opened at that card: focus on it, so a screen
  // reader reads it and Tab goes on to the card's controls. The browser gives the card focus, as the
  // fragment's target, once the page is laid out, which may be before or after this runs: the card hands
  // it on. (A refusal took focus by itself: autofocus.)
  const notice = list.querySelector('[data-card-notice]');
  const noticeCard = notice === null ? null : notice.closest(CARD_ATTRIBUTES.map((name) => '[' + name + ']').join(','));
  if (notice !== null) {
    const takeFocus = () => notice.focus({ preventScroll: true });
    const active = document.activeElement;
    if (active === null || active === document.body || active === noticeCard) takeFocus();
    if (noticeCard !== null) noticeCard.addEventListener('focus', takeFocus, { once: true });
  }
  afterSwap();
  // A form the page came back with open (a refused edit) holds updates from the start.
  apply();
  connect();
})();
`;
}
