import { describe, expect, it } from 'vitest';
import { ConfigError, DEMO_CLINIC_NUMBER, loadConfig, requireServices } from '../src/config.js';

describe('configuration', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      temporal: { address: undefined, namespace: 'default', taskQueue: 'frontdesk' },
      twilio: { provider: 'console', phoneNumber: DEMO_CLINIC_NUMBER },
      clinic: { name: 'Frontdesk Clinic', timezone: 'America/Chicago', defaultCountry: 'US' },
      dataDir: '.data',
    });
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

  it('names DATABASE_URL and TEMPORAL_ADDRESS when a production process lacks them', () => {
    expect(() => requireServices(loadConfig({}))).toThrow(/DATABASE_URL[\s\S]*TEMPORAL_ADDRESS/);
  });
});
