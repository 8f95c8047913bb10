/**
 * The payload codec on its own: what Temporal stores is ciphertext naming its key, keys rotate, and
 * an altered payload is refused rather than read.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createEncryptionCodec, generatePayloadKey, parsePayloadKeys, PayloadDecryptionError } from '../../src/temporal/payloadCodec.js';

const ticketInput = { clinic: 'main', phone: '+13125550123', note: 'back pain since Tuesday' };
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('latin1');
const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');

describe('the payload codec', () => {
  it('stores a ticket input as ciphertext named by its key, and reads it back', async () => {
    const codec = createEncryptionCodec(parsePayloadKeys(`k1:${key(1)}`));
    const plain = defaultPayloadConverter.toPayload(ticketInput);
    const [stored] = await codec.encode([plain]);
    expect(text(stored!.metadata!.encoding)).toBe('binary/encrypted');
    expect(text(stored!.metadata!['encryption-key-id'])).toBe('k1');
    expect(text(stored!.data)).not.toContain('5550123');
    expect(text(stored!.data)).not.toContain('back pain');
    expect(text(stored!.data)).not.toContain('json/plain');

    const [read] = await codec.decode([stored!]);
    expect(defaultPayloadConverter.fromPayload(read!)).toEqual(ticketInput);
    // A fresh IV each time: the same input never gives the same ciphertext.
    const [again] = await codec.encode([plain]);
    expect(text(again!.data)).not.toBe(text(stored!.data));
  });

  it('still reads payloads encrypted with an old key after a new current key is added', async () => {
    const before = createEncryptionCodec(parsePayloadKeys(`2025:${key(1)}`));
    const [old] = await before.encode([defaultPayloadConverter.toPayload(ticketInput)]);
    const after = createEncryptionCodec(parsePayloadKeys(`2026:${key(2)},2025:${key(1)}`));
    const [read] = await after.decode([old!]);
    expect(defaultPayloadConverter.fromPayload(read!)).toEqual(ticketInput);
    const [fresh] = await after.encode([defaultPayloadConverter.toPayload(ticketInput)]);
    expect(text(fresh!.metadata!['encryption-key-id'])).toBe('2026');
    // Dropping a key that still protects history makes it unreadable, and says which key is missing.
    await expect(createEncryptionCodec(parsePayloadKeys(`2026:${key(2)}`)).decode([old!])).rejects.toThrow(/key 2025, which is not in PAYLOAD_ENCRYPTION_KEY/);
  });

  it('refuses a payload whose ciphertext was altered, with a clear error', async () => {
    const codec = createEncryptionCodec(parsePayloadKeys(`k1:${key(1)}`));
    const [stored] = await codec.encode([defaultPayloadConverter.toPayload(ticketInput)]);
    const data = Uint8Array.from(stored!.data!);
    data[20] = data[20]! ^ 0x01;
    const tampered: Payload = { ...stored!, data };
    await expect(codec.decode([tampered])).rejects.toThrow(PayloadDecryptionError);
    await expect(codec.decode([tampered])).rejects.toThrow(/failed authentication: it was altered/);
    // The same key material under a wrong ID is refused too (the ID is not part of the ciphertext, the key is).
    const other = createEncryptionCodec(parsePayloadKeys(`k1:${key(9)}`));
    await expect(other.decode([stored!])).rejects.toThrow(/failed authentication/);
  });

  it('passes through payloads written before encryption (no encryption metadata)', async () => {
    const codec = createEncryptionCodec(parsePayloadKeys(key(1)));
    const plain = defaultPayloadConverter.toPayload(ticketInput);
    expect(await codec.decode([plain])).toEqual([plain]);
  });
});

describe('PAYLOAD_ENCRYPTION_KEY', () => {
  it('takes a bare key (ID from its hash), or id:key pairs with the current key first', () => {
    const [bare] = parsePayloadKeys(key(1));
    expect(bare!.id).toMatch(/^k[0-9a-f]{8}$/);
    expect(parsePayloadKeys(key(1))[0]!.id).toBe(bare!.id);
    expect(parsePayloadKeys(` new:${key(2)} , ${key(1)}`).map((k) => k.id)).toEqual(['new', bare!.id]);
    expect(parsePayloadKeys(generatePayloadKey(new Date('2026-11-23T05:00:00Z')))[0]!.id).toBe('k20261123');
  });

  it('stops the start with a message naming the variable, never showing the key', () => {
    const short = Buffer.alloc(16, 5).toString('base64');
    for (const [value, message] of [
      [short, /PAYLOAD_ENCRYPTION_KEY: entry 1: the key must be 32 bytes/],
      ['not base64!', /PAYLOAD_ENCRYPTION_KEY: entry 1: the key must be base64/],
      [`a b:${key(1)}`, /PAYLOAD_ENCRYPTION_KEY: entry 1 \(a b\): the key ID must be/],
      [`x:${key(1)},x:${key(2)}`, /PAYLOAD_ENCRYPTION_KEY: the key ID x appears twice/],
    ] as const) {
      expect(() => loadConfig({ PAYLOAD_ENCRYPTION_KEY: value })).toThrow(ConfigError);
      expect(() => loadConfig({ PAYLOAD_ENCRYPTION_KEY: value })).toThrow(message);
    }
    try {
      loadConfig({ PAYLOAD_ENCRYPTION_KEY: short });
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });
});
