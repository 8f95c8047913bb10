/**
 * The staff JSON API's contract: routers whose routes are `@hono/zod-openapi` definitions, so one zod
 * schema per input validates the request (a 400 naming the field) and documents it; the shared error
 * body; the bearer security scheme; and the OpenAPI 3.1 document built from all of it.
 *
 * A new staff route: `router.openapi(createRoute({ method, path, operationId, request, responses }),
 * handler)` in its resource's router (`operationId` a camelCase verb-noun, unique and never renamed:
 * clients generated from the document call it by that name), with `...staffErrors({ … })` among its
 * responses and, when it takes a JSON body, `middleware: [requireJsonBody]` (`validation.ts`). It is
 * then validated, documented at `/api/openapi.json` and checked for auth, `operationId` and 405s by
 * test/api/openapi.test.ts and test/api/methodNotAllowed.test.ts.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { STATUS_BY_CODE, type AppErrorCode } from '../errors.js';
import { MAIN_CLINIC_SLUG } from '../clinics/clinics.js';
import { rejectInvalidInput } from './validation.js';

/** Where the staff API is mounted; its document's paths include it. */
export const STAFF_API_BASE_PATH = '/api';

/** Name of the bearer security scheme in the document (`components.securitySchemes`). */
const BEARER_AUTH_SCHEME = 'bearerAuth';

/** Version of the staff API's contract (the document's `info.version`), not of the package. */
const STAFF_API_VERSION = '1.0.0';

const ERROR_CODES = [...(Object.keys(STATUS_BY_CODE) as AppErrorCode[]), 'internal'] as const;

/** The one error body of every failure: `{ "error": { "code", "message", "field"? } }` (see `errors.ts`). */
export const ZErrorBody = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).meta({ description: 'Maps one-to-one to the HTTP status (`bad_request` 400, …, `internal` 500).' }),
      message: z.string().meta({ description: 'For people; a 400 starts with the field: `state: is required`.', example: 'state: is required' }),
      field: z.string().optional().meta({ description: 'The input at fault: a body field, a query or path parameter, or `body`.', example: 'state' }),
    }),
  })
  .openapi('ErrorBody');

/** The error body's type. */
export type TErrorBody = z.infer<typeof ZErrorBody>;

/** HTTP statuses a staff route may document with the error body. */
export type ErrorStatus = 400 | 401 | 404 | 409 | 413 | 415 | 422 | 503;

interface ErrorResponse {
  description: string;
  content: { 'application/json': { schema: typeof ZErrorBody; example: TErrorBody } };
}

/** One true example per status, shown under each error response (every staff route takes `?clinic=`). */
const ERROR_EXAMPLES: Record<ErrorStatus, TErrorBody['error']> = {
  400: { code: 'bad_request', message: 'clinic: must be a clinic slug', field: 'clinic' },
  401: { code: 'unauthorized', message: 'sign-in required' },
  404: { code: 'not_found', message: "no clinic 'west'", field: 'clinic' },
  409: { code: 'conflict', message: 'a waiting ticket cannot become done', field: 'state' },
  413: { code: 'payload_too_large', message: 'request body too large' },
  415: { code: 'unsupported_media_type', message: 'Content-Type: must be application/json' },
  422: {
    code: 'unprocessable_content',
    message: 'idempotency-key: was already used for another move request (another appointment or other values); send a new key for a new change',
    field: 'idempotency-key',
  },
  503: { code: 'unavailable', message: 'the database is not answering; try again shortly' },
};

/**
 * Response entries for a staff route's errors, each with the error body: the `descriptions` given, plus
 * the 401 (no or wrong token) and 503 (Postgres or Temporal not answering) every staff route has.
 */
export function staffErrors<S extends ErrorStatus>(descriptions: Record<S, string>): Record<S | 401 | 503, ErrorResponse> {
  const all: Partial<Record<ErrorStatus, string>> = {
    401: '`unauthorized`: no bearer token, or a wrong one.',
    ...descriptions,
    503: '`unavailable`: Postgres or Temporal is not answering; try again shortly.',
  };
  return Object.fromEntries(
    Object.entries(all).map(([status, description]) => [
      status,
      { description, content: { 'application/json': { schema: ZErrorBody, example: { error: ERROR_EXAMPLES[Number(status) as ErrorStatus] } } } },
    ]),
  ) as Record<S | 401 | 503, ErrorResponse>;
}

/** A router for one resource of the staff API: zod failures become the 400 `parseOrThrow` gives. */
export function createApiRouter(): OpenAPIHono {
  return new OpenAPIHono({ defaultHook: rejectInvalidInput });
}

/**
 * The staff API's root router, at `/api`, with the bearer scheme registered; mount resource routers
 * into it with `.route('/', …)` and it into the app with `app.route('/', …)`.
 */
export function createStaffApi(): OpenAPIHono {
  const api = createApiRouter().basePath(STAFF_API_BASE_PATH);
  api.openAPIRegistry.registerComponent('securitySchemes', BEARER_AUTH_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description: 'The staff API token (`ADMIN_API_TOKEN`; `npm start` generates one and prints it).',
  });
  return api;
}

/** The OpenAPI 3.1 document of every route registered on `api` (as built by `createStaffApi`). */
export function buildStaffApiDocument(api: OpenAPIHono) {
  return api.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Frontdesk staff API',
      version: STAFF_API_VERSION,
      description: [
        'The JSON API staff tools use to read and move the walk-in line and read the message log.',
        `Every operation needs \`Authorization: Bearer <ADMIN_API_TOKEN>\`. Staff routes take \`?clinic=<slug>\` (default \`${MAIN_CLINIC_SLUG}\`).`,
        'Every error has the one shape `{ "error": { "code", "message", "field"? } }`; a 400 names the field at fault.',
        'A method a path does not take answers 405 `method_not_allowed` with `Allow` listing the methods it does (RFC 9110 §15.5.6).',
      ].join('\n\n'),
    },
    // Paths carry `/api`, so the server is the origin the document is served from, whatever its host.
    servers: [{ url: '/', description: 'This Frontdesk server: the origin this document is served from.' }],
    security: [{ [BEARER_AUTH_SCHEME]: [] }],
  });
}
