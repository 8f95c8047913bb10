/**
 * The phone simulator (`/admin/phone`): with no Twilio account, staff play a patient's phone. A text
 * goes through the console telephone to the SMS webhook as Twilio would post it, a WhatsApp
 * quick-reply tap routes like the webhook's, and a waiting console call takes a key from its keypad.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bookThroughApi } from '../support/apiBooking.js';
import { createTestClinic } from '../support/clinic.js';
import { json, patientPhone, startStack, type Stack } from '../support/stack.js';
import { FORM_TYPE, OWN_ORIGIN, staffCookie } from '../support/staffForms.js';

let stack: Stack;
let twilioStack: Stack;
beforeAll(async () => {
  [stack, twilioStack] = await Promise.all([startStack({ consoleTelephone: true }), startStack()]);
});
afterAll(() => Promise.all([stack?.stop(), twilioStack?.stop()]));

// `app.request()` calls the app at http://localhost, so that is the page's own origin here.

const withClinic = (on: Stack, path: string) => `${path}${path.includes('?') ? '&' : '?'}clinic=${on.clinic.slug}`;

/** A same-origin form post from the simulator page, signed in. */
async function post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return stack.app.request(withClinic(stack, path), {
    method: 'POST',
    headers: { ...FORM_TYPE, Origin: OWN_ORIGIN, Cookie: await staffCookie(stack), ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The simulator page the 303 after a post leads to (answering `status`), as text. */
async function followRedirect(response: Response, status = 200): Promise<{ location: URL; page: string }> {
  expect(response.status).toBe(303);
  const location = new URL(response.headers.get('location')!, OWN_ORIGIN);
  const page = await stack.app.request(`${location.pathname}${location.search}`, { headers: { Cookie: await staffCookie(stack) } });
  expect(page.status).toBe(status);
  return { location, page: await page.text() };
}

/** Books an appointment three days out for `phone` on `channel` and has its reminder sent now. */
async function bookAndRemind(phone: string, channel: 'whatsapp' | 'voice'): Promise<{ id: string; workflowId: string }> {
  const { id, workflowId } = await bookThroughApi(stack, { phone, channel, patientName: 'Ana Lopez', provider: 'Dr Ramirez', service: 'Dental cleaning' });
  expect((await stack.api(`/api/appointments/${id}/remind`, { method: 'POST' })).status).toBe(200);
  return { id, workflowId };
}

const appointmentStatus = async (id: string) => ((await json(await stack.api(`/api/appointments/${id}`))) as { status: string }).status;

describe('who may open the phone simulator', () => {
  it('is not there with the Twilio provider (no console telephone)', async () => {
    const cookie = await staffCookie(twilioStack);
    expect((await twilioStack.app.request(withClinic(twilioStack, '/admin/phone'), { headers: { Cookie: cookie } })).status).toBe(404);
    const send = await twilioStack.app.request(withClinic(twilioStack, '/admin/phone/messages'), {
      method: 'POST',
      headers: { ...FORM_TYPE, Origin: OWN_ORIGIN, Cookie: cookie },
      body: new URLSearchParams({ phone: patientPhone(), channel: 'sms', body: 'JOIN' }).toString(),
    });
    expect(send.status).toBe(404);
  });

  it('sends a visitor without a session to sign in, and refuses them the chat', async () => {
    const page = await stack.app.request(withClinic(stack, '/admin/phone'));
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toMatch(/^\/admin\/login\?next=%2Fadmin%2Fphone/);
    const chat = await stack.app.request(withClinic(stack, `/admin/phone/chat?phone=${encodeURIComponent(patientPhone())}`));
    expect(chat.status).toBe(401);
  });

  it('refuses a form posted from another site, and texts nothing', async () => {
    const phone = patientPhone();
    const response = await post('/admin/phone/messages', { phone, channel: 'sms', body: 'JOIN' }, { Origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(await stack.sql`select 1 from messages where phone = ${phone}`).toHaveLength(0);
  });

  it('shows a banner saying it is a simulator', async () => {
    const page = await stack.app.request(withClinic(stack, '/admin/phone'), { headers: { Cookie: await staffCookie(stack) } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<strong>Simulator<\/strong> — no real phone is texted or called/);
  });
});

describe('staff text the clinic as a patient', () => {
  it('JOIN from a local number makes a ticket, and the reply and the chat show it', async () => {
    const phone = patientPhone();
    const local = phone.replace(/^\+1/, '');
    const { location, page } = await followRedirect(await post('/admin/phone/messages', { phone: local, channel: 'sms', body: 'JOIN sore throat' }));
    expect(location.searchParams.get('phone')).toBe(phone);
    expect(location.searchParams.get('reply')).toMatch(/your ticket is [A-Z]\d+/);
    expect(page).toMatch(/<p class="said" data-reply>.*your ticket is [A-Z]\d+/);

    const { tickets } = (await json(await stack.api('/api/queue'))) as { tickets: { note: string | null }[] };
    expect(tickets.map((t) => t.note)).toContain('sore throat');
    const [inbound] = await stack.sql`select from_address, to_address, provider_sid from messages where phone = ${phone} and direction = 'inbound'`;
    expect(inbound).toEqual({ from_address: phone, to_address: stack.clinicNumber, provider_sid: expect.stringMatching(/^SM[0-9a-f]{32}$/) });

    const chat = await stack.app.request(withClinic(stack, `/admin/phone/chat?phone=${encodeURIComponent(phone)}`), {
      headers: { Cookie: await staffCookie(stack) },
    });
    const fragment = await chat.text();
    expect(fragment.indexOf('JOIN sore throat')).toBeGreaterThan(-1);
    expect(fragment.indexOf('your ticket is')).toBeGreaterThan(fragment.indexOf('JOIN sore throat'));
  });

  it('refuses an empty message and a number that is not one, back on the page', async () => {
    const empty = await followRedirect(await post('/admin/phone/messages', { phone: patientPhone(), channel: 'sms', body: '  ' }));
    expect(empty.location.searchParams.get('error')).toBe('Message: type a message to send');
    const bad = await followRedirect(await post('/admin/phone/messages', { phone: '12', channel: 'sms', body: 'JOIN' }), 400);
    expect(bad.page).toContain('Number: must be a phone number, E.164 or local to US');
  });

  it('keeps a number that is not one in its field, with the refusal beside it', async () => {
    const page = await stack.app.request(withClinic(stack, '/admin/phone?phone=999&channel=whatsapp'), { headers: { Cookie: await staffCookie(stack) } });
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toMatch(/<input id="picker-phone" name="phone" [^>]*value="999" aria-invalid="true" aria-describedby="picker-phone-error">/);
    expect(html).toContain(
      '<p class="field-message" id="picker-phone-error" role="alert" data-field-error="phone">Number: must be a phone number, E.164 or local to US</p>',
    );
    expect(html.match(/Number: must be a phone number/g)).toHaveLength(1);
    expect(html).toMatch(/<option value="whatsapp" selected>/);
  });

  it('offers WhatsApp only at a clinic with a WhatsApp number, and says why it is not offered', async () => {
    const withWhatsApp = await (await stack.app.request(withClinic(stack, '/admin/phone'), { headers: { Cookie: await staffCookie(stack) } })).text();
    expect(withWhatsApp).toContain('<option value="whatsapp">WhatsApp</option>');
    expect(withWhatsApp).not.toContain('has no WhatsApp number');

    const { clinic } = await createTestClinic(stack.sql);
    await stack.sql`delete from clinic_numbers where clinic_id = ${clinic.id} and channel = 'whatsapp'`;
    const page = await stack.app.request(`/admin/phone?clinic=${clinic.slug}`, { headers: { Cookie: await staffCookie(stack) } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain('<option value="whatsapp"');
    expect(html).toContain('<select name="channel" aria-describedby="picker-channel-note"><option value="sms" selected>SMS</option></select>');
    expect(html).toContain('No WhatsApp: Test Clinic has no WhatsApp number (start with <code>TWILIO_WHATSAPP_FROM</code> to try it).');
  });

  it('a WhatsApp Confirm tap confirms the reminded appointment, as the webhook routes it', async () => {
    const phone = patientPhone();
    const { id } = await bookAndRemind(phone, 'whatsapp');
    await expect
      .poll(async () => (await stack.sql`select body from messages where phone = ${phone} and direction = 'outbound' order by id`).at(-1)?.body as string, {
        timeout: 15_000,
      })
      .toMatch(/Reply YES to confirm/);

    const { page } = await followRedirect(await post('/admin/phone/messages', { phone, channel: 'whatsapp', button: 'CONFIRM' }));
    expect(await appointmentStatus(id)).toBe('confirmed');
    expect(page).toContain('Quick replies');
    const [tap] = await stack.sql`select channel, body, button_payload, from_address from messages where phone = ${phone} and direction = 'inbound'`;
    expect(tap).toEqual({ channel: 'whatsapp', body: 'Confirm', button_payload: 'CONFIRM', from_address: `whatsapp:${phone}` });
  });
});

describe('staff answer a console reminder call on the keypad', () => {
  it('shows the keypad while the call waits, and 1 confirms the voice appointment', async () => {
    const phone = patientPhone();
    const { id } = await bookAndRemind(phone, 'voice');
    const callSid = await vi.waitFor(
      async () => {
        const [call] = await stack.sql<{ call_sid: string }[]>`
          select call_sid from calls where appointment_id = ${id} and status = 'in-progress' and console_gather_url is not null`;
        expect(call).toBeDefined();
        return call!.call_sid;
      },
      { timeout: 15_000 },
    );
    const page = await stack.app.request(withClinic(stack, `/admin/phone?phone=${encodeURIComponent(phone)}`), {
      headers: { Cookie: await staffCookie(stack) },
    });
    expect(await page.text()).toContain(`data-call="${callSid}"`);

    const { location, page: after } = await followRedirect(await post(`/admin/phone/calls/${callSid}/keys`, { phone, channel: 'sms', digits: '1' }));
    expect(location.searchParams.get('said')).toMatch(/is confirmed\./);
    expect(after).not.toContain(`data-call="${callSid}"`);
    expect(await appointmentStatus(id)).toBe('confirmed');

    const again = await followRedirect(await post(`/admin/phone/calls/${callSid}/keys`, { phone, channel: 'sms', digits: '1' }));
    expect(again.location.searchParams.get('error')).toMatch(/is not waiting for a key/);
  });
});
