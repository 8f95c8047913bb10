/**
 * The embedded demo has no TWILIO_AUTH_TOKEN: webhooks need no signature, but only from this machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSid, patientPhone, startStack, twimlText, type Stack } from '../support/stack.js';

let stack: Stack;
let baseUrl: string;
beforeAll(async () => {
  stack = await startStack({ signedWebhooks: false });
  baseUrl = await stack.listen();
});
afterAll(() => stack.stop());

const form = (phone: string) => new URLSearchParams({ MessageSid: fakeSid(), From: phone, To: stack.clinicNumber, Body: 'JOIN' }).toString();

describe('unsigned webhooks without an auth token', () => {
  it('are taken from loopback: a curl on the same machine joins the line', async () => {
    const response = await fetch(`${baseUrl}/webhooks/twilio/sms`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form(patientPhone()),
    });
    expect(response.status).toBe(200);
    expect(await twimlText(response)).toMatch(/your ticket is [A-Z]\d+/);
  });

  it('are refused, writing nothing, when the caller cannot be shown to be on this machine', async () => {
    const phone = patientPhone();
    const response = await stack.app.request('/webhooks/twilio/sms', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form(phone),
    });
    expect(response.status).toBe(403);
    expect(await stack.sql`select 1 from messages where clinic_id = ${stack.clinic.id} and phone = ${phone}`).toHaveLength(0);
  });

  it.each([
    ['X-Forwarded-For', '203.0.113.9'],
    ['Forwarded', 'for=203.0.113.9;proto=https'],
  ])('are refused from loopback when they came through a proxy (%s), naming TWILIO_AUTH_TOKEN', async (header, value) => {
    const phone = patientPhone();
    const response = await fetch(`${baseUrl}/webhooks/twilio/sms`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', [header]: value },
      body: form(phone),
    });
    expect(response.status).toBe(403);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('forbidden');
    expect(body.error.message).toContain('TWILIO_AUTH_TOKEN');
    expect(await stack.sql`select 1 from messages where clinic_id = ${stack.clinic.id} and phone = ${phone}`).toHaveLength(0);
  });

  it('must still be form-encoded', async () => {
    const response = await fetch(`${baseUrl}/webhooks/twilio/sms`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"Body":"JOIN"}',
    });
    expect(response.status).toBe(415);
  });
});
