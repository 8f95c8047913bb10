/**
 * The HTTP app: Twilio webhooks, the staff JSON API, the board, the kiosk and the health check.
 * `createApp` builds it without a port (tests call `app.request()`); `server.ts` serves it.
 */
import { Hono, type Context } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { except } from 'hono/combine';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { secureHeaders } from 'hono/secure-headers';
import type { CountryCode } from 'libphonenumber-js';
import type { Logger } from 'pino';
import type { Messenger } from '../messaging/messenger.js';
import type { QueueDeps } from '../queue/joinQueue.js';
import { createEncryptionCodec, type PayloadKey } from '../temporal/payloadCodec.js';
import { boardRoutes } from './board.js';
import { appointmentRoutes } from './appointments.js';
import { clinicRoutes } from './clinic.js';
import { clinicTemplateRoutes } from './clinicTemplates.js';
import { PUBLIC_API_DOC_PATHS, docsRoutes } from './docs.js';
import { codecRoutes } from './codec.js';
import { errorBody, handleError } from './errors.js';
import { frontDeskMetricsRoutes } from './frontDeskMetrics.js';
import { healthRoutes } from './health.js';
import { kioskRoutes } from './kiosk.js';
import { messageRoutes } from './messages.js';
import { metricsRoutes } from './metrics.js';
import { createStaffApi } from './openapi.js';
import { phoneRoutes } from './phone.js';
import { providerRoutes } from './providers.js';
import { queueRoutes } from './queue.js';
import { createStaffSessions } from './session.js';
import { limitBodySize } from './requestBody.js';
import { staffAssetRoutes } from './staffAssetRoutes.js';
import { staffErrorPage } from './staffErrorPage.js';
import { STAFF_ASSETS_PATH } from './views/staffAssets.js';
import type { ClinicChangeHub, QueueChangeHub } from './queueChangeHub.js';
import type { ConsoleTelephone } from '../messaging/consoleTelephone.js';
import { consolePhoneRoutes, consoleWebhookRoutes } from './consoleRoutes.js';
import { voiceWebhookRoutes } from './voiceWebhooks.js';
import { waitlistRoutes } from './waitlist.js';
import { cancellationRoutes } from './cancellations.js';
import { waitlistMetricsRoutes } from './waitlistMetrics.js';
import { webhookRoutes } from './webhooks.js';
import { whatsAppTemplateRoutes } from './whatsAppTemplates.js';

/** Everything the app needs. Secrets come from the configuration (or the embedded start's `.data/`). */
export interface AppDeps extends QueueDeps {
  log: Logger;
  messenger: Messenger;
  queueChanges: QueueChangeHub;
  /** Changes to the clinics' appointments, for the Appointments page's live updates. */
  appointmentChanges: ClinicChangeHub;
  /** Changes to the clinics' waitlists, cancellations and offers, for the Waitlist and Cancellations pages. */
  waitlistChanges: ClinicChangeHub;
  /** New and changed messages and calls of the clinics, for the Messages page. */
  messageLogChanges: ClinicChangeHub;
  defaultCountry: CountryCode;
  publicBaseUrl: string | undefined;
  /** Reverse proxies in front of the app whose X-Forwarded-For is trusted (TRUST_PROXY, default 0). */
  trustProxy?: number;
  /** Staff session lifetime (seconds, default 12 h); tests shorten it. */
  sessionSeconds?: number;
  /** How often an open board event stream re-checks its session (ms, default 5000). */
  sessionCheckMs?: number;
  twilioAuthToken: string | undefined;
  adminPassword: string;
  adminApiToken: string;
  /** Keys of the payload codec (first = current), for the Temporal UI's codec endpoint. */
  payloadKeys: readonly PayloadKey[];
  /** The Temporal Web UI as the browser opens it (e.g. `http://localhost:8233`): the origin allowed to call `/codec`. */
  temporalUiUrl?: string | undefined;
  /** The Temporal namespace the workflows run in, for links to the Web UI (default `default`). */
  temporalNamespace?: string | undefined;
  /** How long a webhook waits for its reply before answering empty and texting it later (ms, default 5000). */
  replyDeadlineMs?: number;
  /** The console provider's telephone (no Twilio account): key presses on its calls go through it. */
  consoleTelephone?: ConsoleTelephone | undefined;
  /** How long a key pressed on a reminder call waits for the chain (ms, default `VOICE_UPDATE_DEADLINE_MS`). */
  voiceDeadlineMs?: number;
}

