/**
 * The HTTP app: Twilio webhooks, the staff JSON API, the board, the kiosk and the health check.
 * `createApp` builds it without a port (tests call `app.request()`); `server.ts` serves it.
 */
import { Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { secureHeaders } from 'hono/secure-headers';
import type { CountryCode } from 'libphonenumber-js';
import type { Logger } from 'pino';
import type { Messenger } from '../messaging/messenger.js';
import type { QueueDeps } from '../queue/joinQueue.js';
import { boardRoutes } from './board.js';
import { clinicRoutes } from './clinic.js';
import { errorBody, handleError } from './errors.js';
import { healthRoutes } from './health.js';
import { kioskRoutes } from './kiosk.js';
import { messageRoutes } from './messages.js';
import { queueRoutes } from './queue.js';
import type { QueueChangeHub } from './queueChangeHub.js';
import { webhookRoutes } from './webhooks.js';

/** Everything the app needs. Secrets come from the configuration (or the embedded start's `.data/`). */
export interface AppDeps extends QueueDeps {
  log: Logger;
  messenger: Messenger;
  queueChanges: QueueChangeHub;
  defaultCountry: CountryCode;
  publicBaseUrl: string | undefined;
  twilioAuthToken: string | undefined;
  adminPassword: string;
  adminApiToken: string;
  /** How long a webhook waits for its reply before answering empty and texting it later (ms, default 5000). */
  replyDeadlineMs?: number;
}

/** Builds the Hono app. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use('*', secureHeaders({ crossOriginResourcePolicy: 'same-origin' }));

  app.route('/', healthRoutes(deps));
  app.route('/webhooks/twilio', webhookRoutes({ ...deps, deadlineMs: deps.replyDeadlineMs }));

  const api = new Hono();
  api.use('*', bearerAuth({ token: deps.adminApiToken }));
  api.route('/', queueRoutes(deps));
  api.route('/', clinicRoutes(deps));
  api.route('/', messageRoutes(deps));
  app.route('/api', api);

  app.route('/admin', boardRoutes(deps));
  app.route('/kiosk', kioskRoutes(deps));
  app.get('/', (c) => c.redirect('/admin/board'));

  app.onError(handleError(deps.log));
  app.notFound((c) => c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404));
  return app;
}
