/**
 * The phone simulator under `/admin/phone`, only while the console provider stands in for Twilio
 * (404 otherwise): staff play a patient's phone. A text goes through the console telephone to the
 * app's own `POST /webhooks/twilio/sms`, signed as Twilio would sign it; a key goes to a waiting console
 * call through `ConsoleTelephone.pressKeys`. Signed-in staff only, form posts same-origin only (the
 * board's session and CSRF check); `?clinic=<slug>` picks a clinic (default `main`).
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { findClinicAddress, getClinicBySlug, MAIN_CLINIC_SLUG, type Clinic } from '../clinics/clinics.js';
import { parseAddress, toAddress, type PhoneChannel } from '../domain/phone.js';
import { AppError } from '../errors.js';
import { findWaitingCall, listConversation, listRecentPhones } from '../messaging/phoneConversation.js';
import type { AppDeps } from './app.js';
import { readForm } from './requestBody.js';
import { createStaffSessions, requireStaffSession, sameOriginForms } from './session.js';
import { parseOrThrow, ZClinicQuery, ZClinicSlug } from './validation.js';
import { labelFieldMessage } from './views/fieldLabels.js';
import { PHONE_LABELS, QUICK_REPLIES, renderPhoneFragment, renderPhonePage, type PhoneFlash, type PhoneView } from './views/phoneView.js';

/** Where the simulator lives, as the browser sees it. */
export const PHONE_PATH = '/admin/phone';
/** Longest text the simulator sends or shows back from its query (characters: ten SMS segments). */
const MAX_TEXT_CHARS = 1600;
/**
 * The most of a refused text the page gives back to its Message box (characters): more than it sends,
 * so a text refused for its length comes back whole, to be cut rather than typed again.
 */
const MAX_DRAFT_CHARS = 4000;
/** How many recently active numbers the simulator offers to pick from. */
const RECENT_PHONES = 20;

