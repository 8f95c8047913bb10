/**
 * The console provider's telephone network: with no Twilio account, it calls our webhooks exactly as
 * Twilio would, so a reminder call and a text's receipts run end to end on `npm start`. A placed call
 * reports `initiated` and `ringing`, then per the number (consolePhones.ts) ends `busy`, `no-answer`
 * or `failed`, or is answered by a machine (its TwiML fetched with AnsweredBy=machine_end_beep, then
 * `completed`) or by a person (AnsweredBy=human), who presses keys through `pressKeys` (the phone
 * simulator's route). A `<Gather>` no key answers times out as at Twilio: once its `<Say>` has been
 * read (about 150 words a minute) and its `timeout` seconds (default 5) have passed, its action is
 * requested with no Digits when it asks for that (`actionOnEmptyResult`), else the call goes on
 * with the TwiML after it; with nothing left, the call completes
 * (twilio.com/docs/voice/twiml/gather#timeout, #actiononemptyresult). A text reports `sent` then `delivered`, or `undelivered` 30006 to a landline;
 * a WhatsApp message to a number not on WhatsApp fails with 63024 (63003 to a landline). A patient's
 * text to the clinic (`sendText`, the phone simulator's) goes to the SMS webhook as Twilio posts it,
 * and a `<Message>` reply in the TwiML it answers is sent under a fresh MessageSid, its receipts
 * reported to the verb's `action` (resolved against the webhook's URL), as Twilio reports them
 * (twilio.com/docs/messaging/twiml/message).
 *
 * Requests go to the API on this machine (`localOrigin`) but are signed, when there is an auth
 * token, over the URL as given (which may carry PUBLIC_BASE_URL's origin), as the API checks them.
 * Background work is tracked: a failed request is logged at warn, and `close()` stops it all.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import twilio from 'twilio';
import type { Logger } from 'pino';
import type { Sql } from '../db/sql.js';
import { LANDLINE_ERROR } from '../domain/deliveryFallback.js';
import { AppError } from '../errors.js';
import { readConsolePhone } from './consolePhones.js';
import type { ProviderCall, ProviderMessage } from './sender.js';

/** The AccountSid in the console's webhook bodies: `AC` and 32 zeros. */
const CONSOLE_ACCOUNT_SID = `AC${'0'.repeat(32)}`;
/** Milliseconds one of our webhooks may take before the console gives up on it (Twilio waits 15 s). */
const REQUEST_TIMEOUT_MS = 15_000;
/** Twilio errors 63003 (channel could not find the To address) and 63024 (not a WhatsApp user). */
const WHATSAPP_NO_ADDRESS = 63003;
const NOT_ON_WHATSAPP = 63024;

