/**
 * The phone simulator (console provider only): a banner saying so, a number and channel to play the
 * patient with, a box to text the clinic (and WhatsApp quick-reply buttons), the conversation as a
 * chat with each message's delivery status, and a keypad while a console call waits for a key.
 */
import { html, raw } from 'hono/html';
import { DateTime } from 'luxon';
import { MAIN_CLINIC_SLUG, type Clinic } from '../../clinics/clinics.js';
import type { PhoneChannel } from '../../domain/phone.js';
import type { ConversationMessage, WaitingCall } from '../../messaging/phoneConversation.js';
import { renderLayout, type Html } from './layout.js';
import { renderStaffHeader } from './staffNav.js';

/** The quick-reply buttons the simulator offers on WhatsApp: what a reminder template's buttons carry. */
export const QUICK_REPLIES = [
  { text: 'Confirm', payload: 'CONFIRM' },
  { text: 'Change', payload: 'CHANGE' },
  { text: 'Cancel', payload: 'CANCEL' },
] as const;

/** The keys of the simulator's keypad, in the order a phone shows them. */
/** The simulator's labels by its forms' field names: the page shows a refusal in these words (fieldLabels.ts). */
export const PHONE_LABELS = { phone: 'Number', channel: 'Channel', body: 'Message' } as const;

const KEYPAD = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;

/** Where the simulator's forms and chat refresh go (each carries `?clinic=` for a clinic other than `main`). */
export interface PhoneUrls {
  page: string;
  chat: string;
  send: string;
  keys(callSid: string): string;
}

/** What the simulator shows for one clinic; `phone` undefined until a number is picked. */
export interface PhoneView {
  clinic: Clinic;
  /** The patient's number, E.164. */
  phone: string | undefined;
  channel: PhoneChannel;
  /** Whether the clinic has a WhatsApp number: without one the picker offers SMS only, as a WhatsApp text to it would be refused. */
  hasWhatsApp: boolean;
  /** Numbers recently in touch with the clinic (E.164), offered to pick from. */
  recentPhones: string[];
  conversation: ConversationMessage[];
  waitingCall: WaitingCall | undefined;
  urls: PhoneUrls;
  /** A number typed into the picker that is not one: shown again as typed, with the refusal beside it. */
  refusedPhone?: { typed: string; message: string } | undefined;
}

/**
 * What the last action showed: the clinic's TwiML reply to a text, what a call said after a key, or why
 * it was refused, with the refused text as typed (`draft`) for the Message box.
 */
export interface PhoneFlash {
  reply?: string | undefined;
  said?: string | undefined;
  error?: string | undefined;
  draft?: string | undefined;
}

function sentTime(message: ConversationMessage, clinic: Clinic): string {
  return DateTime.fromJSDate(message.createdAt).setZone(clinic.timezone).setLocale('en-US').toLocaleString(DateTime.TIME_WITH_SECONDS);
}

const FAILED = new Set(['failed', 'undelivered']);

function renderMessage(message: ConversationMessage, clinic: Clinic): Html {
  const who = message.direction === 'inbound' ? 'Patient' : clinic.name;
  const status = message.errorCode === null ? message.status : `${message.status} (${message.errorCode})`;
  return html`<li class="msg msg-${message.direction}${FAILED.has(message.status) ? raw(' msg-failed') : null}" data-direction="${message.direction}">${message.body}<span class="msg-meta">${who} · ${message.channel === 'whatsapp' ? 'WhatsApp' : 'SMS'} · ${sentTime(message, clinic)} · <span data-status>${status}</span></span></li>`;
}

function renderCall(view: PhoneView, call: WaitingCall): Html {
  return html`<section class="card panel call" aria-labelledby="call-title" data-call="${call.callSid}">
  <h2 id="call-title">${view.clinic.name} is calling — answered, waiting for a key</h2>
  <form class="keypad" method="post" action="${view.urls.keys(call.callSid)}">
    <input type="hidden" name="phone" value="${view.phone}">
    <input type="hidden" name="channel" value="${view.channel}">
    ${KEYPAD.map((key) => html`<button class="btn btn-quiet" type="submit" name="digits" value="${key}" aria-label="Key ${key}">${key}</button>`)}
    <button class="btn btn-quiet no-key" type="submit" name="digits" value="">No key</button>
  </form>
</section>`;
}

/** The live part of the page: a waiting call's keypad and the conversation, newest at the bottom. */
export function renderPhoneFragment(view: PhoneView): Html {
  return html`${view.waitingCall === undefined ? null : renderCall(view, view.waitingCall)}
<section class="card panel" aria-labelledby="chat-title">
  <h2 id="chat-title">Conversation</h2>
  ${
    view.conversation.length === 0
      ? html`<p class="empty">No messages with this number yet.</p>`
      : html`<ol class="chat-log">${view.conversation.map((m) => renderMessage(m, view.clinic))}</ol>`
  }
</section>`;
}

