/**
 * A local HTTP server that answers like Twilio's REST API, for the outbound adapters: Messages
 * (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, what `messages.create` sends) and Calls
 * (`POST /2010-04-01/Accounts/{AccountSid}/Calls.json`, what `calls.create` sends: To, From, Url or
 * Twiml, StatusCallback, StatusCallbackEvent, MachineDetection, Timeout). Every request is recorded;
 * answers are scripted per recipient (`To`): created (201, the default), refused (4xx with a Twilio
 * error code, e.g. 21610), an outage (5xx, with `Retry-After` when given), throttled (429 with Twilio's
 * error 20429 and `Retry-After` in seconds), no answer at all (the request hangs until the client
 * gives up or the server closes), or an answer lost (the message or call is made, then the connection
 * is reset before any answer, at once or when the test says). It also lists what it made (`GET` of either, what `messages.list` and
 * `calls.list` send: filtered by `To` and `From`, newest first, `PageSize` at most). Error bodies follow
 * twilio.com/docs/usage/twilios-response (`{ code, message, more_info, status }`).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import type { Sender } from '../../src/messaging/sender.js';
import { createTwilioSender } from '../../src/messaging/twilioSender.js';
import { fakeSid } from './twilioWebhooks.js';

/** One request as the fake received it; a repeated form field (e.g. StatusCallbackEvent) is an array. */
export interface TwilioApiRequest {
  method: string;
  /** Path and query, e.g. `/2010-04-01/Accounts/AC…/Calls.json`. */
  path: string;
  /** `messages`, `calls`, or `other` for any path the fake does not serve (answered 404). */
  resource: 'messages' | 'calls' | 'other';
  /** The `Authorization` header (Basic AccountSid:AuthToken). */
  auth: string | undefined;
  headers: IncomingHttpHeaders;
  /** A create's form; a list's query (`To`, `From`, `PageSize`). */
  form: Record<string, string | string[]>;
  /** When it arrived (epoch ms). */
  at: number;
}

/**
 * How the fake answers a create: the default `created`; a 4xx `refused` with Twilio's error code; a
 * 5xx `outage` (with `Retry-After: retryAfterSeconds` when given); a 429 `throttled` with
 * `Retry-After: retryAfterSeconds` (Twilio's error 20429, "Too Many Requests"); `hang` never answers;
 * `lost` makes the message or call, then resets the connection (the client sees "socket hang up"),
 * once `until` has settled when given (the try waits for its answer meanwhile).
 */
export type TwilioApiAnswer =
  | { kind: 'created'; status?: string }
  | { kind: 'lost'; until?: Promise<unknown> }
  | { kind: 'refused'; httpStatus?: number; code: number; message?: string }
  | { kind: 'outage'; httpStatus?: number; retryAfterSeconds?: number }
  | { kind: 'throttled'; retryAfterSeconds: number }
  | { kind: 'hang' };

/** A message or call the fake made, as its list answers it (snake_case, as Twilio's JSON). */
export interface MadeResource {
  resource: 'messages' | 'calls';
  json: Record<string, unknown>;
}

/** A running fake: point the twilio client at it with `httpClient`. */
export interface FakeTwilioApi {
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** A twilio RequestClient that sends what would go to https://api.twilio.com here instead; `timeoutMs` bounds a hung request (default 30 s, twilio's own). */
  httpClient(options?: { timeoutMs?: number }): twilio.RequestClient;
  /** Frontdesk's Twilio sender (`createTwilioSender`, no Messaging Service) talking to this fake through `httpClient(options)`. */
  sender(options?: { timeoutMs?: number }): Sender;
  /** Every request received, oldest first. */
  requests: TwilioApiRequest[];
  /** Every message or call made, answered or not, oldest first: the JSON Twilio keeps of it (`sid`, `to`, `body`, …). */
  made: MadeResource[];
  /** Requests of one resource whose `To` is `to` (both forms, `+1…` and `whatsapp:+1…`, are compared as given). */
  requestsTo(to: string, resource?: 'messages' | 'calls'): TwilioApiRequest[];
  /** Answers every later create to `to` with `answer` (until `clearAnswer(to)`); a function is asked per request. */
  setAnswer(to: string, answer: TwilioApiAnswer | ((request: TwilioApiRequest) => TwilioApiAnswer)): void;
  /** Answers the next creates to `to` with `answers` in turn, then `created`. */
  setAnswers(to: string, answers: TwilioApiAnswer[]): void;
  clearAnswer(to: string): void;
  /** Closes the server, cutting hung requests. */
  close(): Promise<void>;
}

const resourceOf = (path: string): TwilioApiRequest['resource'] => {
  const match = /^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/(Messages|Calls)\.json(\?|$)/i.exec(path);
  return match === null ? 'other' : match[1]!.toLowerCase() === 'messages' ? 'messages' : 'calls';
};

