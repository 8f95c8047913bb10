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

  it('must still be form-encoded', async () => {
    const response = await fetch(`${baseUrl}/webhooks/twilio/sms`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"Body":"JOIN"}' });
    expect(response.status).toBe(415);
  });
});
