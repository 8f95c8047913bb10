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
import { pino } from 'pino';
import twilio from 'twilio';
import { inject } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { createQueueChangeHub, type QueueChangeHub } from '../../src/api/queueChangeHub.js';
import type { Clinic } from '../../src/clinics/clinics.js';
import { createSql, type Sql } from '../../src/db/sql.js';
import { createConsoleSender } from '../../src/messaging/consoleSender.js';
import { createMessenger, type Messenger } from '../../src/messaging/messenger.js';
import { createWorker, WORKFLOWS_PATH } from '../../src/worker/createWorker.js';
import { createTestClinic, fictionalNumber } from './clinic.js';

/** A publicly reachable base URL as Twilio would call it; signatures are computed over it. */
export const PUBLIC_BASE_URL = 'https://desk.clinic.test';
const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never });

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** A Twilio-style SID: two letters and 32 hex digits. */
export function fakeSid(prefix = 'SM'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

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
}

export interface Stack {
  app: ReturnType<typeof createApp>;
  sql: Sql;
  clinic: Clinic;
  temporal: Client;
  taskQueue: string;
  messenger: Messenger;
  adminPassword: string;
  adminApiToken: string;
  twilioAuthToken: string;
  /** The clinic's own number: where patients text. */
  clinicNumber: string;
  /** Posts a Twilio-signed inbound message from `from` (`+1…` or `whatsapp:+1…`); `messageSid` to repeat one. */
  sendSms(from: string, body: string, opts?: { messageSid?: string; params?: Record<string, string> }): Promise<Response>;
  /** Posts a Twilio-signed status callback. */
  sendStatus(params: Record<string, string>): Promise<Response>;
  /** Calls the JSON API with the staff bearer token; `?clinic=` is added for this stack's clinic. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Serves the app on 127.0.0.1; returns its base URL. */
  listen(): Promise<string>;
  /** Stops the worker (as a deploy or a crash would); workflows wait for the next one. */
  stopWorker(): Promise<void>;
  /** Starts a new worker on the same task queue. */
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** Twilio's signature header for a form post to `path`, as Twilio computes it over the public URL. */
export function signTwilio(authToken: string, path: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, `${PUBLIC_BASE_URL}${path}`, params);
}

/** Starts a stack with a fresh clinic (see `createTestClinic`). */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const sql = createSql(inject('databaseUrl'));
  const { clinic, clinicNumber } = await createTestClinic(sql, options);
  const slug = clinic.slug;

  const address = inject('temporalAddress');
  const temporal = new Client({ connection: await Connection.connect({ address }) });
  const nativeConnection = await NativeConnection.connect({ address });
  const taskQueue = `test-${slug}`;
  const messenger = createMessenger({ sql, sender: createConsoleSender(log), statusCallbackUrl: `${PUBLIC_BASE_URL}/webhooks/twilio/status`, log });
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never });
  const workflowBundle = await bundle;

  let worker: Worker;
  let running: Promise<void>;
  const startWorker = async () => {
    worker = await createWorker({ connection: nativeConnection, namespace: 'default', taskQueue, sql, messenger, log, workflowBundle });
    running = worker.run();
  };
  await startWorker();

  const queueChanges: QueueChangeHub = await createQueueChangeHub(sql);
  const adminPassword = 'correct horse battery';
  const adminApiToken = randomBytes(24).toString('hex');
  const twilioAuthToken = randomBytes(16).toString('hex');
  const app = createApp({
    sql,
    temporal,
    taskQueue,
    log,
    messenger,
    queueChanges,
    defaultCountry: 'US',
    publicBaseUrl: PUBLIC_BASE_URL,
    twilioAuthToken: options.signedWebhooks === false ? undefined : twilioAuthToken,
    adminPassword,
    adminApiToken,
    ...(options.replyDeadlineMs === undefined ? {} : { replyDeadlineMs: options.replyDeadlineMs }),
  });

  const post = async (path: string, params: Record<string, string>) =>
    app.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signTwilio(twilioAuthToken, path, params) },
      body: new URLSearchParams(params).toString(),
    });

  let server: ServerType | undefined;
  return {
    app,
    sql,
    clinic,
    temporal,
    taskQueue,
    messenger,
    adminPassword,
    adminApiToken,
    twilioAuthToken,
    clinicNumber,
    sendSms: (from, body, opts = {}) =>
      post('/webhooks/twilio/sms', {
        MessageSid: opts.messageSid ?? fakeSid(),
        AccountSid: `AC${'0'.repeat(32)}`,
        From: from,
        To: from.startsWith('whatsapp:') ? `whatsapp:${clinicNumber}` : clinicNumber,
        Body: body,
        NumMedia: '0',
        ...opts.params,
      }),
    sendStatus: (params) => post('/webhooks/twilio/status', params),
    api: async (path, init = {}) => {
      const url = new URL(path, 'http://localhost');
      url.searchParams.set('clinic', slug);
      return app.request(`${url.pathname}${url.search}`, {
        ...init,
        headers: { Authorization: `Bearer ${adminApiToken}`, 'Content-Type': 'application/json', ...init.headers },
      });
    },
    listen: () =>
      new Promise((resolve) => {
        server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`));
      }),
    stopWorker: async () => {
      worker.shutdown();
      await running;
    },
    startWorker,
    stop: async () => {
      server?.close();
      worker.shutdown();
      await running;
      await queueChanges.close();
      await nativeConnection.close();
      await temporal.connection.close();
      await sql.end();
    },
  };
}

/** Reads a TwiML reply's message text (`''` for an empty `<Response/>`). */
export async function twimlText(response: Response): Promise<string> {
  const xml = await response.text();
  const match = /<Message>([\s\S]*?)<\/Message>/.exec(xml);
  return match === null ? '' : match[1]!.replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The response body as JSON, typed loosely for assertions. */
export async function json(response: Response): Promise<any> {
  return response.json();
}

/** Waits (bounded) until `check` returns a value that is not undefined; polls every 50 ms. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
