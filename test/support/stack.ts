/**
 * The real stack for one test file: the shared Postgres and Temporal dev server (globalSetup), a
 * fresh clinic, a worker on its own task queue, and the real Hono app. Patients' texts go in as
 * Twilio-signed webhooks; outbound texts go through the console provider into the message log.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, bundleWorkflowCode, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { pino, type Logger } from 'pino';
import { inject, vi } from 'vitest';
import { createApp, type AppDeps } from '../../src/api/app.js';
import {
  createAppointmentChangeHub,
  createMessageLogChangeHub,
  createQueueChangeHub,
  createWaitlistChangeHub,
  type QueueChangeHub,
} from '../../src/api/queueChangeHub.js';
import type { Clinic } from '../../src/clinics/clinics.js';
import { createSql, type Sql } from '../../src/db/sql.js';
import { createConsoleSender } from '../../src/messaging/consoleSender.js';
import { createConsoleTelephone, type ConsoleTelephone } from '../../src/messaging/consoleTelephone.js';
import { createMessenger, type Messenger } from '../../src/messaging/messenger.js';
import type { Sender } from '../../src/messaging/sender.js';
import { createDataConverter } from '../../src/temporal/dataConverter.js';
import { createWorker, WORKFLOWS_PATH } from '../../src/worker/createWorker.js';
import { createTestClinic, fictionalNumber } from './clinic.js';
import { silentSdkLogger } from './silentSdkLogger.js';
import { inboundMessageParams, postTwilioWebhook, PUBLIC_BASE_URL, twimlMessage } from './twilioWebhooks.js';
import { TEST_PAYLOAD_KEYS } from './payloadKeys.js';

export { TEST_PAYLOAD_KEYS };

// Tests that need only the stack import its webhook vocabulary from here too.
export { fakeSid, PUBLIC_BASE_URL, signTwilio } from './twilioWebhooks.js';
const defaultLog = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
Runtime.install({ logger: silentSdkLogger });

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** A new patient's phone number (valid, fictional). */
export function patientPhone(): string {
  return fictionalNumber('312');
}

/** Options of a stack. */
export interface StackOptions {
  replyDeadlineMs?: number;
  /** false: no TWILIO_AUTH_TOKEN, as in the embedded demo (unsigned webhooks from loopback only). */
  signedWebhooks?: boolean;
  roomsOpen?: number;
  /** The logger of the app, worker and console provider (default: silent unless TEST_LOG_LEVEL is set). */
  log?: Logger;
  /** The Temporal Web UI's URL: its origin may call the codec endpoint (CORS). */
  temporalUiUrl?: string;
  /** Another Temporal server than the shared one (host:port), e.g. one whose Web UI a test opens. */
  temporalAddress?: string;
  /** true: the console provider plays calls and receipts (consoleTelephone.ts) against this stack's app. */
  consoleTelephone?: boolean;
  /** How long one second of a console call lasts (ms, default 1000): a shorter one times a silent call out sooner. */
  consoleSecondMs?: number;
  /** App settings for this stack's app: proxies trusted, session lifetime and re-check interval. */
  app?: Pick<AppDeps, 'trustProxy' | 'sessionSeconds' | 'sessionCheckMs'>;
  /** Another Postgres than the shared one (a migrated database's URL), e.g. one a test stops. */
  databaseUrl?: string;
  /** false: no worker in this process (a test runs worker processes of its own, see workerProcess.ts). */
  worker?: boolean;
  /** The provider to send through instead of the console one, e.g. the Twilio sender on fakeTwilioApi.ts. */
  sender?: Sender;
}

