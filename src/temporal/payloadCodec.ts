/**
 * Encryption of every Temporal payload (workflow and activity inputs, results, update arguments,
 * query answers) with AES-256-GCM, so the Temporal server and its database hold ciphertext only.
 * The shape follows Temporal's encryption sample (temporalio/samples-typescript `encryption/`): the
 * whole serialized Payload (its metadata and data) is encrypted, and the stored payload says
 * `encoding: binary/encrypted` and names the key it was encrypted with, so keys can rotate.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
// The SDK's own protobuf classes (the same version as the SDK): the Payload message is serialized
// exactly as the server would, so any Temporal codec server could read it. A CommonJS package:
// Node's ESM loader sees only its default export.
import proto from '@temporalio/proto';

const { temporal } = proto;

/** The `encoding` metadata value of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key (by ID) a payload was encrypted with. */
export const KEY_ID_METADATA = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** One AES-256 key and the ID stored beside the payloads it encrypts. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

/** Raised when an encrypted payload cannot be read: unknown key ID, tampered or truncated data. */
export class PayloadDecryptionError extends ValueError {
  override name = 'PayloadDecryptionError';
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * Parses PAYLOAD_ENCRYPTION_KEY: one or more comma-separated entries `id:base64` or plain `base64`,
 * each the base64 (or base64url) of 32 random bytes; the first is the current key (encrypts), all
 * decrypt. An entry without an ID gets `k` + the first 8 hex digits of the key's SHA-256, so the same
 * key always has the same ID. IDs are letters, digits, `_`, `-` and `.`.
 * @throws Error with a message that says what is wrong with which entry (never the key itself).
 */
export function parsePayloadKeys(text: string): PayloadKey[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new Error('must hold at least one key: the base64 of 32 random bytes (openssl rand -base64 32)');
  const keys = entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    const id = colon === -1 ? undefined : entry.slice(0, colon).trim();
    const encoded = colon === -1 ? entry : entry.slice(colon + 1).trim();
    const where = `entry ${index + 1}${id === undefined ? '' : ` (${id})`}`;
    if (id !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(id)) throw new Error(`${where}: the key ID must be 1-64 letters, digits, _, - or .`);
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) throw new Error(`${where}: the key must be base64 (openssl rand -base64 32)`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== KEY_BYTES)
      throw new Error(`${where}: the key must be 32 bytes, base64-encoded (openssl rand -base64 32); this one is ${key.length} bytes`);
    return { id: id ?? `k${createHash('sha256').update(key).digest('hex').slice(0, 8)}`, key };
  });
  const ids = new Set<string>();
  for (const { id } of keys) {
    if (ids.has(id)) throw new Error(`the key ID ${id} appears twice`);
    ids.add(id);
  }
  return keys;
}

/** A new random key as PAYLOAD_ENCRYPTION_KEY holds it: `<id>:<base64 of 32 bytes>`, the ID made from the date. */
export function generatePayloadKey(now = new Date()): string {
  return `k${now.toISOString().slice(0, 10).replaceAll('-', '')}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/**
 * The codec for `keys` (the first encrypts; every one decrypts, chosen by the payload's key ID).
 * `decode` passes payloads without `encoding: binary/encrypted` through unchanged (histories written
 * before encryption was on). Payload layout: `data` = 12-byte random IV ‖ ciphertext ‖ 16-byte GCM tag.
 * @throws PayloadDecryptionError from `decode` for an unknown key ID or data that fails authentication.
 */
export function createEncryptionCodec(keys: readonly PayloadKey[]): PayloadCodec {
  const current = keys[0];
  if (current === undefined) throw new Error('createEncryptionCodec needs at least one key');
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const encodeOne = (payload: Payload): Payload => ({
    metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(current.id) },
    data: encrypt(temporal.api.common.v1.Payload.encode(payload).finish(), current.key),
  });
  const decodeOne = (payload: Payload): Payload => {
    const encoding = payload.metadata?.encoding;
    if (encoding === undefined || fromUtf8.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    if (idBytes === undefined) throw new PayloadDecryptionError(`encrypted payload without the ${KEY_ID_METADATA} metadata`);
    const id = fromUtf8.decode(idBytes);
    const key = byId.get(id);
    if (key === undefined) {
      throw new PayloadDecryptionError(`payload encrypted with key ${id}, which is not in PAYLOAD_ENCRYPTION_KEY (known: ${[...byId.keys()].join(', ')})`);
    }
    const decoded = temporal.api.common.v1.Payload.decode(decrypt(payload.data ?? new Uint8Array(), key, id));
    return { metadata: decoded.metadata, data: decoded.data };
  };
  // The codec interface is async; the work is not. Promise.resolve().then() turns a throw into a rejection.
  return {
    encode: (payloads: Payload[]): Promise<Payload[]> => Promise.resolve().then(() => payloads.map(encodeOne)),
    decode: (payloads: Payload[]): Promise<Payload[]> => Promise.resolve().then(() => payloads.map(decodeOne)),
  };
}

function encrypt(plain: Uint8Array, key: Buffer): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(CIPHER, key, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()]));
}

function decrypt(data: Uint8Array, key: Buffer, id: string): Uint8Array {
  if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`encrypted payload (key ${id}) is too short to hold an IV and a tag`);
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const decipher = createDecipheriv(CIPHER, key, bytes.subarray(0, IV_BYTES));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]));
  } catch {
    throw new PayloadDecryptionError(`encrypted payload (key ${id}) failed authentication: it was altered, or encrypted with another key under the same ID`);
  }
}
