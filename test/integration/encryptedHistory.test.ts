/**
 * No patient data in Temporal: a ticket's history as the Temporal server stores it (read with a client
 * that has no codec, as anyone with access to the server or its database would) is ciphertext, and
 * the codec endpoint turns it back into the patient's input only for signed-in staff.
 */
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';

const TEMPORAL_UI = 'http://localhost:8233';
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ temporalUiUrl: TEMPORAL_UI });
});
afterAll(async () => {
  await stack?.stop();
});

/** Every Payload in a history (any object with `data` bytes and `metadata`), with where it sits. */
function payloadsIn(value: unknown, path = '', found: { path: string; payload: Payload }[] = []): { path: string; payload: Payload }[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const record = value as Record<string, unknown>;
  if (record.data instanceof Uint8Array && record.metadata !== null && typeof record.metadata === 'object') {
    found.push({ path, payload: record });
    return found;
  }
  for (const [key, child] of Object.entries(record)) payloadsIn(child, `${path}.${key}`, found);
  return found;
}

const asJson = (payload: Payload) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});
const text = (payload: Payload) => Buffer.from(payload.data ?? []).toString('latin1');
const encodingOf = (payload: Payload) => Buffer.from(payload.metadata?.encoding ?? []).toString();

async function signIn(): Promise<string> {
  const response = await stack.app.request('/admin/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost' },
    body: new URLSearchParams({ password: stack.adminPassword }).toString(),
  });
  expect(response.status).toBe(303);
  const cookie = response.headers.get('set-cookie')!;
  expect(cookie).toContain('Path=/;');
  return cookie.split(';')[0]!;
}

const codecRequest = (direction: 'decode' | 'encode', payloads: unknown[], headers: Record<string, string> = {}) =>
  stack.app.request(`/codec/${direction}?preserveStorageRefs=true`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Origin: TEMPORAL_UI, ...headers },
    body: JSON.stringify({ payloads }),
  });

describe('a ticket in Temporal holds no patient data', () => {
  let stored: Payload[];
  let plain: { path: string; payload: Payload }[];
  const phone = patientPhone();
  const note = 'chest pain since Tuesday';

  beforeAll(async () => {
    const reply = await twimlText(await stack.sendSms(phone, `JOIN ${note}`));
    const code = /ticket is ([A-Z]\d+)/.exec(reply)![1]!;
    const [row] = await stack.sql`select workflow_id from tickets where clinic_id = ${stack.clinic.id} and code = ${code}`;
    // A client without the codec sees what the server and its database hold.
    const raw = new Client({ connection: stack.temporal.connection });
    const history = await raw.workflow.getHandle(row!.workflow_id as string).fetchHistory();
    const all = payloadsIn(history.events);
    // Left in the clear on purpose: search attributes (the server indexes them) and the SDK's own
    // local-activity marker (sequence number, activity type, times) and patch marker (the patch ID).
    plain = all.filter((p) => /searchAttributes\.indexedFields|markerRecordedEventAttributes\.details\.(data|patch-data)\./.test(p.path));
    stored = all.filter((p) => !plain.includes(p)).map((p) => p.payload);
  });

  it('stores the workflow input, update arguments and activity results as ciphertext', () => {
    expect(stored.length).toBeGreaterThanOrEqual(3);
    const digits = phone.slice(-7);
    for (const payload of stored) {
      expect(encodingOf(payload)).toBe('binary/encrypted');
      expect(Buffer.from(payload.metadata!['encryption-key-id']!).toString()).toBe('test-current');
      expect(text(payload)).not.toContain(digits);
      expect(text(payload)).not.toContain('chest pain');
    }
    for (const { path, payload } of plain) {
      expect(text(payload), path).not.toContain(digits);
      expect(text(payload), path).not.toContain('chest pain');
    }
  });

  it('decodes for a signed-in staff member through the codec endpoint, with CORS for the Temporal UI', async () => {
    const cookie = await signIn();
    const response = await codecRequest('decode', stored.map(asJson), { Cookie: cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(TEMPORAL_UI);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    const { payloads } = (await json(response)) as { payloads: { metadata: Record<string, string>; data: string }[] };
    const decoded = payloads.map((p) => Buffer.from(p.data, 'base64').toString());
    expect(decoded.join('\n')).toContain(phone);
    expect(decoded.join('\n')).toContain(note);
    expect(Buffer.from(payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
  });

  it('answers 401 to anyone else, readable by the Temporal UI', async () => {
    for (const headers of [{}, { Cookie: 'frontdesk_staff=forged' }, { Authorization: 'Bearer not-the-token' }] as Record<string, string>[]) {
      const response = await codecRequest('decode', stored.map(asJson), headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('access-control-allow-origin')).toBe(TEMPORAL_UI);
      const body = JSON.stringify(await json(response));
      expect(body).toContain('unauthorized');
      expect(body).not.toContain(phone);
    }
  });

  it('answers the preflight of the Temporal UI only', async () => {
    const preflight = (origin: string) =>
      stack.app.request('/codec/decode', {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
      });
    const allowed = await preflight(TEMPORAL_UI);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(TEMPORAL_UI);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('encodes and decodes round trip for the staff API token, and names a tampered payload', async () => {
    const auth = { Authorization: `Bearer ${stack.adminApiToken}` };
    const input = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(JSON.stringify({ phone })).toString('base64') };
    const encoded = (await json(await codecRequest('encode', [input], auth))) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(encoded.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    const decoded = (await json(await codecRequest('decode', encoded.payloads, auth))) as { payloads: unknown[] };
    expect(decoded.payloads).toEqual([input]);

    const bytes = Buffer.from(encoded.payloads[0]!.data, 'base64');
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
    const tampered = await codecRequest('decode', [{ ...encoded.payloads[0], data: bytes.toString('base64') }], auth);
    expect(tampered.status).toBe(400);
    expect(await json(tampered)).toMatchObject({ error: { code: 'bad_request', field: 'payloads', message: expect.stringMatching(/failed authentication/) } });
  });

  it('answers an empty list to a request with no payloads, as the Temporal CLI sends for an event without any', async () => {
    const auth = { Authorization: `Bearer ${stack.adminApiToken}`, 'Content-Type': 'application/json' };
    for (const direction of ['decode', 'encode']) {
      const response = await stack.app.request(`/codec/${direction}`, { method: 'POST', headers: auth, body: '{}' });
      expect(response.status, direction).toBe(200);
      expect(await json(response)).toEqual({ payloads: [] });
    }
  });
});
