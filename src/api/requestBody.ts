/**
 * Bounded request bodies. Every route but the Twilio webhooks (64 KB, webhooks.ts) takes at most
 * `MAX_FORM_BYTES` of form or JSON; a bigger body is refused with 413 before anything reads it
 * (Hono's `bodyLimit`, which also counts chunked bodies that carry no Content-Length). Form bodies are
 * read with `readForm`, which turns an unreadable body (a broken multipart boundary) into a 400.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.js';

/** Largest form or JSON body the staff API, board, sign-in and kiosk accept (bytes). */
export const MAX_FORM_BYTES = 16 * 1024;

/**
 * Refuses bodies over `MAX_FORM_BYTES`: with `refuse`, its answer (a page for people); otherwise
 * the 413 error shape.
 * @throws AppError payload_too_large (without `refuse`).
 */
export function limitBodySize(refuse?: (c: Context) => Response | Promise<Response>): MiddlewareHandler {
  return bodyLimit({
    maxSize: MAX_FORM_BYTES,
    onError: (c) => {
      if (refuse !== undefined) return refuse(c);
      throw new AppError('payload_too_large', `request bodies are limited to ${MAX_FORM_BYTES} bytes`);
    },
  });
}

/**
 * The posted form (url-encoded or multipart) as Hono's `parseBody` gives it.
 * @throws AppError bad_request when the body cannot be parsed as a form (e.g. a multipart body whose
 * boundary is missing or broken; `Request.formData()` throws a TypeError there).
 */
export async function readForm(c: Context): Promise<Record<string, string | File>> {
  try {
    return await c.req.parseBody();
  } catch {
    throw new AppError('bad_request', 'the form body could not be read; send it url-encoded or as well-formed multipart');
  }
}

/**
 * The posted form as `readForm` reads it, with every value of a repeated field (checkboxes sharing a
 * name) in a list: a field posted once is a string, one posted more than once an array.
 * @throws AppError bad_request when the body cannot be parsed as a form.
 */
export async function readFormAll(c: Context): Promise<Record<string, string | File | (string | File)[]>> {
  try {
    return await c.req.parseBody({ all: true });
  } catch {
    throw new AppError('bad_request', 'the form body could not be read; send it url-encoded or as well-formed multipart');
  }
}