/** What the console telephone needs. */
export interface ConsoleTelephoneOptions {
  sql: Sql;
  log: Logger;
  /** The API on this machine, `http://localhost:PORT`: where every request goes. */
  localOrigin: string;
  /** TWILIO_AUTH_TOKEN: requests are signed with it; without one they go unsigned (from loopback). */
  authToken: string | undefined;
  /** PUBLIC_BASE_URL: the address our webhooks check signatures over (default `localOrigin`); a patient's text is signed over it. */
  publicBaseUrl?: string | undefined;
  /** Pause before each event of a call or a text (ms, default 300), as a network would take. */
  stepMs?: number;
  /** How long one second of a call lasts (ms, default 1000): the reading of a menu and its Gather timeout; tests shorten it. */
  secondMs?: number;
  /** The HTTP client (default `fetch`); tests hand the app's own. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** The console's phone network; see the module docstring. */
export interface ConsoleTelephone {
  /** Plays call `callSid` in the background. */
  placeCall(call: ProviderCall, callSid: string): void;
  /** Reports message `messageSid`'s receipts in the background (when it has a StatusCallback). */
  reportMessage(message: ProviderMessage, messageSid: string): void;
  /**
   * Presses `digits` (empty: no key before the Gather timeout) on call `callSid`, which waits on a
   * `<Gather>`: posts its action as Twilio would. @returns the TwiML the call answered with.
   * @throws AppError not_found (no such console call), conflict (the call waits for no key),
   *   unavailable (our webhook failed).
   */
  pressKeys(callSid: string, digits: string): Promise<string>;
  /**
   * Texts the clinic as a patient would: posts an inbound message (a fresh MessageSid, `from` and `to`
   * as Twilio addresses, `body`, and for a WhatsApp quick-reply tap its `button`'s ButtonText and
   * ButtonPayload) to our `/webhooks/twilio/sms`, signed as Twilio would sign it; the reply in its
   * answer then reports its receipts to its `<Message action>` in the background.
   * @returns the TwiML the webhook answered with. @throws AppError unavailable (our webhook failed).
   */
  sendText(message: { from: string; to: string; body: string; button?: { text: string; payload: string } }): Promise<string>;
  /** Stops the background work and waits for it. */
  close(): Promise<void>;
}

/** Seconds a `<Gather>` waits for a key when its TwiML gives no `timeout` (twilio.com/docs/voice/twiml/gather#timeout). */
const DEFAULT_GATHER_TIMEOUT_SECONDS = 5;
/** Words a second that `<Say>` reads (about 150 a minute): a Gather's timeout starts once its text has been read. */
const SPOKEN_WORDS_PER_SECOND = 2.5;

/** The first `<Gather>` of some TwiML, as Twilio plays it. */
interface GatherVerb {
  /** Its action, resolved against the TwiML's URL (which it defaults to). */
  action: string;
  /** Seconds until it gives up on a key: the reading of its nested `<Say>` text, then its `timeout`. */
  waitSeconds: number;
  /** Whether its action is requested (with no Digits) when no key came; else the call goes on with `rest`. */
  actionOnEmptyResult: boolean;
  /** The TwiML after it. */
  rest: string;
}

const unescapeXml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The first `<Gather>` in `twiml`, fetched from `url`; undefined when the TwiML gathers nothing. */
function readGather(twiml: string, url: string): GatherVerb | undefined {
  const match = /<Gather\b([^>]*?)(\/>|>([\s\S]*?)<\/Gather>)/.exec(twiml);
  if (match === null) return undefined;
  const attribute = (name: string) => {
    const found = new RegExp(`\\b${name}="([^"]*)"`).exec(match[1]!);
    return found === null ? undefined : unescapeXml(found[1]!);
  };
  const timeout = Number(attribute('timeout') ?? DEFAULT_GATHER_TIMEOUT_SECONDS);
  const spoken = unescapeXml((match[3] ?? '').replace(/<[^>]*>/g, ' '));
  const words = spoken.split(/\s+/).filter((word) => word !== '').length;
  return {
    action: new URL(attribute('action') ?? url, url).toString(),
    waitSeconds: words / SPOKEN_WORDS_PER_SECOND + (Number.isFinite(timeout) ? timeout : DEFAULT_GATHER_TIMEOUT_SECONDS),
    actionOnEmptyResult: attribute('actionOnEmptyResult') === 'true',
    rest: twiml.slice(match.index + match[0].length),
  };
}

/** The `action` of the first `<Message>` in `twiml` (a reply to a text), unescaped; undefined when it has none. */
function readMessageAction(twiml: string): string | undefined {
  const found = /<Message\b[^>]*?\baction="([^"]*)"/.exec(twiml);
  return found === null ? undefined : unescapeXml(found[1]!);
}

