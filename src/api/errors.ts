/**
 * One error shape for every failure: `{ "error": { "code", "message", "field"? } }`. AppErrors map to
 * their status; Hono's HTTPExceptions keep theirs; Temporal or Postgres being unreachable is a 503; anything else
 * is a 500 whose detail is logged, never shown.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ServiceError } from '@temporalio/client';
import type { Logger } from 'pino';
import { isDatabaseUnreachable } from '../db/sql.js';
import { AppError, STATUS_BY_CODE, type AppErrorCode } from '../errors.js';

const CODE_BY_STATUS = new Map<number, AppErrorCode>(Object.entries(STATUS_BY_CODE).map(([code, status]) => [status, code as AppErrorCode]));

/** Whether `error` means Temporal or Postgres cannot be reached right now (a 503), not a bad request or a bug. */
export function isServiceUnavailable(error: unknown): boolean {
  return error instanceof ServiceError || isDatabaseUnreachable(error);
}

/** The JSON error body. */
export function errorBody(code: string, message: string, field?: string) {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/** Hono `onError` handler: turns any thrown error into the one error shape. */
export function handleError(log: Logger) {
  return (error: Error, c: Context) => {
    if (error instanceof AppError) {
      return c.json(errorBody(error.code, error.message, error.field), STATUS_BY_CODE[error.code]);
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      const code = CODE_BY_STATUS.get(status) ?? (status >= 500 ? 'internal' : 'bad_request');
      const challenge = error.getResponse().headers.get('WWW-Authenticate');
      if (challenge !== null) c.header('WWW-Authenticate', challenge);
      // RFC 6750 §3.1: `invalid_request` is an Authorization header that is not `Bearer <token>`.
      if (status === 400 && challenge?.includes('error="invalid_request"')) {
        return c.json(errorBody(code, 'Authorization: must be "Bearer " followed by the staff API token', 'Authorization'), status);
      }
      return c.json(errorBody(code, error.message || defaultMessage(status)), status);
    }
    if (isServiceUnavailable(error)) {
      const temporal = error instanceof ServiceError;
      log.warn({ err: error }, temporal ? 'Temporal unavailable' : 'Postgres unavailable');
      return c.json(errorBody('unavailable', `the ${temporal ? 'workflow service' : 'database'} is not answering; try again shortly`), 503);
    }
    log.error({ err: error, path: c.req.path }, 'unhandled error');
    return c.json(errorBody('internal', 'internal error'), 500);
  };
}

function defaultMessage(status: number): string {
  if (status === 401) return 'sign-in required';
  if (status === 403) return 'forbidden';
  if (status === 413) return 'request body too large';
  return 'request failed';
}