/**
 * The Content-Security-Policy of every page (sign-in, staff pages, kiosk, phone simulator): scripts,
 * styles and everything else only from this server's own files (`/admin/assets/`, staffAssets.ts), so
 * no inline script, inline event handler or `style` attribute runs; no framing, forms only to this
 * server, no `<base>`. A handler that sets its own policy keeps it (`/api/docs`, docs.ts).
 */
export const PAGE_CSP = {
  defaultSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * The answer to a method a path does not take (RFC 9110 §15.5.6): 405 with `Allow` listing the
 * methods its routes take (HEAD with GET), in the one error shape.
 */
function refuseMethod(c: Context, allowed: string[]): Response | Promise<Response> {
  const allow = allowed.join(', ');
  const answer = {
    status: 405,
    body: errorBody('method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}; it takes ${allow}`),
    headers: { Allow: allow },
  } as const;
  return staffErrorPage(c, answer) ?? c.json(answer.body, answer.status, answer.headers);
}

/** The answer to a path no route takes: 404 in the one error shape (a staff page's error page under `/admin/`). */
function refusePath(c: Context): Response | Promise<Response> {
  const answer = { status: 404, body: errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), headers: {} } as const;
  return staffErrorPage(c, answer) ?? c.json(answer.body, answer.status);
}

/** How long a client may keep `/favicon.ico`'s empty answer (seconds): a day. */
const FAVICON_MAX_AGE = 86_400;

/** Builds the Hono app. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use('*', secureHeaders({ crossOriginResourcePolicy: 'same-origin', xFrameOptions: 'DENY', contentSecurityPolicy: PAGE_CSP, overwrite: false }));
  // A 404 for a path some route takes with another method becomes a 405. Hono's own middleware reads
  // the methods from the registered routes (`app.routes`, once all are in); inside `secureHeaders`,
  // so the 405 carries its headers too.
  app.use('*', methodNotAllowed({ app, onMethodNotAllowed: refuseMethod }));

  // Webhooks take up to 64 KB (webhooks.ts) and the codec a history's payloads (codec.ts); the kiosk and
  // the sign-in page answer an oversized body with a page.
  app.use('*', except(['/webhooks/*', '/codec/*', '/kiosk/*', '/admin/login'], limitBodySize()));

  app.route('/', healthRoutes(deps));
  // Before `/webhooks/twilio`, whose guard (on `*`) would otherwise run on the voice routes too.
  app.route('/webhooks/twilio/voice', voiceWebhookRoutes(deps));
  app.route('/webhooks/twilio', webhookRoutes({ ...deps, deadlineMs: deps.replyDeadlineMs }));
  app.route('/webhooks/console', consoleWebhookRoutes(deps));

  // The staff API at /api: every operation needs the token; its contract and docs page do not (docs.ts says why).
  const api = createStaffApi();
  api.use('*', except(PUBLIC_API_DOC_PATHS, bearerAuth({ token: deps.adminApiToken })));
  api.route('/', queueRoutes(deps));
  api.route('/', clinicRoutes(deps));
  api.route('/', clinicTemplateRoutes(deps));
  api.route('/', whatsAppTemplateRoutes(deps));
  api.route('/', messageRoutes(deps));
  api.route('/', metricsRoutes(deps));
  api.route('/', appointmentRoutes(deps));
  api.route('/', providerRoutes(deps));
  api.route('/', waitlistRoutes(deps));
  api.route('/', frontDeskMetricsRoutes(deps));
  api.route('/', cancellationRoutes(deps));
  api.route('/', waitlistMetricsRoutes(deps));
  api.route('/', consolePhoneRoutes(deps));
  api.route('/', docsRoutes(api));
  app.route('/', api);

  app.route(
    '/codec',
    codecRoutes({
      codec: createEncryptionCodec(deps.payloadKeys),
      sessions: createStaffSessions(deps),
      adminApiToken: deps.adminApiToken,
      allowedOrigins: deps.temporalUiUrl === undefined ? [] : [new URL(deps.temporalUiUrl).origin],
    }),
  );
  app.route(STAFF_ASSETS_PATH, staffAssetRoutes());
  app.route('/admin/phone', phoneRoutes(deps));
  app.route('/admin', boardRoutes(deps));
  app.route('/kiosk', kioskRoutes(deps));
  app.get('/', (c) => c.redirect('/admin/board'));
  // Pages link their icon (/admin/assets/favicon.svg); a client that asks the old way gets no 404 either.
  app.get('/favicon.ico', (c) => c.body(null, 204, { 'Cache-Control': `public, max-age=${FAVICON_MAX_AGE}` }));

  // A browser on a staff page gets its errors as a page; everyone else, the error shape (staffErrorPage.ts).
  app.onError(handleError(deps.log, staffErrorPage));
  app.notFound(refusePath);
  return app;
}
