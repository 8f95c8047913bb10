/**
 * Configuration: every environment variable Frontdesk reads, validated once at start with zod.
 * Nothing below this module reads `process.env`; the parsed `Config` is passed down.
 */
import { existsSync } from 'node:fs';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { isValidPhoneNumber, type CountryCode, getCountries } from 'libphonenumber-js';
import { parsePayloadKeys, type PayloadKey } from './temporal/payloadCodec.js';
import { ZClockTime } from './domain/clockTime.js';
import type { TemporalTarget } from './temporal/connect.js';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** An optional whole number from `min` to `max` (an unset or empty variable: undefined). */
const optionalCount = (min: number, max: number) =>
  optionalString.pipe(z.coerce.number<string | undefined>().int('must be a whole number').min(min).max(max).optional());

/**
 * The worker's workflow cache when WORKER_MAX_CACHED_WORKFLOWS is unset: about 250 MiB of the workflow
 * thread's heap, so `npm run worker` (a 512 MiB heap limit, package.json) stays under 1 GiB RSS with
 * 10,000 live appointment chains (README, Benchmark); the SDK's own default grows with the heap (about
 * 2,300 on a 4 GiB heap).
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1_000;

const ZConfig = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_BASE_URL: optionalString.pipe(z.url({ error: 'must be an absolute URL such as https://desk.example.org' }).optional()),
    TRUST_PROXY: z.coerce.number().int('must be a whole number of proxy hops').min(0).max(10).default(0),
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
        .optional(),
    ),
    TEMPORAL_ADDRESS: optionalString,
    TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('frontdesk'),
    WORKER_MAX_CACHED_WORKFLOWS: optionalCount(0, 1_000_000).transform((count) => count ?? DEFAULT_MAX_CACHED_WORKFLOWS),
    TEMPORAL_UI_URL: optionalString.pipe(z.url({ error: 'must be the Temporal Web UI as the browser opens it, such as http://localhost:8080' }).optional()),
    PAYLOAD_ENCRYPTION_KEY: optionalString.transform((text, ctx) => {
      if (text === undefined) return undefined;
      try {
        return parsePayloadKeys(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
    TWILIO_ACCOUNT_SID: optionalString.pipe(
      z
        .string()
        .regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')
        .optional(),
    ),
    TWILIO_AUTH_TOKEN: optionalString,
    TWILIO_PHONE_NUMBER: optionalString,
    TWILIO_MESSAGING_SERVICE_SID: optionalString.pipe(
      z
        .string()
        .regex(/^MG[0-9a-fA-F]{32}$/, 'must look like MG followed by 32 hex digits')
        .optional(),
    ),
    TWILIO_WHATSAPP_FROM: optionalString.pipe(
      z
        .string()
        .regex(/^whatsapp:\+[1-9]\d{6,14}$/, 'must look like whatsapp:+13125550142')
        .optional(),
    ),
    ADMIN_PASSWORD: optionalString.pipe(z.string().min(8, 'must be at least 8 characters').optional()),
    ADMIN_API_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    CLINIC_NAME: z.string().trim().min(1).max(60).default('Frontdesk Clinic'),
    CLINIC_TIMEZONE: optionalString.pipe(
      z
        .string()
        .refine((zone) => DateTime.local().setZone(zone).isValid, 'must be an IANA time zone such as America/Chicago')
        .optional(),
    ),
    CONTACT_HOURS_START: optionalString.pipe(ZClockTime.optional()),
    CONTACT_HOURS_END: optionalString.pipe(ZClockTime.optional()),
    BATCH_SIZE: optionalCount(1, 50),
    HOLD_MINUTES: optionalCount(1, 240),
    MAX_OFFERS_PER_DAY: optionalCount(1, 50),
    DEFAULT_COUNTRY: z
      .string()
      .trim()
      .toUpperCase()
      .default('US')
      .refine((c) => (getCountries() as string[]).includes(c), 'must be a two-letter country code such as US')
      .transform((c) => c as CountryCode),
    DATA_DIR: z.string().trim().min(1).default('.data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    if (env.CONTACT_HOURS_START !== undefined && env.CONTACT_HOURS_END !== undefined && env.CONTACT_HOURS_START >= env.CONTACT_HOURS_END) {
      ctx.addIssue({ code: 'custom', path: ['CONTACT_HOURS_END'], message: `must be after CONTACT_HOURS_START (${env.CONTACT_HOURS_START})` });
    }
    const phone = env.TWILIO_PHONE_NUMBER;
    if (phone !== undefined && !isValidPhoneNumber(phone)) {
      ctx.addIssue({ code: 'custom', path: ['TWILIO_PHONE_NUMBER'], message: 'must be an E.164 number such as +13125550142' });
    }
    if (env.TWILIO_ACCOUNT_SID !== undefined && env.TWILIO_AUTH_TOKEN === undefined) {
      ctx.addIssue({ code: 'custom', path: ['TWILIO_AUTH_TOKEN'], message: 'is needed with TWILIO_ACCOUNT_SID' });
    }
    if (env.TWILIO_ACCOUNT_SID !== undefined) {
      if (env.TWILIO_PHONE_NUMBER === undefined && env.TWILIO_WHATSAPP_FROM === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['TWILIO_PHONE_NUMBER'],
          message:
            'is needed (or TWILIO_WHATSAPP_FROM): it is the number patients text, which routes their texts to the clinic, also when a Messaging Service sends',
        });
      }
      if (env.PUBLIC_BASE_URL === undefined) {
        ctx.addIssue({ code: 'custom', path: ['PUBLIC_BASE_URL'], message: 'is needed with Twilio: webhook signatures are checked against it' });
      }
    }
  });

/** Demo number for the embedded clinic when no Twilio number is configured (Chicago, 555-01xx: a fictional range). */
export const DEMO_CLINIC_NUMBER = '+13125550100';