/** Makes the console telephone. */
export function createConsoleTelephone(options: ConsoleTelephoneOptions): ConsoleTelephone {
  const { sql, log } = options;
  const stepMs = options.stepMs ?? 300;
  const secondMs = options.secondMs ?? 1000;
  const send = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const aborter = new AbortController();
  // Every pause and request in flight listens to this one signal (and lets go when it ends): as many
  // at once as the texts and calls on the line, so Node's leak warning past 10 listeners is no leak here.
  setMaxListeners(0, aborter.signal);
  const running = new Set<Promise<void>>();

  /** Waits `ms` (default `stepMs`), or until `close()`. */
  const pause = (ms = stepMs) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        aborter.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      aborter.signal.addEventListener('abort', done, { once: true });
    });

  /** Posts `params` to `url` (as given) on this machine, signed over `url`. @returns the body. @throws Error on a non-2xx answer or a network error. */
  const post = async (url: string, params: Record<string, string>): Promise<string> => {
    aborter.signal.throwIfAborted();
    const given = new URL(url);
    const local = new URL(`${given.pathname}${given.search}`, options.localOrigin).toString();
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if (options.authToken !== undefined) headers['X-Twilio-Signature'] = twilio.getExpectedTwilioSignature(options.authToken, url, params);
    const response = await send(local, {
      method: 'POST',
      headers,
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.any([aborter.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
    });
    const body = await response.text();
    if (!response.ok) throw new Error(`POST ${given.pathname} answered ${response.status}: ${body.slice(0, 200)}`);
    return body;
  };

  /** Runs `work` in the background, tracked and logged. */
  const track = (what: string, work: () => Promise<void>) => {
    if (aborter.signal.aborted) return;
    const done = work()
      .catch((error: unknown) => {
        if (!aborter.signal.aborted) log.warn({ err: error }, `console telephone: ${what} failed`);
      })
      .finally(() => running.delete(done));
    running.add(done);
  };

  /** The TwiML each call last waited on a key with, and its URL: a key press that failed waits on it again. */
  const waitingOn = new Map<string, { twiml: string; url: string }>();

  /**
   * Where the call goes after its TwiML (fetched from `url`): it waits on the Gather's action (a key
   * through `pressKeys`, or the Gather's timeout in the background), or it hangs up and reports
   * `completed` in the background.
   */
  const follow = async (callSid: string, twiml: string, url: string, statusCallback: string, base: Record<string, string>) => {
    const gather = readGather(twiml, url);
    await sql`update calls set console_gather_url = ${gather?.action ?? null}, console_status_callback = ${statusCallback} where call_sid = ${callSid}`;
    if (gather === undefined) {
      waitingOn.delete(callSid);
      track(`end of call ${callSid}`, async () => {
        await pause();
        await post(statusCallback, { ...base, CallStatus: 'completed', CallDuration: '30' });
      });
      return;
    }
    waitingOn.set(callSid, { twiml, url });
    track(`the keypad timeout of ${callSid}`, () => timeOut(callSid, gather, url, statusCallback, base));
  };

  /**
   * Twilio's side of `gather` when no key comes: after its wait, if the call still waits on it (no
   * key came, the call did not end), its action with no Digits (`actionOnEmptyResult`), else the
   * TwiML after it. A failed action request ends the call, as Twilio ends a call whose webhook fails.
   */
  const timeOut = async (callSid: string, gather: GatherVerb, url: string, statusCallback: string, base: Record<string, string>) => {
    await pause(gather.waitSeconds * secondMs);
    if (aborter.signal.aborted) return;
    const [waiting] = await sql`
      update calls set console_gather_url = null where call_sid = ${callSid} and console_gather_url = ${gather.action} returning id`;
    if (waiting === undefined) return;
    if (!gather.actionOnEmptyResult) return follow(callSid, gather.rest, url, statusCallback, base);
    let twiml: string;
    try {
      twiml = await post(gather.action, { ...base, CallStatus: 'in-progress' });
    } catch (error) {
      await post(statusCallback, { ...base, CallStatus: 'completed', CallDuration: '30' });
      throw error;
    }
    await follow(callSid, twiml, gather.action, statusCallback, base);
  };

  /**
   * Reports, in the background, the receipts of message `messageSid` from `from` to `to` (Twilio
   * addresses) to `statusCallback`: `sent` then `delivered`, or as the number is set (see the module docstring).
   */
  const reportReceipts = (message: { from: string; to: string }, messageSid: string, statusCallback: string) => {
    track(`receipts of ${messageSid}`, async () => {
      const whatsapp = message.to.startsWith('whatsapp:');
      const phone = await readConsolePhone(sql, message.to.replace(/^whatsapp:/, ''));
      const landline = phone.sms === 'undelivered';
      const base = { MessageSid: messageSid, AccountSid: CONSOLE_ACCOUNT_SID, From: message.from, To: message.to };
      const report = async (status: string, errorCode?: number) => {
        await pause();
        await post(statusCallback, { ...base, MessageStatus: status, ...(errorCode === undefined ? {} : { ErrorCode: String(errorCode) }) });
      };
      if (whatsapp && (landline || phone.whatsapp === 'not_on_whatsapp')) return report('failed', landline ? WHATSAPP_NO_ADDRESS : NOT_ON_WHATSAPP);
      await report('sent');
      await report(!whatsapp && landline ? 'undelivered' : 'delivered', !whatsapp && landline ? LANDLINE_ERROR : undefined);
    });
  };

  const callParams = (callSid: string, from: string, to: string, answeredBy?: string | null): Record<string, string> => ({
    CallSid: callSid,
    AccountSid: CONSOLE_ACCOUNT_SID,
    From: from,
    To: to,
    Direction: 'outbound-api',
    ApiVersion: '2010-04-01',
    ...(answeredBy === undefined || answeredBy === null ? {} : { AnsweredBy: answeredBy }),
  });

  return {
    placeCall(call, callSid) {
      track(`call ${callSid}`, async () => {
        const base = callParams(callSid, call.from, call.to);
        const status = (callStatus: string, extra: Record<string, string> = {}) => post(call.statusCallback, { ...base, CallStatus: callStatus, ...extra });
        for (const callStatus of ['initiated', 'ringing']) {
          await pause();
          await status(callStatus);
        }
        const phone = await readConsolePhone(sql, call.to);
        await pause();
        if (phone.call !== 'answer' && phone.call !== 'machine') {
          await status(phone.call);
          return;
        }
        const answered = callParams(callSid, call.from, call.to, phone.call === 'machine' ? 'machine_end_beep' : 'human');
        await post(call.statusCallback, { ...answered, CallStatus: 'in-progress' });
        const twiml = await post(call.url, { ...answered, CallStatus: 'in-progress' });
        log.info({ callSid, answeredBy: answered.AnsweredBy }, 'console call answered');
        await follow(callSid, twiml, call.url, call.statusCallback, answered);
      });
    },

    reportMessage(message, messageSid) {
      if (message.statusCallback === undefined) return;
      reportReceipts({ from: message.from, to: message.to }, messageSid, message.statusCallback);
    },

    async pressKeys(callSid, digits) {
      const [row] = await sql`
        update calls c set console_gather_url = null from calls waiting
        where waiting.id = c.id and c.call_sid = ${callSid} and c.console_gather_url is not null
        returning waiting.console_gather_url as gather_url, c.console_status_callback, c.from_address, c.to_address, c.answered_by`;
      if (row === undefined) {
        const [known] = await sql`select 1 from calls where call_sid = ${callSid}`;
        if (known === undefined) throw new AppError('not_found', `no console call ${callSid}`, 'CallSid');
        throw new AppError('conflict', `call ${callSid} is not waiting for a key`, 'CallSid');
      }
      const url = row.gather_url as string;
      const statusCallback = row.console_status_callback as string;
      const base = callParams(callSid, row.from_address as string, row.to_address as string, row.answered_by as string | null);
      let twiml: string;
      try {
        twiml = await post(url, { ...base, CallStatus: 'in-progress', Digits: digits, FinishedOnKey: '' });
      } catch (error) {
        log.warn({ err: error, callSid }, 'console telephone: a key press failed');
        // The call waits on the same Gather again, its timeout started afresh.
        const last = waitingOn.get(callSid);
        if (last === undefined) await sql`update calls set console_gather_url = ${url} where call_sid = ${callSid}`;
        else await follow(callSid, last.twiml, last.url, statusCallback, base);
        throw new AppError('unavailable', 'the call did not answer the key; try again shortly');
      }
      await follow(callSid, twiml, url, statusCallback, base);
      return twiml;
    },

    async sendText(message) {
      const params: Record<string, string> = {
        MessageSid: `SM${randomBytes(16).toString('hex')}`,
        AccountSid: CONSOLE_ACCOUNT_SID,
        From: message.from,
        To: message.to,
        Body: message.body,
        NumMedia: '0',
        ...(message.button === undefined ? {} : { ButtonText: message.button.text, ButtonPayload: message.button.payload }),
      };
      const url = `${options.publicBaseUrl ?? options.localOrigin}/webhooks/twilio/sms`;
      let twiml: string;
      try {
        twiml = await post(url, params);
      } catch (error) {
        log.warn({ err: error }, 'console telephone: a text to the clinic failed');
        throw new AppError('unavailable', 'the clinic did not answer the text; try again shortly');
      }
      // Twilio sends the reply back to the sender, from the number texted, and reports it to its action.
      const action = readMessageAction(twiml);
      if (action !== undefined) reportReceipts({ from: message.to, to: message.from }, `SM${randomBytes(16).toString('hex')}`, new URL(action, url).toString());
      return twiml;
    },

    async close() {
      aborter.abort();
      await Promise.allSettled([...running]);
    },
  };
}
