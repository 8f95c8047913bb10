/**
 * The staff API's contract for people and tools: `GET /api/openapi.json` (the OpenAPI 3.1 document)
 * and `GET /api/docs` (Swagger UI). Swagger UI is served from the installed `swagger-ui-dist`
 * package, never a CDN (clinic machines have no internet), under a Content-Security-Policy that allows
 * only this server's own scripts and styles.
 *
 * Both are public: the document holds the API's shapes and no data or secret (the same text is in the
 * open-source repository), and a browser's plain navigation cannot send the bearer token. Every
 * operation they describe still needs the token; the page's "Authorize" button takes it for "Try it out".
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { buildStaffApiDocument, STAFF_API_BASE_PATH } from './openapi.js';

/** Paths (within the staff API) that need no token: the document and the docs page with its assets. */
export const PUBLIC_API_DOC_PATHS = [`${STAFF_API_BASE_PATH}/openapi.json`, `${STAFF_API_BASE_PATH}/docs`, `${STAFF_API_BASE_PATH}/docs/*`];

const DOCS = `${STAFF_API_BASE_PATH}/docs`;

/** Swagger UI's own files we serve, by the name they are served under, with their media type. */
const SWAGGER_UI_FILES = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;

/**
 * Only this server's own files; images also as `data:` URLs (the icons in swagger-ui.css). Swagger UI
 * needs no inline script or style (test/browser/apiDocs.test.ts fails on any violation).
 */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Frontdesk staff API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${DOCS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS}/swagger-ui-bundle.js"></script>
<script src="${DOCS}/init.js"></script>
</body>
</html>
`;

/**
 * Starts Swagger UI on the document. No validator badge (it would call validator.swagger.io); the
 * token pasted under "Authorize" lives in the page only (`persistAuthorization: false`).
 */
const DOCS_INIT = `SwaggerUIBundle({
  url: ${JSON.stringify(`${STAFF_API_BASE_PATH}/openapi.json`)},
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: false,
});
`;

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * Routes for the document and the docs page, to mount into the staff API router `api` (as built by
 * `createStaffApi`). The document is built once, at its first request, when every route is registered.
 */
export function docsRoutes(api: OpenAPIHono) {
  const app = new Hono();
  let document: ReturnType<typeof buildStaffApiDocument> | undefined;
  const files = new Map<string, Promise<Buffer>>();

  app.get('/openapi.json', (c) => c.json((document ??= buildStaffApiDocument(api))));

  app.get('/docs', (c) => {
    c.header('Content-Security-Policy', DOCS_CSP);
    return c.html(DOCS_PAGE);
  });

  app.get('/docs/init.js', (c) => c.body(DOCS_INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));

  app.get('/docs/:file{swagger-ui\\.css|swagger-ui-bundle\\.js}', async (c) => {
    const name = c.req.param('file') as keyof typeof SWAGGER_UI_FILES;
    let content = files.get(name);
    if (content === undefined) files.set(name, (content = readFile(join(swaggerUiDir, name))));
    return c.body(new Uint8Array(await content), 200, { 'Content-Type': SWAGGER_UI_FILES[name], 'Cache-Control': 'public, max-age=3600' });
  });

  return app;
}