/** The validated configuration. Times are local to the clinic's time zone; durations are in minutes. */
export interface Config {
  port: number;
  publicBaseUrl: string | undefined;
  /** How many reverse proxies in front of the app to trust for the client address (X-Forwarded-For hops; 0: the socket). */
  trustProxy: number;
  databaseUrl: string | undefined;
  /**
   * Temporal. `address` and `namespace` (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE) and `connection` (the
   * API key, TLS and gRPC metadata) follow Temporal's environment configuration (@temporalio/envconfig:
   * TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_GRPC_META_*, or a profile of TEMPORAL_CONFIG_FILE /
   * ~/.config/temporalio/temporal.toml chosen by TEMPORAL_PROFILE; the variables win over the file).
   * `address` unset: `npm start` runs the dev server.
   */
  temporal: {
    address: string | undefined;
    namespace: string;
    taskQueue: string;
    uiUrl: string | undefined;
    connection: Pick<TemporalTarget, 'apiKey' | 'tls' | 'metadata'>;
  };
  /**
   * How many workflows a worker keeps in memory between their tasks (Temporal's `maxCachedWorkflows`;
   * 0: none, each task replays its history). Default `DEFAULT_MAX_CACHED_WORKFLOWS`.
   */
  workerMaxCachedWorkflows: number;
  /** Keys of the payload codec, the first encrypting (PAYLOAD_ENCRYPTION_KEY); unset: `npm start` keeps one under DATA_DIR. */
  payloadKeys: PayloadKey[] | undefined;
  /**
   * Messaging. `authToken`, when set, is what webhook signatures are checked with; with an account SID
   * too, texts go through Twilio (`twilio`), else they go to the message log only (`console`).
   */
  twilio:
    | {
        provider: 'twilio';
        accountSid: string;
        authToken: string;
        phoneNumber: string | undefined;
        messagingServiceSid: string | undefined;
        whatsappFrom: string | undefined;
      }
    | { provider: 'console'; authToken: string | undefined; phoneNumber: string; whatsappFrom: string | undefined };
  adminPassword: string | undefined;
  adminApiToken: string | undefined;
  /**
   * The `main` clinic. `timezone` (CLINIC_TIMEZONE) and `contactHours` (`HH:MM`, local; CONTACT_HOURS_START /
   * CONTACT_HOURS_END) are each set at start when given; unset, the stored value stands (America/Chicago
   * and 08:00–20:00 at first), so a change staff make on the board or with `PATCH /api/clinic` stays.
   */
  clinic: {
    name: string;
    timezone: string | undefined;
    defaultCountry: CountryCode;
    contactHours: { start: string | undefined; end: string | undefined };
    /**
     * Its waitlist offers: patients offered a slot at once (BATCH_SIZE), minutes an offer holds
     * (HOLD_MINUTES), offers a patient may get in a clinic day (MAX_OFFERS_PER_DAY); each set at start
     * when given, else the stored value stands (3, 7 and 3 at first).
     */
    offers: { batchSize: number | undefined; holdMinutes: number | undefined; maxOffersPerDay: number | undefined };
  };
  dataDir: string;
  logLevel: z.infer<typeof ZConfig>['LOG_LEVEL'];
}

/** Raised when an environment variable is invalid; `message` names every failing variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment (after loading `.env` when present) into a `Config`.
 * @throws ConfigError naming each bad variable, e.g. `CLINIC_TIMEZONE: must be an IANA time zone …`.
 */