export interface Stack {
  app: ReturnType<typeof createApp>;
  /**
   * Builds another app on the same database and Temporal, as a second API process would be; `deps`
   * replace the stack's own (e.g. a `sql` client whose queries a test counts).
   */
  createApp(deps?: Partial<AppDeps>): ReturnType<typeof createApp>;
  sql: Sql;
  clinic: Clinic;
  temporal: Client;
  /** Where its Postgres and Temporal are (a worker process connects to them). */
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  messenger: Messenger;
  /** The app's fan-out of "the line changed" (Postgres LISTEN), as the live board hears it. */
  queueChanges: QueueChangeHub;
  adminPassword: string;
  adminApiToken: string;
  twilioAuthToken: string;
  /** The clinic's own number: where patients text. */
  clinicNumber: string;
  /** With `consoleTelephone: true`, the console's phone network (a patient's text through `sendText`, as the phone simulator sends it). */
  consoleTelephone: ConsoleTelephone | undefined;
  /** Posts a Twilio-signed inbound message from `from` (`+1…` or `whatsapp:+1…`); `messageSid` to repeat one. */
  sendSms(from: string, body: string, opts?: { messageSid?: string; params?: Record<string, string> }): Promise<Response>;
  /** Posts a Twilio-signed status callback. */
  sendStatus(params: Record<string, string>): Promise<Response>;
  /** Posts any Twilio-signed webhook (voice ones included, see twilioWebhooks.ts) to `path`. */
  sendWebhook(path: string, params: Record<string, string>): Promise<Response>;
  /** Calls the JSON API with the staff bearer token; `?clinic=` is added for this stack's clinic. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Serves the app on 127.0.0.1 (on `port`, default any free one); returns its base URL. */
  listen(port?: number): Promise<string>;
  /** Stops the worker (as a deploy or a crash would); workflows wait for the next one. */
  stopWorker(): Promise<void>;
  /** Starts a new worker on the same task queue. */
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a stack with a fresh clinic (see `createTestClinic`). */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const log = options.log ?? defaultLog;
  const databaseUrl = options.databaseUrl ?? inject('databaseUrl');
  const sql = createSql(databaseUrl);
  const { clinic, clinicNumber } = await createTestClinic(sql, options);
  const slug = clinic.slug;

