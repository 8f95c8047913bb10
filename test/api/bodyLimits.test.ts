/**
 * Every route bounds its body: 16 KB for forms and JSON (webhooks have their own 64 KB), and a body
 * that cannot be read as a form is a 400, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { FORM_TYPE, OWN_ORIGIN, staffCookie } from '../support/staffForms.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

const HUGE = 'x'.repeat(20 * 1024);
const BROKEN_MULTIPART = { 'Content-Type': 'multipart/form-data; boundary=----nope' };
const BROKEN_BODY = '------nope\r\nContent-Disposition: form-data; name="password"\r\n\r\nhello';

const kioskJoin = (headers: Record<string, string>, body: string) =>
  stack.app.request(`/kiosk/join?clinic=${stack.clinic.slug}`, { method: 'POST', headers: { Origin: OWN_ORIGIN, ...headers }, body });

describe('oversized bodies', () => {
  it('get a kiosk page saying so, with 413', async () => {
    const response = await kioskJoin(FORM_TYPE, new URLSearchParams({ note: HUGE }).toString());
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('ask at the front desk');
  });

  it('get the sign-in page again, with 413', async () => {
    const response = await stack.app.request('/admin/login', {
      method: 'POST',
      headers: { ...FORM_TYPE, Origin: OWN_ORIGIN },
      body: new URLSearchParams({ password: HUGE }).toString(),
    });
    expect(response.status).toBe(413);
    expect(await response.text()).toContain('too long');
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('get 413 in the error shape from a board post', async () => {
    const cookie = await staffCookie(stack);
    const response = await stack.app.request(`/admin/board/rooms?clinic=${stack.clinic.slug}`, {
      method: 'POST',
      headers: { ...FORM_TYPE, Origin: OWN_ORIGIN, Cookie: cookie, Accept: 'application/json' },
      body: new URLSearchParams({ rooms_open: '2', padding: HUGE }).toString(),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
  });

  it('get 413 in the error shape from the JSON API, and change nothing', async () => {
    const response = await stack.api('/api/clinic/rooms', { method: 'PUT', body: JSON.stringify({ rooms_open: 3, padding: HUGE }) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } });
    const [clinic] = await stack.sql<{ rooms_open: number }[]>`select rooms_open from clinics where id = ${stack.clinic.id}`;
    expect(clinic!.rooms_open).not.toBe(3);
  });
});

describe('malformed multipart bodies', () => {
  it('get the kiosk form again with 400, not a ticket', async () => {
    const response = await kioskJoin(BROKEN_MULTIPART, BROKEN_BODY);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Get a ticket');
  });

  it('get the sign-in page again with 400', async () => {
    const response = await stack.app.request('/admin/login', { method: 'POST', headers: { ...BROKEN_MULTIPART, Origin: OWN_ORIGIN }, body: BROKEN_BODY });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('password');
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});
