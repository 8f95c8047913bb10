/**
 * The staff API's contract cannot drift: every route the app serves under /api is in the OpenAPI
 * document, and every documented operation refuses a caller without the staff token. The tables are
 * built from the app's routes and from the document, so a new route cannot miss either.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { json, startStack, type Stack } from '../support/stack.js';

interface Parameter {
  name: string;
  in: string;
  description?: string;
  example?: unknown;
  schema?: { example?: unknown };
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { description?: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: { $ref?: string } }> }>;
  security?: Record<string, string[]>[];
}
interface Document {
  openapi: string;
  servers?: { url: string }[];
  security?: Record<string, string[]>[];
  components: {
    securitySchemes: Record<string, { type: string; scheme?: string }>;
    schemas: Record<string, { properties?: Record<string, { type?: string | string[] }>; required?: string[] }>;
  };
  paths: Record<string, Record<string, Operation>>;
}

// Started at collection time: the tables below are built from the served document.
const stack: Stack = await startStack();
const document = (await (await stack.app.request('/api/openapi.json')).json()) as Document;
afterAll(() => stack.stop());

/** The document and its docs page describe the API; they are not part of it. */
const isDocsRoute = (path: string) => path === '/api/openapi.json' || path === '/api/docs' || path.startsWith('/api/docs/');

/** `METHOD /api/path/:param` for every route the app serves under /api (middleware excluded). */
function servedRoutes(): string[] {
  const served = stack.app.routes.filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL' && !isDocsRoute(r.path));
  return [...new Set(served.map((r) => `${r.method} ${r.path}`))].sort();
}

