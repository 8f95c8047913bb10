/**
 * The page a staff page answers when it cannot be shown or a form post to it fails in a way the page
 * itself does not show (no such clinic, a session or form refused, the database not answering): the
 * status, the message, and a link back to a page that works. A browser shows it instead of the JSON
 * error body the API answers.
 */
import { html } from 'hono/html';
import { renderLayout, type Html } from './layout.js';

/** What the error page shows: the HTTP status, the error's message, and where "back" goes. */
export interface ErrorPageView {
  status: number;
  message: string;
  back: { href: string; label: string };
}

/** Headings by status, in staff's words; any other status reads "Something went wrong". */
const HEADINGS: Readonly<Record<number, string>> = {
  400: 'That address or form could not be read',
  401: 'Please sign in',
  403: 'That was not allowed',
  404: 'Not found',
  405: 'That page does not take this',
  409: 'Not done',
  413: 'That form was too long',
  422: 'Not done',
  429: 'Too many requests',
  503: 'Not answering right now',
};

/** The whole page (its `<h1>` the heading for `status`, the message beneath it). */
export function renderErrorPage(view: ErrorPageView): Html {
  const heading = HEADINGS[view.status] ?? 'Something went wrong';
  return renderLayout({
    title: `${heading} · Frontdesk`,
    styles: ['error.css'],
    body: html`<main class="error-page">
  <section class="card error-card" aria-labelledby="error-title">
    <h1 id="error-title">${heading}</h1>
    <p class="message" data-error-message>${view.message}</p>
    <p class="status">Error ${view.status}</p>
    <a class="btn btn-primary" href="${view.back.href}">${view.back.label}</a>
  </section>
</main>`,
  });
}
