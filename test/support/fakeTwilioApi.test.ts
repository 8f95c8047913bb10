/**
 * The local Twilio REST API the adapters' tests talk to: it must record what twilio's own client
 * sends for a call, and answer as Twilio does, or later voice tests prove nothing.
 */
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTwilioApi, type FakeTwilioApi } from './fakeTwilioApi.js';

const ACCOUNT_SID = `AC${'2'.repeat(32)}`;
let twilioApi: FakeTwilioApi;
let client: twilio.Twilio;
beforeAll(async () => {
  twilioApi = await startFakeTwilioApi();
  client = twilio(ACCOUNT_SID, 'local-auth-token', { httpClient: twilioApi.httpClient() });
});
afterAll(() => twilioApi.close());

describe('the fake Calls API', () => {
  it('records the fields calls.create sends, and answers with a queued CallSid', async () => {
    const call = await client.calls.create({
      to: '+13125550111',
      from: '+12025550100',
      url: 'https://desk.clinic.test/webhooks/twilio/voice',
      statusCallback: 'https://desk.clinic.test/webhooks/twilio/call-status',
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      machineDetection: 'Enable',
      timeout: 20,
    });
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(call.status).toBe('queued');
    const [request] = twilioApi.requestsTo('+13125550111', 'calls');
    expect(request!.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`);
    expect(request!.form).toEqual({
      To: '+13125550111',
      From: '+12025550100',
      Url: 'https://desk.clinic.test/webhooks/twilio/voice',
      StatusCallback: 'https://desk.clinic.test/webhooks/twilio/call-status',
      StatusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      MachineDetection: 'Enable',
      Timeout: '20',
    });
  });

  it("answers a scripted refusal with Twilio's error code, as twilio's client reports it", async () => {
    twilioApi.setAnswer('+13125550112', { kind: 'refused', code: 21215, message: 'Geo permission not enabled' });
    const failure = await client.calls
      .create({ to: '+13125550112', from: '+12025550100', twiml: '<Response><Say>Hello</Say></Response>' })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 400, code: 21215 });
    expect(twilioApi.requestsTo('+13125550112')[0]!.form.Twiml).toBe('<Response><Say>Hello</Say></Response>');
  });
});