const ZChannel = z.enum(['sms', 'whatsapp']).catch('sms');
const ZFlashText = z.string().max(MAX_TEXT_CHARS).optional().catch(undefined);
const ZPageQuery = ZClinicQuery.extend({
  phone: z.string().max(40).optional().catch(undefined),
  channel: ZChannel,
  reply: ZFlashText,
  said: ZFlashText,
  error: ZFlashText,
  draft: z.string().max(MAX_DRAFT_CHARS).optional().catch(undefined),
});
const ZPhoneForm = z.object({ phone: z.string().max(40), channel: ZChannel });
const ZSendForm = ZPhoneForm.extend({
  body: z.string().max(MAX_TEXT_CHARS, `must be at most ${MAX_TEXT_CHARS} characters`).default(''),
  button: z.enum(QUICK_REPLIES.map((b) => b.payload)).optional(),
});
const ZKeysForm = ZPhoneForm.extend({ digits: z.string().regex(/^[0-9*#]?$/, 'must be one key (0-9, * or #), or none') });
const ZCallSid = z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'must be a Twilio CallSid (CA and 32 hex digits)');

/** The simulator's URL with `params`, carrying `?clinic=` only for a clinic other than `main`. */
function phoneUrl(slug: string, path = '', params: Record<string, string> = {}): string {
  const query = new URLSearchParams(slug === MAIN_CLINIC_SLUG ? params : { clinic: slug, ...params }).toString();
  return `${PHONE_PATH}${path}${query === '' ? '' : `?${query}`}`;
}

/** The E.164 number in `raw` (E.164 or local to the clinic's default country). @throws AppError bad_request naming `phone`. */
function patientPhone(clinic: Clinic, raw: string): string {
  const parsed = parseAddress(raw.replace(/^whatsapp:/i, ''), clinic.defaultCountry);
  if (parsed === undefined) throw new AppError('bad_request', `phone: must be a phone number, E.164 or local to ${clinic.defaultCountry}`, 'phone');
  return parsed.phone;
}

/** The text of every `<tag>` in `twiml` (a TwiML reply), unescaped and joined by blank lines. */
function twimlText(twiml: string, tag: 'Message' | 'Say'): string {
  return [...twiml.matchAll(new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))]
    .map((m) =>
      m[1]!
        .replace(/&apos;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&'),
    )
    .join('\n\n');
}

async function loadView(deps: AppDeps, slug: string, phone: string | undefined, channel: PhoneChannel): Promise<PhoneView> {
  const clinic = await getClinicBySlug(deps.sql, slug);
  const params: Record<string, string> = phone === undefined ? { channel } : { phone, channel };
  return {
    clinic,
    phone,
    channel,
    hasWhatsApp: (await findClinicAddress(deps.sql, clinic.id, 'whatsapp')) !== undefined,
    recentPhones: await listRecentPhones(deps.sql, clinic.id, RECENT_PHONES),
    conversation: phone === undefined ? [] : await listConversation(deps.sql, clinic.id, phone),
    waitingCall: phone === undefined ? undefined : await findWaitingCall(deps.sql, clinic.id, phone),
    urls: {
      page: phoneUrl(slug, '', params),
      chat: phoneUrl(slug, '/chat', params),
      send: phoneUrl(slug, '/messages'),
      keys: (callSid) => phoneUrl(slug, `/calls/${encodeURIComponent(callSid)}/keys`),
    },
  };
}

/**
 * Runs a simulator form post's `act` (which returns what to show, or throws) and answers 303 back to the
 * page for the form's number and channel, with `act`'s result or a refusal's reason in the query; a
 * refused text also comes back as typed (`draft`, up to MAX_DRAFT_CHARS), for its Message box.
 */
async function answerFormPost(c: Context, slug: string, act: () => Promise<{ phone: string; channel: PhoneChannel; flash: PhoneFlash }>): Promise<Response> {
  try {
    const { phone, channel, flash } = await act();
    const shown = Object.fromEntries(Object.entries(flash).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return c.redirect(phoneUrl(slug, '', { phone, channel, ...shown }), 303);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const fields: Record<string, string | File> = await readForm(c).catch(() => ({}));
    const form = ZPhoneForm.partial().catch({}).parse(fields);
    const back = { ...(form.phone === undefined ? {} : { phone: form.phone }), ...(form.channel === undefined ? {} : { channel: form.channel }) };
    const body = fields.body;
    const draft: Record<string, string> = typeof body === 'string' && body.trim() !== '' ? { draft: body.slice(0, MAX_DRAFT_CHARS) } : {};
    return c.redirect(
      phoneUrl(slug, '', { ...back, ...draft, error: labelFieldMessage(error.message, error.field, PHONE_LABELS).slice(0, MAX_TEXT_CHARS) }),
      303,
    );
  }
}

/**
 * Routes under `/admin/phone`: the page (`GET /`), its chat fragment (`GET /chat`, refreshed by the
 * page's script), a text to the clinic (`POST /messages`) and a key on a waiting call
 * (`POST /calls/:CallSid/keys`). Without the console telephone every route is 404.
 */
export function phoneRoutes(deps: AppDeps): Hono {
  const sessions = createStaffSessions(deps);
  const app = new Hono();
  const telephone = deps.consoleTelephone;
  if (telephone === undefined) {
    app.all('*', () => {
      throw new AppError('not_found', 'the phone simulator exists with the console provider only (no Twilio account)');
    });
    return app;
  }
  app.use('*', sameOriginForms(deps.publicBaseUrl));

  app.get('/', requireStaffSession(sessions, { redirect: true }), async (c) => {
    const query = parseOrThrow(ZPageQuery, c.req.query());
    const clinic = await getClinicBySlug(deps.sql, query.clinic);
    let phone: string | undefined;
    let refusedPhone: PhoneView['refusedPhone'];
    if (query.phone !== undefined && query.phone.trim() !== '') {
      try {
        phone = patientPhone(clinic, query.phone);
      } catch (refused) {
        if (!(refused instanceof AppError)) throw refused;
        refusedPhone = { typed: query.phone, message: labelFieldMessage(refused.message, refused.field, PHONE_LABELS) };
      }
    }
    c.header('Cache-Control', 'no-store');
    const view = { ...(await loadView(deps, clinic.slug, phone, query.channel)), refusedPhone };
    // A refused number is named beside its field; a post refused for it comes back with the same words, shown once.
    const error = query.error === refusedPhone?.message ? undefined : query.error;
    return c.html(renderPhonePage(view, { reply: query.reply, said: query.said, error, draft: query.draft }), refusedPhone === undefined ? 200 : 400);
  });

  app.get('/chat', requireStaffSession(sessions, { redirect: false }), async (c) => {
    const query = parseOrThrow(ZClinicQuery.extend({ phone: z.string().max(40), channel: ZChannel }), c.req.query());
    const clinic = await getClinicBySlug(deps.sql, query.clinic);
    c.header('Cache-Control', 'no-store');
    return c.html(renderPhoneFragment(await loadView(deps, clinic.slug, patientPhone(clinic, query.phone), query.channel)));
  });

  // A text (or, on WhatsApp, a quick-reply tap) from the patient: through the SMS webhook, as Twilio posts it.
  app.post('/messages', requireStaffSession(sessions, { redirect: true }), async (c) => {
    const slug = parseOrThrow(ZClinicSlug, c.req.query('clinic'));
    return answerFormPost(c, slug, async () => {
      const clinic = await getClinicBySlug(deps.sql, slug);
      const form = parseOrThrow(ZSendForm, await readForm(c));
      const phone = patientPhone(clinic, form.phone);
      const button = QUICK_REPLIES.find((b) => b.payload === form.button);
      if (button !== undefined && form.channel !== 'whatsapp') throw new AppError('bad_request', 'button: quick replies are WhatsApp only', 'button');
      if (button === undefined && form.body.trim() === '') throw new AppError('bad_request', 'body: type a message to send', 'body');
      const to = await findClinicAddress(deps.sql, clinic.id, form.channel);
      if (to === undefined) throw new AppError('not_found', `${clinic.name} has no ${form.channel === 'whatsapp' ? 'WhatsApp' : 'SMS'} number`, 'channel');
      const twiml = await telephone.sendText({
        from: toAddress({ phone, channel: form.channel }),
        to,
        body: button?.text ?? form.body,
        ...(button === undefined ? {} : { button: { text: button.text, payload: button.payload } }),
      });
      return { phone, channel: form.channel, flash: { reply: twimlText(twiml, 'Message').slice(0, MAX_TEXT_CHARS) } };
    });
  });

  // A key (or none, as when the Gather times out) on a console call that waits for one.
  app.post('/calls/:CallSid/keys', requireStaffSession(sessions, { redirect: true }), async (c) => {
    const slug = parseOrThrow(ZClinicSlug, c.req.query('clinic'));
    return answerFormPost(c, slug, async () => {
      const clinic = await getClinicBySlug(deps.sql, slug);
      const callSid = parseOrThrow(ZCallSid, c.req.param('CallSid'));
      const form = parseOrThrow(ZKeysForm, await readForm(c));
      const phone = patientPhone(clinic, form.phone);
      // Only the call this page showed: one to this number at this clinic, still waiting for a key.
      if ((await findWaitingCall(deps.sql, clinic.id, phone))?.callSid !== callSid) {
        throw new AppError('conflict', `call ${callSid} to ${phone} is not waiting for a key`, 'CallSid');
      }
      const twiml = await telephone.pressKeys(callSid, form.digits);
      return { phone, channel: form.channel, flash: { said: twimlText(twiml, 'Say').slice(0, MAX_TEXT_CHARS) } };
    });
  });

  return app;
}
