/**
 * Edge validation: zod schemas applied to request input, failing with a 400 that names the field.
 * `parseOrThrow` is for hand-written routes (webhooks, board, kiosk); `rejectInvalidInput` is the same
 * rule as the staff API's `defaultHook`, so both kinds of route answer the same 400.
 */
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { MAIN_CLINIC_SLUG } from '../clinics/clinics.js';
import { cleanFreeText } from '../domain/freeText.js';
import { AppError } from '../errors.js';

/**
 * The 400 for a failed parse of `input`: names the first failing field, e.g. `state: must be one of …`,
 * or says `<field>: is required` when the field was not given at all.
 */
function badRequestFor(error: z.ZodError, input: unknown): AppError {
  const issue = error.issues[0]!;
  // A field a strict object does not take is named by its key (the issue's path is the object's).
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  // A body that is not an object at all (an array, a string, null) is named as the body.
  if (path.length === 0 && issue.code === 'invalid_type' && issue.expected === 'object')
    return new AppError('bad_request', 'body: must be a JSON object', 'body');
  const field = path.join('.') || undefined;
  const given = path.reduce<unknown>(
    (value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined),
    input,
  );
  const message = given === undefined && path.length > 0 ? 'is required' : issue.message;
  return new AppError('bad_request', field === undefined ? message : `${field}: ${message}`, field);
}

/**
 * Parses `input` with `schema`.
 * @throws AppError bad_request naming the first failing field, e.g. `state: must be one of …`.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw badRequestFor(parsed.error, input);
}

/**
 * The staff API's `defaultHook` (`@hono/zod-openapi`): runs after each validator (query, path, body).
 * `data` is the input as received.
 * @throws AppError bad_request naming the field, exactly as `parseOrThrow` does.
 */
export function rejectInvalidInput(result: { success: true } | { success: false; error: z.ZodError; data?: unknown }): void {
  if (!result.success) throw badRequestFor(result.error, result.data);
}

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * Route middleware for a staff API route that takes a JSON body; it runs before the body validator
 * and leaves the body in Hono's body cache for it.
 * @throws AppError bad_request `body: must be JSON` (field `body`) when the body does not parse, whatever
 *   its Content-Type; AppError unsupported_media_type (415) for JSON sent under another Content-Type.
 */
export const requireJsonBody = createMiddleware(async (c, next) => {
  try {
    JSON.parse(await c.req.text());
  } catch {
    throw new AppError('bad_request', 'body: must be JSON', 'body');
  }
  const mediaType = (c.req.header('Content-Type') ?? '').split(';')[0]!.trim();
  if (!JSON_MEDIA_TYPE.test(mediaType)) throw new AppError('unsupported_media_type', 'Content-Type: must be application/json');
  await next();
});

/** `?clinic=<slug>`: which clinic a staff request is about; the configured clinic (`main`) by default. */
export const ZClinicSlug = z
  .string()
  .regex(/^[a-z0-9-]{1,40}$/, 'must be a clinic slug')
  .default(MAIN_CLINIC_SLUG)
  .meta({ description: `The clinic's slug; the configured clinic (\`${MAIN_CLINIC_SLUG}\`) when absent.`, example: MAIN_CLINIC_SLUG });

/** `?clinic=<slug>` as a query object, for routes that take nothing else in their query. */
export const ZClinicQuery = z.object({ clinic: ZClinicSlug });

/**
 * Free text staff type (a name, a note), stored cleaned (`cleanFreeText`: control and format characters
 * but the joiners U+200C / U+200D removed, NFC, trimmed); it must then be 1 to `maxLength` characters
 * (UTF-16 code units, never more than Postgres's `char_length`).
 */
export function ZFreeText(maxLength: number) {
  return z
    .string({ error: 'must be text' })
    .transform((text) => cleanFreeText(text))
    .pipe(z.string().min(1, 'must not be empty').max(maxLength, `must be at most ${maxLength} characters`));
}

/** A strict object's message for a field it does not take. */
export const unknownField = (issue: { code?: string }) => (issue.code === 'unrecognized_keys' ? 'is not a field this takes' : undefined);

const ISO_WITH_OFFSET_MESSAGE = 'must be an ISO 8601 date and time with its offset, such as 2026-12-01T10:30:00-06:00';
const DATE_MESSAGE = 'must be a date YYYY-MM-DD';

/**
 * The years every date and instant the API reads must fall in (an instant's year in UTC). A clinic's
 * dates lie well inside; outside, Postgres has no year 0 and reads no year past 9999, and a timer
 * decades long is no reminder.
 */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2099;
const YEARS_MESSAGE = `must be in the years ${FIRST_YEAR} to ${LAST_YEAR}`;
const inYears = (year: number) => year >= FIRST_YEAR && year <= LAST_YEAR;

/** An instant as ISO 8601 with its offset (or Z), read as a `Date`, in `FIRST_YEAR`…`LAST_YEAR` (UTC). */
export const ZInstant = z
  .string({ error: ISO_WITH_OFFSET_MESSAGE })
  .pipe(z.iso.datetime({ offset: true, error: ISO_WITH_OFFSET_MESSAGE }))
  .transform((text) => new Date(text))
  .refine((at) => inYears(at.getUTCFullYear()), YEARS_MESSAGE);

/** A calendar date `YYYY-MM-DD` (each route says in which zone), kept as text, in `FIRST_YEAR`…`LAST_YEAR`. */
export const ZCalendarDate = z
  .string({ error: DATE_MESSAGE })
  .pipe(z.iso.date({ error: DATE_MESSAGE }))
  .refine((text) => inYears(Number(text.slice(0, 4))), YEARS_MESSAGE);

/** A provider's id: `providers.id` is a Postgres integer (serial), so a larger number is no provider, not a database error. */
export const ZProviderId = z.int({ error: 'must be a provider id' }).positive('must be a provider id').max(2_147_483_647, 'must be a provider id');