/** Every documented operation with a concrete path: path parameters get the document's example values. */
function documentedOperations() {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => {
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const parameter = operation.parameters?.find((p) => p.in === 'path' && p.name === name);
        const example = parameter?.example ?? parameter?.schema?.example;
        if (typeof example !== 'string' && typeof example !== 'number')
          throw new Error(`${method.toUpperCase()} ${path}: path parameter ${name} has no example`);
        return encodeURIComponent(String(example));
      });
      return { name: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, url, operation };
    }),
  );
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 and lists every route the app serves under /api, and nothing it does not serve', () => {
    expect(document.openapi).toBe('3.1.0');
    const documented = documentedOperations()
      .map((o) => `${o.method} ${o.path.replace(/\{(\w+)\}/g, ':$1')}`)
      .sort();
    expect(servedRoutes().length).toBeGreaterThan(0);
    expect(documented).toEqual(servedRoutes());
  });

  it('names every operation with a unique camelCase operationId, for generated clients', () => {
    const ids = documentedOperations().map(({ name, operation }) => {
      expect(operation.operationId, name).toMatch(/^[a-z][a-zA-Z0-9]*$/);
      return operation.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has this server as its one server, which its paths (with /api) are relative to', async () => {
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    // A client appends a path to the server's URL (less its trailing slash), resolved against where it read the document.
    const server = document.servers![0]!.url.replace(/\/$/, '');
    const url = new URL(`${server}/api/queue`, `http://frontdesk.test/api/openapi.json`);
    expect(url.href).toBe('http://frontdesk.test/api/queue');
    expect((await stack.api(url.pathname)).status).toBe(200);
  });

  it('declares bearer auth for every operation, and documents its 401 with the one error body', () => {
    for (const { name, operation } of documentedOperations()) {
      const security = operation.security ?? document.security ?? [];
      const schemes = security.flatMap((requirement) => Object.keys(requirement));
      expect(schemes.length, name).toBeGreaterThan(0);
      for (const scheme of schemes) expect(document.components.securitySchemes[scheme], name).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(operation.responses['401']?.content?.['application/json']?.schema?.$ref, name).toBe('#/components/schemas/ErrorBody');
    }
  });

  it('is public, as is its docs page: they hold shapes, not data', async () => {
    expect((await stack.app.request('/api/docs')).status).toBe(200);
    const page = await (await stack.app.request('/api/docs')).text();
    expect(page).toContain('/api/docs/swagger-ui-bundle.js');
    expect(page).not.toMatch(/https?:\/\//);
    for (const asset of ['/api/docs/swagger-ui-bundle.js', '/api/docs/swagger-ui.css', '/api/docs/init.js']) {
      expect((await stack.app.request(asset)).status, asset).toBe(200);
    }
  });
});

describe('every documented operation', () => {
  it.each(documentedOperations().map((o) => [o.name, o] as const))(
    '%s answers 401 without the staff token, and with a wrong one',
    async (_, { method, url }) => {
      for (const headers of [{}, { Authorization: 'Bearer not-the-token' }] as Record<string, string>[]) {
        const response = await stack.app.request(`${url}?clinic=${stack.clinic.slug}`, {
          method,
          headers: { 'Content-Type': 'application/json', ...headers },
          body: method === 'GET' ? undefined : '{}',
        });
        expect(response.status).toBe(401);
        expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
        expect((await json(response)).error.code).toBe('unauthorized');
      }
      // With the token the same request reaches the route (whatever it then answers).
      const served = await stack.api(url, { method, body: method === 'GET' ? undefined : '{}' });
      expect(served.status).not.toBe(401);
      expect((await served.text()).includes('no route')).toBe(false);
    },
  );

  it('answers a malformed Authorization header with 400 naming it (RFC 6750 invalid_request)', async () => {
    for (const authorization of ['Bearer {"token": "x y"}', 'Basic dXNlcjpwYXNz', 'Bearer']) {
      const response = await stack.app.request(`/api/queue?clinic=${stack.clinic.slug}`, { headers: { Authorization: authorization } });
      expect(response.status, authorization).toBe(400);
      expect(response.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_request"');
      expect((await json(response)).error).toEqual({
        code: 'bad_request',
        message: 'Authorization: must be "Bearer " followed by the staff API token',
        field: 'Authorization',
      });
    }
  });

  const withBody = documentedOperations().filter((o) => o.operation.requestBody !== undefined);
  it.each(withBody.map((o) => [o.name, o] as const))(
    '%s refuses a body that is not JSON with 400 naming `body`, and JSON under another Content-Type with 415',
    async (_, { method, url }) => {
      const notJson = await stack.api(url, { method, body: 'state=next&rooms_open=2' });
      expect(notJson.status).toBe(400);
      expect(await json(notJson)).toEqual({ error: { code: 'bad_request', message: 'body: must be JSON', field: 'body' } });
      const formEncoded = await stack.api(url, { method, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'state=next' });
      expect(formEncoded.status).toBe(400);
      expect((await json(formEncoded)).error.field).toBe('body');
      const mislabelled = await stack.api(url, { method, headers: { 'Content-Type': 'text/plain' }, body: '{}' });
      expect(mislabelled.status).toBe(415);
      expect((await json(mislabelled)).error.code).toBe('unsupported_media_type');
    },
  );
});

describe('validation from the same schemas', () => {
  it('names the path parameter at fault, as it names a body field or a query parameter', async () => {
    const badCode = await stack.api('/api/tickets/7Q/state', { method: 'POST', body: JSON.stringify({ state: 'next' }) });
    expect(badCode.status).toBe(400);
    expect(await json(badCode)).toEqual({ error: { code: 'bad_request', message: 'code: must be a ticket code such as Q7', field: 'code' } });
    const badLimit = await stack.api('/api/messages?limit=0');
    expect(await json(badLimit)).toMatchObject({ error: { code: 'bad_request', field: 'limit' } });
    const badClinic = await stack.app.request('/api/queue?clinic=Not%20A%20Slug', { headers: { Authorization: `Bearer ${stack.adminApiToken}` } });
    expect(await json(badClinic)).toEqual({ error: { code: 'bad_request', message: 'clinic: must be a clinic slug', field: 'clinic' } });
  });
});

describe('the paged lists', () => {
  it.each(['listAppointments', 'listCancellations', 'listMessages', 'listWaitlist'])(
    "%s documents `limit` and `cursor` (held to its page's filters), `next_cursor` in its answer, the `Link` header and the 400 naming them",
    (operationId) => {
      const { operation } = documentedOperations().find((o) => o.operation.operationId === operationId)!;
      const query = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      expect(query).toEqual(expect.arrayContaining(['limit', 'cursor']));
      const cursor = operation.parameters!.find((p) => p.in === 'query' && p.name === 'cursor')!;
      expect(cursor.description).toMatch(/same filters as that page .*`limit`, which may change.*400 naming `cursor`/);
      const ok = operation.responses['200']!;
      expect(ok.headers).toHaveProperty('Link');
      const name = ok.content!['application/json']!.schema!.$ref!.replace('#/components/schemas/', '');
      const schema = document.components.schemas[name]!;
      expect(schema.properties?.next_cursor?.type).toEqual(['string', 'null']);
      expect(schema.required).toContain('next_cursor');
      expect(operation.responses['400']!.description).toMatch(/`limit`.*`cursor`|`cursor`.*`limit`/);
      expect(operation.responses['400']!.description).toMatch(/`cursor` \([^)]*other (filters|`clinic`) than its page\)/);
    },
  );
});

describe('the message log', () => {
  it('documents, on each text, why one Twilio has not taken is not out and until when it is tried', () => {
    const { operation } = documentedOperations().find((o) => o.operation.operationId === 'listMessages')!;
    expect(operation.responses['200']!.content!['application/json']!.schema!.$ref).toBe('#/components/schemas/MessageLog');
    const message = document.components.schemas.Message!;
    for (const field of ['send_error', 'send_until']) {
      expect(message.properties?.[field]?.type, field).toEqual(['string', 'null']);
      expect(message.required, field).toContain(field);
    }
  });
});
