import { describe, expect, it } from 'vitest';
import { ConfigError, DEMO_CLINIC_NUMBER, loadConfig, requireServices } from '../src/config.js';

describe('configuration', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      temporal: { address: undefined, namespace: 'default', taskQueue: 'frontdesk', uiUrl: undefined },
      payloadKeys: undefined,
      twilio: { provider: 'console', phoneNumber: DEMO_CLINIC_NUMBER },
      clinic: { name: 'Frontdesk Clinic', timezone: undefined, defaultCountry: 'US' },
      dataDir: '.data',
    });
  });

  it("leaves the worker's workflow cache to the SDK unless WORKER_MAX_CACHED_WORKFLOWS sets it", () => {
    expect(loadConfig({}).workerMaxCachedWorkflows).toBeUndefined();
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '500' }).workerMaxCachedWorkflows).toBe(500);
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '0' }).workerMaxCachedWorkflows).toBe(0);
    expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: 'many' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS:/);
    expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '-1' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS:/);
  });

  it('stops with a message naming each bad variable', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', CLINIC_TIMEZONE: 'Mars/Olympus', DEFAULT_COUNTRY: 'XX', PUBLIC_BASE_URL: 'not a url' });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const name of ['PORT', 'CLINIC_TIMEZONE', 'DEFAULT_COUNTRY', 'PUBLIC_BASE_URL']) expect(message).toContain(`${name}:`);
  });

  it('checks signatures with an auth token alone, and sends through Twilio with an account SID too', () => {
    expect(loadConfig({ TWILIO_AUTH_TOKEN: 'secret' }).twilio).toMatchObject({ provider: 'console', authToken: 'secret' });
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}` })).toThrow(/TWILIO_AUTH_TOKEN: is needed/);
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'secret' })).toThrow(/TWILIO_PHONE_NUMBER[\s\S]*PUBLIC_BASE_URL/);
    const config = loadConfig({
      TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'secret',
      TWILIO_PHONE_NUMBER: '+13125550100',
      PUBLIC_BASE_URL: 'https://desk.example.org/',
    });
    expect(config.twilio.provider).toBe('twilio');
    // A Messaging Service sends, but inbound texts are routed by the number patients text.
    expect(() =>
      loadConfig({
        TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'secret',
        TWILIO_MESSAGING_SERVICE_SID: `MG${'b'.repeat(32)}`,
        PUBLIC_BASE_URL: 'https://desk.example.org',
      }),
    ).toThrow(/TWILIO_PHONE_NUMBER: is needed/);
    expect(config.publicBaseUrl).toBe('https://desk.example.org');
  });

  it('takes the contact hours as HH:MM, each optional, and names the variable at fault', () => {
    expect(loadConfig({}).clinic.contactHours).toEqual({ start: undefined, end: undefined });
    expect(loadConfig({ CONTACT_HOURS_START: '07:30', CONTACT_HOURS_END: '19:00' }).clinic.contactHours).toEqual({ start: '07:30', end: '19:00' });
    expect(loadConfig({ CONTACT_HOURS_END: '21:00' }).clinic.contactHours).toEqual({ start: undefined, end: '21:00' });
    expect(() => loadConfig({ CONTACT_HOURS_START: '8:00' })).toThrow(/CONTACT_HOURS_START: must be a time of day HH:MM such as 08:00/);
    expect(() => loadConfig({ CONTACT_HOURS_END: '24:00' })).toThrow(/CONTACT_HOURS_END: must be a time of day HH:MM/);
    expect(() => loadConfig({ CONTACT_HOURS_START: '20:00', CONTACT_HOURS_END: '08:00' })).toThrow(
      /CONTACT_HOURS_END: must be after CONTACT_HOURS_START \(20:00\)/,
    );
  });

  it('trusts no proxy unless TRUST_PROXY gives a number of hops', () => {
    expect(loadConfig({}).trustProxy).toBe(0);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY/);
  });

  it('names DATABASE_URL and TEMPORAL_ADDRESS when a production process lacks them', () => {
    expect(() => requireServices(loadConfig({}))).toThrow(/DATABASE_URL[\s\S]*TEMPORAL_ADDRESS[\s\S]*PAYLOAD_ENCRYPTION_KEY: is required/);
  });
});