  const address = options.temporalAddress ?? inject('temporalAddress');
  const temporal = new Client({ connection: await Connection.connect({ address }), dataConverter: createDataConverter(TEST_PAYLOAD_KEYS) });
  const nativeConnection = await NativeConnection.connect({ address });
  const taskQueue = `test-${slug}`;
  const twilioAuthToken = randomBytes(16).toString('hex');
  // The telephone calls the app itself (created below), signed as Twilio would sign PUBLIC_BASE_URL.
  let app: ReturnType<typeof createApp> | undefined;
  const telephone: ConsoleTelephone | undefined = options.consoleTelephone
    ? createConsoleTelephone({
        sql,
        log,
        localOrigin: PUBLIC_BASE_URL,
        authToken: twilioAuthToken,
        stepMs: 20,
        ...(options.consoleSecondMs === undefined ? {} : { secondMs: options.consoleSecondMs }),
        fetch: async (url, init) => app!.fetch(new Request(url, init)),
      })
    : undefined;
  const messenger = createMessenger({ sql, sender: options.sender ?? createConsoleSender(log, telephone), callbackBaseUrl: PUBLIC_BASE_URL, log });
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silentSdkLogger });
  const workflowBundle = await bundle;

  let worker: Worker | undefined;
  let running: Promise<void> = Promise.resolve();
  const stopWorker = async () => {
    worker?.shutdown();
    await running;
    worker = undefined;
  };
  const startWorker = async () => {
    worker = await createWorker({
      connection: nativeConnection,
      temporal,
      namespace: 'default',
      taskQueue,
      sql,
      messenger,
      log,
      payloadKeys: TEST_PAYLOAD_KEYS,
      workflowBundle,
    });
    running = worker.run();
  };
  if (options.worker !== false) await startWorker();

  const queueChanges: QueueChangeHub = await createQueueChangeHub(sql);
  const appointmentChanges = await createAppointmentChangeHub(sql);
  const waitlistChanges = await createWaitlistChangeHub(sql);
  const messageLogChanges = await createMessageLogChangeHub(sql);
  const adminPassword = 'correct horse battery';
  const adminApiToken = randomBytes(24).toString('hex');
  const appDeps: AppDeps = {
    sql,
    temporal,
    taskQueue,
    log,
    messenger,
    queueChanges,
    appointmentChanges,
    waitlistChanges,
    messageLogChanges,
    defaultCountry: 'US',
    publicBaseUrl: PUBLIC_BASE_URL,
    twilioAuthToken: options.signedWebhooks === false ? undefined : twilioAuthToken,
    adminPassword,
    adminApiToken,
    payloadKeys: TEST_PAYLOAD_KEYS,
    temporalUiUrl: options.temporalUiUrl,
    consoleTelephone: telephone,
    ...(options.replyDeadlineMs === undefined ? {} : { replyDeadlineMs: options.replyDeadlineMs }),
    ...options.app,
  };
  app = createApp(appDeps);

  const post = (path: string, params: Record<string, string>) => postTwilioWebhook(app, twilioAuthToken, path, params);

  let server: ServerType | undefined;
  return {
    app,
    createApp: (deps = {}) => createApp({ ...appDeps, ...deps }),
    sql,
    clinic,
    temporal,
    databaseUrl,
    temporalAddress: address,
    taskQueue,
    messenger,
    queueChanges,
    adminPassword,
    adminApiToken,
    twilioAuthToken,
    clinicNumber,
    consoleTelephone: telephone,
    sendSms: (from, body, opts = {}) =>
      post(
        '/webhooks/twilio/sms',
        inboundMessageParams({
          from,
          to: from.startsWith('whatsapp:') ? `whatsapp:${clinicNumber}` : clinicNumber,
          body,
          ...(opts.messageSid === undefined ? {} : { messageSid: opts.messageSid }),
          ...(opts.params === undefined ? {} : { extra: opts.params }),
        }),
      ),
    sendStatus: (params) => post('/webhooks/twilio/status', params),
    sendWebhook: post,
    api: async (path, init = {}) => {
      const url = new URL(path, 'http://localhost');
      url.searchParams.set('clinic', slug);
      const headers = new Headers({ Authorization: `Bearer ${adminApiToken}`, 'Content-Type': 'application/json' });
      new Headers(init.headers).forEach((value, name) => headers.set(name, value));
      return app.request(`${url.pathname}${url.search}`, { ...init, headers });
    },
    listen: (port = 0) =>
      new Promise((resolve) => {
        server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`));
      }),
    stopWorker,
    startWorker,
    stop: async () => {
      await telephone?.close();
      server?.close();
      await stopWorker();
      await queueChanges.close();
      await appointmentChanges.close();
      await waitlistChanges.close();
      await messageLogChanges.close();
      await nativeConnection.close();
      await temporal.connection.close();
      await sql.end();
    },
  };
}

/** Reads a TwiML reply's message text (`''` for an empty `<Response/>`): `twimlMessage`. */
export async function twimlText(response: Response): Promise<string> {
  return twimlMessage(await response.text());
}

/**
 * What the patient reads in answer to a text: the TwiML reply, or, when the webhook answered empty
 * because the reply missed its 5 s deadline (a loaded machine), the late reply texted to `phone`
 * (polled in the message log for up to 30 s).
 */
export async function patientReply(stack: Stack, phone: string, response: Response): Promise<string> {
  const twiml = await twimlText(response);
  if (twiml !== '') return twiml;
  return vi.waitFor(
    async () => {
      const messages = (await json(await stack.api(`/api/messages?phone=${encodeURIComponent(phone)}`))).messages as { direction: string; body: string }[];
      const late = messages.find((m) => m.direction === 'outbound');
      if (late === undefined) throw new Error(`no reply texted to ${phone} yet`);
      return late.body;
    },
    { timeout: 30_000, interval: 250 },
  );
}

/** The response body as JSON, typed loosely for assertions (expect() checks the shape). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- loose on purpose, see above
export async function json(response: Response): Promise<any> {
  return response.json();
}
