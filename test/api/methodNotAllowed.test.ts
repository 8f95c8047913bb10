/**
 * An integrator who sends a path the wrong method learns which methods it takes: 405 Method Not
 * Allowed with `Allow` (RFC 9110 §15.5.6) in the one error shape, for every staff API path (from the
 * OpenAPI document) and every Twilio webhook (from the app's routes); a path nobody serves stays 404.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { json, startStack, type Stack } from '../support/stack.js';

interface Document {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string; example?: unknown; schema?: { example?: unknown } }[] }>>;
}

// Started at collection time: the tables below are built from the served document and the app's routes.
const stack: Stack = await startStack({ worker: false });
const document = (await (await stack.app.request('/api/openapi.json')).json()) as Document;
afterAll(() => stack.stop());

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** What `Allow` must list for a path taking `methods`: those, and HEAD with GET (HEAD is GET without the body). */
const allowFor = (methods: string[]) => [...methods, ...(methods.includes('GET') ? ['HEAD'] : [])].sort();
const listed = (allow: string | null) => (allow ?? '').split(/,\s*/).filter(Boolean).sort();

/** Every documented path with its methods, made concrete with the document's example path parameters. */
const apiPaths = Object.entries(document.paths).map(([path, operations]) => {
  const parameters = Object.values(operations).flatMap((operation) => operation.parameters ?? []);
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const parameter = parameters.find((p) => p.in === 'path' && p.name === name);
    return encodeURIComponent(String(parameter?.example ?? parameter?.schema?.example));
  });
  return { path, url, methods: Object.keys(operations).map((method) => method.toUpperCase()) };
});

const apiCases = apiPaths.flatMap(({ path, url, methods }) =>
  METHODS.filter((method) => !methods.includes(method)).map((method) => [`${method} ${path}`, { method, url, methods }] as const),
);

describe('the staff API', () => {
  it('has paths that do not take every method', () => {
    expect(apiCases.length).toBeGreaterThan(apiPaths.length);
  });

  it.each(apiCases)('%s answers 405 with Allow listing the methods the document gives the path', async (_, { method, url, methods }) => {
    const response = await stack.api(url, { method, body: method === 'GET' ? undefined : '{}' });
    expect(response.status).toBe(405);
    expect(listed(response.headers.get('Allow'))).toEqual(allowFor(methods));
    expect(await json(response)).toEqual({ error: { code: 'method_not_allowed', message: expect.stringContaining(`${method} is not allowed`) } });
  });

  it('answers its contract, too, with 405 for a method it does not take', async () => {
    const response = await stack.app.request('/api/openapi.json', { method: 'POST' });
    expect(response.status).toBe(405);
    expect(listed(response.headers.get('Allow'))).toEqual(['GET', 'HEAD']);
  });

  it('keeps 404 for a path it does not serve, whatever the method', async () => {
    for (const [method, url] of [
      ['GET', '/api/nothing-here'],
      ['DELETE', '/api/appointments/42/nothing-here'],
    ] as const) {
      const response = await stack.api(url, { method });
      expect(response.status, `${method} ${url}`).toBe(404);
      expect(response.headers.get('Allow')).toBeNull();
      expect((await json(response)).error.code).toBe('not_found');
    }
  });
});

describe('the Twilio webhooks', () => {
  const webhooks = [...new Set(stack.app.routes.filter((r) => r.path.startsWith('/webhooks/') && r.method !== 'ALL').map((r) => r.path))];

  it.each(webhooks)('GET %s answers 405 with Allow: POST, and no signature or form is asked for', async (path) => {
    // Path parameters of webhooks are SIDs; any segment routes.
    const url = path.replace(/:\w+/g, `CA${'0'.repeat(32)}`);
    const response = await stack.app.request(url);
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('POST');
    expect(await json(response)).toEqual({ error: { code: 'method_not_allowed', message: `GET is not allowed on ${url}; it takes POST` } });
  });

  it('keeps 404 for a webhook path nobody serves', async () => {
    expect((await stack.app.request('/webhooks/twilio/nothing-here')).status).toBe(404);
  });
});
