import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEMO_CLINIC_NUMBER, loadConfig, requireServices } from '../src/config.js';

describe('configuration', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      temporal: { address: undefined, namespace: 'default', taskQueue: 'frontdesk', uiUrl: undefined, connection: {} },
      payloadKeys: undefined,
      twilio: { provider: 'console', phoneNumber: DEMO_CLINIC_NUMBER },
      clinic: { name: 'Frontdesk Clinic', timezone: undefined, defaultCountry: 'US' },
      dataDir: '.data',
    });
  });

  it("keeps 1,000 workflows in the worker's cache unless WORKER_MAX_CACHED_WORKFLOWS sets it", () => {
    expect(loadConfig({}).workerMaxCachedWorkflows).toBe(1_000);
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

  describe("Temporal's own environment configuration (@temporalio/envconfig)", () => {
    const production = { DATABASE_URL: 'postgres://db/frontdesk', PAYLOAD_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 7).toString('base64')}` };

    it('keeps TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, and takes an API key (which turns TLS on) for Temporal Cloud', () => {
      const config = loadConfig({ ...production, TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: 'key-123' });
      expect(requireServices(config).temporal).toEqual({ address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct', apiKey: 'key-123', tls: true });
    });

    it('reads the mTLS certificate pair and server CA from their paths, and names the variables when one cannot be read', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'frontdesk-tls-'));
      for (const name of ['client.pem', 'client.key', 'ca.pem']) writeFileSync(path.join(dir, name), `-----${name}-----`);
      const config = loadConfig({
        ...production,
        TEMPORAL_ADDRESS: 'temporal.internal:7233',
        TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'client.pem'),
        TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'client.key'),
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'ca.pem'),
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      });
      const { tls } = requireServices(config).temporal;
      expect(tls).toMatchObject({ serverNameOverride: 'temporal.internal' });
      const pair = (tls as { clientCertPair: { crt: Uint8Array; key: Uint8Array }; serverRootCACertificate: Uint8Array }).clientCertPair;
      expect(Buffer.from(pair.crt).toString()).toBe('-----client.pem-----');
      expect(Buffer.from(pair.key).toString()).toBe('-----client.key-----');
      expect(() => loadConfig({ TEMPORAL_ADDRESS: 'x:7233', TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'missing.pem') })).toThrow(/TEMPORAL_TLS_\*/);
    });

    it('takes a profile of a TOML file (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), the variables winning over it', () => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'frontdesk-profile-')), 'temporal.toml');
      writeFileSync(file, '[profile.prod]\naddress = "temporal.prod:7233"\nnamespace = "clinics"\n[profile.prod.grpc_meta]\nx-team = "frontdesk"\n');
      const fromFile = loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' }).temporal;
      expect(fromFile).toMatchObject({ address: 'temporal.prod:7233', namespace: 'clinics', connection: { metadata: { 'x-team': 'frontdesk' } } });
      expect(loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'other' }).temporal.namespace).toBe('other');
    });
  });
});
