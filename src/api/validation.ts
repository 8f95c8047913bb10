/**
 * Edge validation: zod schemas applied to request input, failing with a 400 that names the field.
 */
import { z } from 'zod';
import { MAIN_CLINIC_SLUG } from '../clinics/clinics.js';
import { AppError } from '../errors.js';

/**
 * Parses `input` with `schema`.
 * @throws AppError bad_request naming the first failing field, e.g. `state: must be one of …`.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || undefined;
  const given = issue.path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined), input);
  const message = given === undefined && issue.path.length > 0 ? 'is required' : issue.message;
  throw new AppError('bad_request', field === undefined ? message : `${field}: ${message}`, field);
}

/** `?clinic=<slug>`: which clinic a staff request is about; the configured clinic (`main`) by default. */
export const ZClinicSlug = z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be a clinic slug').default(MAIN_CLINIC_SLUG);

/** `?clinic=<slug>` as a query object, for routes that take nothing else in their query. */
export const ZClinicQuery = z.object({ clinic: ZClinicSlug });

/** The request's JSON body. @throws AppError bad_request when it is not JSON. */
export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new AppError('bad_request', 'body: must be JSON', 'body');
  }
}
