/**
 * Tells failures no retry can fix from passing ones, so an activity fails its step at once (with a
 * clear log line) instead of retrying the same refused write until its schedule-to-close timeout.
 */
import { ApplicationFailure, asyncLocalStorage, log } from '@temporalio/activity';
import { z } from 'zod';
import { MessageRejectedError, ProviderBusyError } from '../messaging/sender.js';
import type { CallOutcome, Messenger, PatientCall, PatientMessage, SendOutcome } from '../messaging/messenger.js';
import { FailureType } from '../workflows/definitions.js';

// Postgres SQLSTATE classes that mean "this statement with this data will never succeed":
// 22 data exception (e.g. 22021 NUL in text), 23 integrity constraint violation (a check or unique
// constraint), 42 syntax error or access rule violation (PostgreSQL manual, Appendix A "PostgreSQL
// Error Codes").
const PERMANENT_SQLSTATE_CLASSES = new Set(['22', '23', '42']);

/** Whether `error` is a Postgres error of SQLSTATE class 22, 23 or 42, or a zod validation failure. */
export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof z.ZodError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && PERMANENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
}

/**
 * Runs `step` (named for the log); a permanent failure (see `isPermanentFailure`) is logged and
 * rethrown as a non-retryable `ApplicationFailure` of type `InvalidData`; other errors pass through
 * unchanged, to be retried.
 */
export async function failPermanentErrorsFast<T>(step: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isPermanentFailure(error)) throw error;
    const code = (error as { code?: string }).code ?? 'schema';
    const message = `${step} failed for good (${code}): ${(error as Error).message}`;
    log.error(message, { step, code });
    throw ApplicationFailure.create({ type: FailureType.InvalidData, message, nonRetryable: true, cause: error as Error });
  }
}

/**
 * Sends `message` through `messenger` from an activity: a text the provider refuses for good (an
 * opted-out or invalid number, Twilio 4xx) fails the step at once as the non-retryable
 * `MessageRejected` (its details: the provider's error code, or null); a provider that asks us to wait (429 with `Retry-After`) gets its next attempt
 * no sooner than it asked (`ProviderBusy`, retryable); anything else (5xx, network) is left to the
 * activity's retry policy and its backoff. The text may be tried until the activity's last attempt
 * (`lastTryBy`): past it, one the provider has not taken ends `failed` in the message log.
 * @returns whether it was sent now (with its MessageSid), had been sent before under its idempotency key, or was suppressed (opted out).
 */
export async function sendOrRejectPermanently(messenger: Messenger, message: PatientMessage): Promise<SendOutcome> {
  const sendUntil = message.sendUntil ?? lastTryBy();
  return classifyProviderErrors(() => messenger.send(sendUntil === undefined ? message : { ...message, sendUntil }));
}

/**
 * When the running activity's last attempt may start: now on the attempt its retry policy's
 * `maximumAttempts` makes the last, else its schedule-to-close deadline (Temporal starts no attempt
 * after it). Undefined outside an activity, or with neither bound.
 */
function lastTryBy(): Date | undefined {
  const info = asyncLocalStorage.getStore()?.info;
  if (info === undefined) return undefined;
  const maximumAttempts = info.retryPolicy?.maximumAttempts ?? 0;
  if (maximumAttempts > 0 && info.attempt >= maximumAttempts) return new Date();
  return info.scheduleToCloseTimeoutMs > 0 ? new Date(info.scheduledTimestampMs + info.scheduleToCloseTimeoutMs) : undefined;
}

/**
 * Places `call` through `messenger` from an activity, with the same rule as `sendOrRejectPermanently`:
 * a refusal for good fails the step at once (`MessageRejected`), a `Retry-After` is honoured, anything
 * else is retried, until the activity's last attempt (`lastTryBy`): past it, a call the provider has
 * not taken ends `failed` in the call log.
 */
export async function callOrRejectPermanently(messenger: Messenger, call: PatientCall): Promise<CallOutcome> {
  const sendUntil = call.sendUntil ?? lastTryBy();
  return classifyProviderErrors(() => messenger.call(sendUntil === undefined ? call : { ...call, sendUntil }));
}

async function classifyProviderErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // The provider's error code (e.g. Twilio's 21215), or null, is the failure's one detail: the chain names it in the fallback's reason.
    if (error instanceof MessageRejectedError) {
      throw ApplicationFailure.create({ type: FailureType.MessageRejected, message: error.message, nonRetryable: true, details: [error.errorCode ?? null] });
    }
    if (error instanceof ProviderBusyError) {
      throw ApplicationFailure.create({ type: FailureType.ProviderBusy, message: error.message, nextRetryDelay: error.retryAfterMs });
    }
    throw error;
  }
}
