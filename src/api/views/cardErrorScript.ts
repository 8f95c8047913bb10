/**
 * The part of the live staff pages' scripts (the Queue board, and the list pages through
 * liveListScript.ts) that keeps a card's refusal (`[data-card-error]`, cardError.ts) and a card's
 * notice (`[data-card-notice]`, cardNotice.ts) through a swap of server-rendered HTML: the fragments
 * the event stream sends know nothing of them, and without this the first one, sent as the stream
 * opens, would sweep them away before staff could read them.
 */

/** The attributes that name a card across fragments: a ticket (by code), an appointment, a waitlist entry, a cancellation. */
const CARD_ATTRIBUTES = ['data-ticket', 'data-appointment', 'data-entry', 'data-cancellation'] as const;

/**
 * Browser JavaScript statements that define `swapKeepingCardErrors(html)` for the element held by the
 * page script's variable `container`: sets its HTML to `html` and puts each card's refusal and notice
 * back in the same card of the new HTML (a refusal last, a notice under the card's first line, as the
 * server renders them; dropped when that card is gone), without its `role`, so it is not announced
 * again, and with keyboard focus when it had it; and `showCardError(card, message)` /
 * `clearCardError(card)` for a refusal the page's script received itself.
 */
export function cardErrorScript(container: string): string {
  return `
  const CARD_ATTRIBUTES = ${JSON.stringify(CARD_ATTRIBUTES)};
  const cardKey = (card) => {
    const name = CARD_ATTRIBUTES.find((attribute) => card.hasAttribute(attribute));
    return name === undefined ? null : '[' + name + '="' + CSS.escape(card.getAttribute(name)) + '"]';
  };
  const swapKeepingCardErrors = (markup) => {
    const kept = [];
    ${container}.querySelectorAll('[data-card-error], [data-card-notice]').forEach((error) => {
      const card = error.closest(CARD_ATTRIBUTES.map((name) => '[' + name + ']').join(','));
      const key = card === null ? null : cardKey(card);
      if (key !== null) kept.push([key, error]);
    });
    // The refusal or notice a page opened focused on keeps focus: taking it out of the page dropped it.
    const focusedError = kept.find(([, error]) => error === document.activeElement)?.[1] ?? null;
    ${container}.innerHTML = markup;
    kept.forEach(([key, error]) => {
      const card = ${container}.querySelector(key);
      const notice = error.hasAttribute('data-card-notice');
      if (card === null || card.querySelector(notice ? '[data-card-notice]' : '[data-card-error]') !== null) return;
      error.removeAttribute('role');
      if (notice && card.firstElementChild !== null) card.firstElementChild.after(error);
      else card.append(error);
      if (error === focusedError) error.focus({ preventScroll: true });
    });
  };
  const showCardError = (card, message) => {
    let error = card.querySelector('[data-card-error]');
    if (error !== null) error.remove();
    error = document.createElement('p');
    error.className = 'card-error';
    error.dataset.cardError = '';
    error.setAttribute('role', 'alert');
    error.textContent = message;
    card.append(error);
  };
  const clearCardError = (card) => card.querySelectorAll('[data-card-error]').forEach((error) => error.remove());`;
}
