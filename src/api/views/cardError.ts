/**
 * A refusal that concerns one card of a staff page (a move refused on one ticket, a change refused on
 * one appointment, waitlist entry or cancellation): shown inside that card, after the controls it
 * concerns, instead of in the page-wide banner, which stays for what concerns the whole page. The
 * form posts that answer with a refusal name the card in `?error_for=` beside `?error=`.
 */
import { html } from 'hono/html';
import type { Html } from './layout.js';

/** The query parameter naming the card a `?error=` concerns (an appointment, entry or cancellation id, a ticket code). */
export const ERROR_FOR_PARAM = 'error_for';

/** Where a page shows `error`: in the card `errorFor` when that card is on the page, else in the banner. */
export interface PlacedError {
  /** For the banner: the refusal when no card on the page is the one it concerns. */
  banner: string | undefined;
  /** The card's refusal, or null: call with each card's id. */
  card(id: string): Html | null;
}

/** Places `error` (about the card `errorFor`, if any) among the `ids` of the cards shown. */
export function placeError(error: string | undefined, errorFor: string | undefined, ids: readonly string[]): PlacedError {
  const inCard = error !== undefined && errorFor !== undefined && ids.includes(errorFor);
  return {
    banner: inCard ? undefined : error,
    card: (id) => (inCard && id === errorFor ? renderCardError(error) : null),
  };
}

/**
 * The refusal as a card shows it on the page a form post came back to (`data-card-error`: the live
 * scripts keep it through a swap; cardErrorScript.ts). It takes focus as the page opens (`autofocus`,
 * `tabindex="-1"` so it can hold focus outside the Tab order): the page opens at the card, which may be
 * far down a long list, and a screen reader reads the refusal; Shift+Tab goes back to the card's controls.
 */
export function renderCardError(message: string): Html {
  return html`<p class="card-error" role="alert" tabindex="-1" autofocus data-card-error>${message}</p>`;
}
