/**
 * One error shape for every failure: `{ "error": { "code", "message", "field"? } }`. AppErrors map to
 * their status; Hono's HTTPExceptions keep theirs; Temporal or Postgres being unreachable is a 503; anything else
 * is a 500 whose detail is logged, never shown. A staff page shows the same status and message as a
 * page (staffErrorPage.ts).
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
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

/** What an error answers: its status, the one error shape, and headers it needs (`WWW-Authenticate` on a 401). */
export interface ErrorAnswer {
  status: ContentfulStatusCode;
  body: ReturnType<typeof errorBody>;
  headers: Record<string, string>;
}

/** The answer to any thrown `error` (see the module docstring); an unexpected one is logged on `log` with its detail. */
export function answerError(log: Logger, error: Error, c: Context): ErrorAnswer {
  if (error instanceof AppError) {
    return { status: STATUS_BY_CODE[error.code], body: errorBody(error.code, error.message, error.field), headers: {} };
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    const code = CODE_BY_STATUS.get(status) ?? (status >= 500 ? 'internal' : 'bad_request');
    const challenge = error.getResponse().headers.get('WWW-Authenticate');
    const headers: Record<string, string> = challenge === null ? {} : { 'WWW-Authenticate': challenge };
    // RFC 6750 §3.1: `invalid_request` is an Authorization header that is not `Bearer <token>`.
    if (status === 400 && challenge?.includes('error="invalid_request"')) {
      return { status, body: errorBody(code, 'Authorization: must be "Bearer " followed by the staff API token', 'Authorization'), headers };
    }
    return { status, body: errorBody(code, error.message || defaultMessage(status)), headers };
  }
  if (isServiceUnavailable(error)) {
    const temporal = error instanceof ServiceError;
    log.warn({ err: error }, temporal ? 'Temporal unavailable' : 'Postgres unavailable');
    return {
      status: 503,
      body: errorBody('unavailable', `the ${temporal ? 'workflow service' : 'database'} is not answering; try again shortly`),
      headers: {},
    };
  }
  log.error({ err: error, path: c.req.path }, 'unhandled error');
  return { status: 500, body: errorBody('internal', 'internal error'), headers: {} };
}

/**
 * Hono `onError` handler: turns any thrown error into the one error shape, or into what `asPage`
 * answers for it (a staff page's HTML error page) when that is not undefined.
 */
export function handleError(log: Logger, asPage?: (c: Context, answer: ErrorAnswer) => Response | Promise<Response> | undefined) {
  return (error: Error, c: Context) => {
    const answer = answerError(log, error, c);
    return asPage?.(c, answer) ?? c.json(answer.body, answer.status, answer.headers);
  };
}

function defaultMessage(status: number): string {
  if (status === 401) return 'sign-in required';
  if (status === 403) return 'forbidden';
  if (status === 413) return 'request body too large';
  return 'request failed';
}