export function loadConfig(env: NodeJS.ProcessEnv = readEnvironment()): Config {
  const parsed = ZConfig.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const temporal = loadTemporalEnvironment(env);
  return {
    port: e.PORT,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    trustProxy: e.TRUST_PROXY,
    databaseUrl: e.DATABASE_URL,
    temporal: {
      address: temporal.address,
      namespace: temporal.namespace ?? e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      uiUrl: e.TEMPORAL_UI_URL?.replace(/\/+$/, ''),
      connection: temporal.connection,
    },
    workerMaxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
    payloadKeys: e.PAYLOAD_ENCRYPTION_KEY,
    twilio:
      e.TWILIO_ACCOUNT_SID !== undefined && e.TWILIO_AUTH_TOKEN !== undefined
        ? {
            provider: 'twilio',
            accountSid: e.TWILIO_ACCOUNT_SID,
            authToken: e.TWILIO_AUTH_TOKEN,
            phoneNumber: e.TWILIO_PHONE_NUMBER,
            messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
            whatsappFrom: e.TWILIO_WHATSAPP_FROM,
          }
        : {
            provider: 'console',
            authToken: e.TWILIO_AUTH_TOKEN,
            phoneNumber: e.TWILIO_PHONE_NUMBER ?? DEMO_CLINIC_NUMBER,
            whatsappFrom: e.TWILIO_WHATSAPP_FROM,
          },
    adminPassword: e.ADMIN_PASSWORD,
    adminApiToken: e.ADMIN_API_TOKEN,
    clinic: {
      name: e.CLINIC_NAME,
      timezone: e.CLINIC_TIMEZONE,
      defaultCountry: e.DEFAULT_COUNTRY,
      contactHours: { start: e.CONTACT_HOURS_START, end: e.CONTACT_HOURS_END },
      offers: { batchSize: e.BATCH_SIZE, holdMinutes: e.HOLD_MINUTES, maxOffersPerDay: e.MAX_OFFERS_PER_DAY },
    },
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * Temporal's connection settings as Temporal's own tools read them (@temporalio/envconfig), from
 * `env` and, when there is one, the profile file; blank variables count as unset.
 * @throws ConfigError naming the Temporal variables when a profile or a certificate cannot be read.
 */
function loadTemporalEnvironment(env: NodeJS.ProcessEnv): {
  address: string | undefined;
  namespace: string | undefined;
  connection: Config['temporal']['connection'];
} {
  const variables = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''));
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: variables });
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration:\n  TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE, TEMPORAL_TLS_*: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const { address, apiKey, tls, metadata } = loaded.connectionOptions;
  return {
    address: address === undefined || address.trim() === '' ? undefined : address.trim(),
    namespace: loaded.namespace,
    connection: {
      ...(apiKey === undefined || typeof apiKey !== 'string' ? {} : { apiKey }),
      ...(tls === undefined ? {} : { tls }),
      ...(metadata === undefined ? {} : { metadata: metadata as Record<string, string> }),
    },
  };
}

/** `process.env` after `.env` (when the file exists) has filled the variables that are not set. */
function readEnvironment(): NodeJS.ProcessEnv {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}

/**
 * The external services and the payload keys a production process (`npm run api`, `npm run worker`) needs.
 * @throws ConfigError naming DATABASE_URL, TEMPORAL_ADDRESS or PAYLOAD_ENCRYPTION_KEY when missing.
 */
export function requireServices(config: Config): { databaseUrl: string; temporal: TemporalTarget; payloadKeys: PayloadKey[] } {
  const missing = [
    config.databaseUrl === undefined && '  DATABASE_URL: is required (npm start runs an embedded Postgres instead)',
    config.temporal.address === undefined && '  TEMPORAL_ADDRESS: is required (npm start runs an embedded Temporal instead)',
    config.payloadKeys === undefined &&
      '  PAYLOAD_ENCRYPTION_KEY: is required: workflow payloads are encrypted with it (openssl rand -base64 32; npm start keeps one in DATA_DIR/payload-key.json)',
  ].filter((line): line is string => line !== false);
  if (missing.length > 0) throw new ConfigError(`Invalid configuration:\n${missing.join('\n')}`);
  return { databaseUrl: config.databaseUrl!, temporal: temporalTarget(config, config.temporal.address!), payloadKeys: config.payloadKeys! };
}

/** How to reach the Temporal server at `address` with the configured namespace, API key, TLS and metadata. */
export function temporalTarget(config: Config, address: string): TemporalTarget {
  return { address, namespace: config.temporal.namespace, ...config.temporal.connection };
}