function renderPicker(view: PhoneView): Html {
  const refused = view.refusedPhone;
  const option = (channel: PhoneChannel, label: string) =>
    html`<option value="${channel}"${view.channel === channel ? raw(' selected') : null}>${label}</option>`;
  return html`<form class="card panel" method="get" action="${view.urls.page}">
  <h2>Patient's phone</h2>
  ${view.clinic.slug === MAIN_CLINIC_SLUG ? null : html`<input type="hidden" name="clinic" value="${view.clinic.slug}">`}
  <div class="row">
    <div class="field${refused === undefined ? '' : ' field-error'}">
      <label for="picker-phone">${PHONE_LABELS.phone} (E.164 or local to ${view.clinic.defaultCountry})</label>
      <input id="picker-phone" name="phone" type="tel" list="recent-phones" autocomplete="off" required value="${refused?.typed ?? view.phone ?? ''}"${
        refused === undefined ? null : raw(' aria-invalid="true" aria-describedby="picker-phone-error"')
      }>
      ${refused === undefined ? null : html`<p class="field-message" id="picker-phone-error" role="alert" data-field-error="phone">${refused.message}</p>`}
    </div>
    <datalist id="recent-phones">${view.recentPhones.map((phone) => html`<option value="${phone}"></option>`)}</datalist>
    <label class="field">${PHONE_LABELS.channel}
      <select name="channel"${view.hasWhatsApp ? null : raw(' aria-describedby="picker-channel-note"')}>${option('sms', 'SMS')}${view.hasWhatsApp ? option('whatsapp', 'WhatsApp') : null}</select>
      ${view.hasWhatsApp ? null : html`<small class="channel-note" id="picker-channel-note">No WhatsApp: ${view.clinic.name} has no WhatsApp number (start with <code>TWILIO_WHATSAPP_FROM</code> to try it).</small>`}
    </label>
    <button class="btn btn-quiet" type="submit">Open</button>
  </div>
</form>`;
}

/**
 * The box to text the clinic as `phone`; `sent` (the page answers a text just sent) puts focus in its
 * empty Message field, so the next text can be typed at once rather than from the top of the page. A
 * refused text (`flash.draft`) is back in the field, with focus, described by the refusal (`#phone-error`).
 */
function renderComposer(view: PhoneView, phone: string, flash: PhoneFlash): Html {
  const refused = flash.draft !== undefined && flash.error !== undefined;
  const focus = flash.reply !== undefined || refused;
  const hidden = html`<input type="hidden" name="phone" value="${phone}"><input type="hidden" name="channel" value="${view.channel}">`;
  return html`<section class="card panel" aria-labelledby="send-title">
  <h2 id="send-title">Text the clinic as ${phone} on ${view.channel === 'whatsapp' ? 'WhatsApp' : 'SMS'}</h2>
  <form method="post" action="${view.urls.send}" class="row">
    ${hidden}
    <label class="field">${PHONE_LABELS.body}
      <textarea name="body" required maxlength="1600"${focus ? raw(' autofocus') : null}${
        refused ? raw(' aria-invalid="true" aria-describedby="phone-error"') : null
      }>${refused ? flash.draft : ''}</textarea>
    </label>
    <button class="btn btn-primary" type="submit">Send</button>
  </form>
  ${
    view.channel === 'whatsapp'
      ? html`<form method="post" action="${view.urls.send}" class="quick" aria-label="Quick replies">
    ${hidden}
    ${QUICK_REPLIES.map((b) => html`<button class="btn btn-quiet" type="submit" name="button" value="${b.payload}">${b.text}</button>`)}
  </form>`
      : null
  }
</section>`;
}

/** The simulator page; `flash` shows what the last action answered. */
export function renderPhonePage(view: PhoneView, flash: PhoneFlash): Html {
  const phone = view.phone;
  return renderLayout({
    title: `Phone simulator · ${view.clinic.name}`,
    styles: ['staff-nav.css', 'phone.css'],
    scripts: phone === undefined ? [] : ['phone.js'],
    body: html`${renderStaffHeader({ clinic: view.clinic, current: 'phone', subtitle: 'Phone simulator', showPhone: true })}
<main class="page">
  <p class="banner simulator" role="note"><strong>Simulator</strong> — no real phone is texted or called: the console provider stands in for Twilio, and what you send here goes through the same webhook as a patient's text.</p>
  ${flash.error === undefined ? null : html`<div class="banner" role="alert" id="phone-error">${flash.error}</div>`}
  ${renderPicker(view)}
  ${
    phone === undefined
      ? null
      : html`${renderComposer(view, phone, flash)}
  ${flash.reply === undefined ? null : html`<section class="card panel" aria-labelledby="reply-title"><h2 id="reply-title">The clinic answered</h2><p class="said" data-reply>${flash.reply === '' ? '(nothing right away; a later text shows in the conversation)' : flash.reply}</p></section>`}
  ${flash.said === undefined ? null : html`<section class="card panel" aria-labelledby="said-title"><h2 id="said-title">The call said</h2><p class="said" data-said>${flash.said}</p></section>`}
  <p><a class="btn btn-quiet" href="${view.urls.page}">Refresh</a> <small class="empty">The conversation refreshes itself every 2 seconds.</small></p>
  <div id="chat" data-chat="${view.urls.chat}">${renderPhoneFragment(view)}</div>`
  }
</main>`,
  });
}