function readForm(raw: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const before = form[key];
    form[key] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
  }
  return form;
}

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The JSON body Twilio answers a successful create with (the fields our code and twilio's client read). */
function createdResource(request: TwilioApiRequest, status: string | undefined): Record<string, unknown> {
  const now = new Date().toUTCString();
  const accountSid = /Accounts\/(AC[0-9a-f]{32})/i.exec(request.path)?.[1];
  const common = {
    account_sid: accountSid,
    to: single(request.form.To),
    from: single(request.form.From) ?? null,
    date_created: now,
    date_updated: now,
    api_version: '2010-04-01',
  };
  if (request.resource === 'calls') {
    return { ...common, sid: fakeSid('CA'), status: status ?? 'queued', direction: 'outbound-api', answered_by: null, duration: null };
  }
  return {
    ...common,
    sid: fakeSid('SM'),
    status: status ?? 'queued',
    body: single(request.form.Body) ?? '',
    messaging_service_sid: single(request.form.MessagingServiceSid) ?? null,
    direction: 'outbound-api',
    num_segments: '1',
    error_code: null,
    error_message: null,
  };
}

/**
 * A list request's answer: what was made of its resource, filtered by `To` and `From` when given,
 * newest first, at most `PageSize` (default 50), on one page (`next_page_uri` null), as Twilio pages
 * its lists (twilio.com/docs/usage/twilios-response#pagination).
 */
function listPage(request: TwilioApiRequest, made: MadeResource[]): object {
  const [to, from] = [single(request.form.To), single(request.form.From)];
  const pageSize = Number(single(request.form.PageSize) ?? 50);
  const items = made
    .filter((m) => m.resource === request.resource && (to === undefined || m.json.to === to) && (from === undefined || m.json.from === from))
    .map((m) => m.json)
    .reverse()
    .slice(0, pageSize);
  return { [request.resource]: items, page: 0, page_size: pageSize, next_page_uri: null, uri: request.path };
}

/** Starts the fake on a free loopback port. */
export async function startFakeTwilioApi(): Promise<FakeTwilioApi> {
  const requests: TwilioApiRequest[] = [];
  const made: MadeResource[] = [];
  const answers = new Map<string, TwilioApiAnswer | ((request: TwilioApiRequest) => TwilioApiAnswer)>();
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      const request: TwilioApiRequest = {
        method: req.method ?? '',
        path,
        resource: resourceOf(path),
        auth: req.headers.authorization,
        headers: req.headers,
        form: readForm(req.method === 'GET' ? (path.split('?')[1] ?? '') : raw),
        at: Date.now(),
      };
      requests.push(request);
      const send = (httpStatus: number, body: object, headers: Record<string, string> = {}) =>
        res.writeHead(httpStatus, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
      if (request.resource !== 'other' && req.method === 'GET') {
        send(200, listPage(request, made));
        return;
      }
      if (request.resource === 'other' || req.method !== 'POST') {
        send(404, { code: 20404, message: 'The requested resource was not found', more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 });
        return;
      }
      const scripted = answers.get(single(request.form.To) ?? '');
      const answer: TwilioApiAnswer = (typeof scripted === 'function' ? scripted(request) : scripted) ?? { kind: 'created' };
      const make = (status?: string) => {
        const json = createdResource(request, status);
        made.push({ resource: request.resource as MadeResource['resource'], json });
        return json;
      };
      switch (answer.kind) {
        case 'created':
          send(201, make(answer.status));
          return;
        case 'lost':
          make();
          void (answer.until ?? Promise.resolve()).then(
            () => req.socket.destroy(),
            () => req.socket.destroy(),
          );
          return;
        case 'refused': {
          const status = answer.httpStatus ?? 400;
          send(status, {
            code: answer.code,
            message: answer.message ?? `Refused with error ${answer.code}`,
            more_info: `https://www.twilio.com/docs/errors/${answer.code}`,
            status,
          });
          return;
        }
        case 'outage': {
          const status = answer.httpStatus ?? 503;
          const retryAfter: Record<string, string> = answer.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(answer.retryAfterSeconds) };
          send(
            status,
            { code: 20000 + status, message: 'Service unavailable', more_info: `https://www.twilio.com/docs/errors/${20000 + status}`, status },
            retryAfter,
          );
          return;
        }
        case 'throttled':
          send(
            429,
            { code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 },
            { 'Retry-After': String(answer.retryAfterSeconds) },
          );
          return;
        case 'hang':
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const httpClient = (options: { timeoutMs?: number } = {}) => {
    class LocalTwilio extends twilio.RequestClient {
      override request: twilio.RequestClient['request'] = (opts) => super.request({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, baseUrl) });
    }
    return new LocalTwilio(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs });
  };
  return {
    baseUrl,
    httpClient,
    sender: (options = {}) =>
      createTwilioSender({ accountSid: `AC${'1'.repeat(32)}`, authToken: 'local-auth-token', messagingServiceSid: undefined, httpClient: httpClient(options) }),
    requests,
    made,
    requestsTo: (to, resource) => requests.filter((r) => single(r.form.To) === to && (resource === undefined || r.resource === resource)),
    setAnswer: (to, answer) => void answers.set(to, answer),
    setAnswers: (to, scripted) => {
      const queue = [...scripted];
      answers.set(to, () => queue.shift() ?? { kind: 'created' });
    },
    clearAnswer: (to) => void answers.delete(to),
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}
