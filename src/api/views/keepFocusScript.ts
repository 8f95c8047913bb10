/**
 * The part of the live staff pages' scripts (the Queue board, and the list pages through
 * liveListScript.ts) that keeps keyboard focus through a swap of server-rendered HTML: without it, a
 * fragment swapped in while a receptionist's focus is on one of its buttons or links drops focus to
 * `<body>`, and a keyboard or screen-reader user starts again from the top of the page.
 */

/**
 * The attributes that name a place on a live page which stays the same thing from one fragment to
 * the next: a ticket (by code) and a board column, a waitlist entry, an appointment, a cancellation,
 * an offer, a list of cancellations.
 */
const PLACE_ATTRIBUTES = ['data-ticket', 'data-column', 'data-entry', 'data-appointment', 'data-cancellation', 'data-offer', 'data-list'] as const;

/**
 * Browser JavaScript statements that define `refocus()` for the element held by the page script's
 * variable `container`. While focus is inside it, the focused element is remembered by what
 * identifies it across fragments: its id, or its tag, form action (or link target), `name` / `value`,
 * `aria-label` and text, within the places around it (`PLACE_ATTRIBUTES`). `refocus()`, called after
 * each swap (and after the board's buttons are enabled again), finds it in the new HTML and focuses
 * it when focus was lost; when it is gone (a ticket's "Call next" once it is called), the innermost
 * place still there (the same ticket's card, else its column), else the container, takes focus
 * instead, never a different button, so a second key press cannot do something else. A press on
 * anything that cannot take focus, or focus moving out of the container, forgets it.
 */
export function keepFocusScript(container: string): string {
  return `
  const FOCUSABLE = 'button, a[href], input, select, textarea, summary, [tabindex]';
  const PLACE_ATTRIBUTES = ${JSON.stringify(PLACE_ATTRIBUTES)};
  let focused = null;
  const describeFocus = (element) => {
    const places = [];
    for (let at = element; at !== null && at !== ${container}; at = at.parentElement) {
      PLACE_ATTRIBUTES.forEach((name) => { if (at.hasAttribute(name)) places.push('[' + name + '="' + CSS.escape(at.getAttribute(name)) + '"]'); });
    }
    const form = element.closest('form');
    const control = element.matches('button, a[href], input, select, textarea, summary') ? {
      tag: element.tagName,
      action: form === null ? null : form.getAttribute('action'),
      href: element.getAttribute('href'),
      name: element.getAttribute('name'),
      value: element.getAttribute('value'),
      label: element.getAttribute('aria-label'),
      text: element.textContent.trim(),
    } : null;
    return { id: element.id || null, control, places };
  };
  const sameControl = (scope, control) => Array.from(scope.querySelectorAll(control.tag)).find((element) => {
    const form = element.closest('form');
    return (form === null ? null : form.getAttribute('action')) === control.action && element.getAttribute('href') === control.href &&
      element.getAttribute('name') === control.name && element.getAttribute('value') === control.value &&
      element.getAttribute('aria-label') === control.label && element.textContent.trim() === control.text && !element.disabled;
  });
  const findFocused = (described) => {
    const byId = described.id === null ? null : document.getElementById(described.id);
    if (byId !== null && ${container}.contains(byId)) return byId;
    for (const place of described.places) {
      const scope = ${container}.querySelector(place);
      if (scope !== null) return (described.control === null ? undefined : sameControl(scope, described.control)) || scope;
    }
    return (described.control === null ? undefined : sameControl(${container}, described.control)) || ${container};
  };
  document.addEventListener('focusin', (event) => { focused = ${container}.contains(event.target) ? describeFocus(event.target) : null; });
  document.addEventListener('pointerdown', (event) => { if (!(event.target instanceof Element && event.target.closest(FOCUSABLE))) focused = null; });
  const refocus = () => {
    const active = document.activeElement;
    if (focused === null || (active !== null && active !== document.body && active.isConnected)) return;
    const target = findFocused(focused);
    if (!target.matches(FOCUSABLE)) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
  };`;
}
