/**
 * The process logger (pino): JSON lines on stdout, one per event, with no patient data at `info` or
 * above. Two rules, applied to every logger made here (and so to the Temporal SDK's logs, which
 * `src/temporal/pinoLogger.ts` routes through it):
 * - pino's `redact` removes message texts and notes wherever they appear as fields (`body`, `note`,
 *   `reply`, …), at every level;
 * - every string that reaches a log line — the message, field values, error messages and stacks (a
 *   Twilio error text names the number) — has its phone numbers (E.164, also `whatsapp:+…`) masked to
 *   their last four digits, `+•••0123`.
 * A developer who needs a message's text logs it in the message string at `debug` (the console
 * provider does); the message log in Postgres, behind staff auth, keeps the full text.
 */
import { maskPhoneNumbers } from './domain/phone.js';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/** Field paths whose values are message texts or notes: censored wherever they appear. */
export const REDACTED_PATHS = ['body', 'Body', 'note', 'reply', 'replyBody', 'reply_body', '*.body', '*.Body', '*.note', '*.reply', '*.reply_body'];

const MAX_DEPTH = 6;

/** A copy of a log field value with phone numbers masked in every string; errors become plain objects. */
function maskValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskPhoneNumbers(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (value instanceof Error) {
    const { name, message, stack } = value;
    const rest = maskValue(Object.fromEntries(Object.entries(value)), depth + 1) as object;
    const cause = value.cause === undefined ? {} : { cause: maskValue(value.cause, depth + 1) };
    return { type: name, ...rest, message: maskPhoneNumbers(message), ...(stack === undefined ? {} : { stack: maskPhoneNumbers(stack) }), ...cause };
  }
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskValue(item, depth + 1)]));
}

/** The pino options that keep patient data out of log lines (see the module docstring). */
export function patientSafeLogOptions(): Pick<LoggerOptions, 'redact' | 'formatters' | 'hooks'> {
  return {
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { log: (object) => maskValue(object, 0) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((arg) => maskValue(arg, 0)) as Parameters<typeof method>;
        method.apply(this, masked);
      },
    },
  };
}

/** A logger at `level` named `name` (`api`, `worker`, `start`), writing to `destination` (stdout by default). */
export function createLogger(name: string, level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = { name, level, base: { name }, ...patientSafeLogOptions() };
  return destination === undefined ? pino(options) : pino(options, destination);
}
