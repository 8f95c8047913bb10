/**
 * The outcome of a change made on one card of a live list page (a reminder asked for, a visit marked,
 * a move, a boost, an entry saved, an abort, a booking or a freed slot logged): shown at the top of that
 * card instead of in the page-wide notice above the list, as a refusal shows in its card (cardError.ts).
 * The form posts that answer with one name the card in `?notice_for=` beside `?notice=` and send the
 * browser to the card itself (`#<card id>`, the card's `id` attribute), so a staff member working down
 * a long list comes back where they were, with the outcome in front of them, rather than at the top.
 */
import { html, raw } from 'hono/html';
import type { Html } from './layout.js';

/** The query parameter naming the card a `?notice=` concerns (an appointment, entry or cancellation id). */
export const NOTICE_FOR_PARAM = 'notice_for';

/** Where a page shows `notice`: in the card `noticeFor` when that card is on the page, else above the list. */
export interface PlacedNotice {
  /** For the page-wide notice: the outcome when no card on the page is the one it concerns. */
  page: string | undefined;
  /** The card's notice, or null: call with each card's id. */
  card(id: string): Html | null;
  /**
   * The attribute of the card the notice is in, ` tabindex="-1"`, else null: the page is opened at that
   * card, and a browser focuses the target of a fragment only when it can take focus; so keyboard focus
   * starts at the card, and its script hands focus on to the notice (liveListScript.ts).
   */
  cardAttrs(id: string): Html | null;
}

/** Places `notice` (about the card `noticeFor`, if any) among the `ids` of the cards shown. */
export function placeNotice(notice: string | undefined, noticeFor: string | undefined, ids: readonly string[]): PlacedNotice {
  const inCard = notice !== undefined && noticeFor !== undefined && ids.includes(noticeFor);
  return {
    page: inCard ? undefined : notice,
    card: (id) => (inCard && id === noticeFor ? renderCardNotice(notice) : null),
    cardAttrs: (id) => (inCard && id === noticeFor ? raw(' tabindex="-1"') : null),
  };
}

/**
 * The notice as a card shows it, under the card's first line (`data-card-notice`: the live scripts keep
 * it through a swap and focus it as the page opens, so a screen reader reads it and Tab goes on to the
 * card's controls; cardErrorScript.ts, liveListScript.ts). `tabindex="-1"` lets it hold focus outside
 * the Tab order. No `autofocus`: the page is opened at the card's fragment, and a browser does not run
 * autofocus on a page opened at a fragment (HTML, "flush autofocus candidates"); it moves focus to the
 * fragment's target instead, once the page is laid out (`cardAttrs`).
 */
export function renderCardNotice(message: string): Html {
  return html`<p class="card-notice" role="status" tabindex="-1" data-card-notice>${message}</p>`;
}
