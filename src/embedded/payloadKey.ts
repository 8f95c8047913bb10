/**
 * The payload encryption key for the embedded start: PAYLOAD_ENCRYPTION_KEY from the configuration,
 * or one generated once and kept in `<DATA_DIR>/payload-key.json` (mode 600) beside the Temporal
 * database it protects. Losing that file makes the encrypted workflow histories unreadable.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatePayloadKey, parsePayloadKeys, type PayloadKey } from '../temporal/payloadCodec.js';

/** The keys in force (first = current) and the file they were read from or written to, if any. */
export interface EmbeddedPayloadKeys {
  keys: PayloadKey[];
  /** Set when the keys come from DATA_DIR rather than the configuration. */
  file: string | undefined;
  generated: boolean;
}

/**
 * Uses the configured keys; otherwise reads `<dataDir>/payload-key.json` (`{ "payloadEncryptionKey":
 * "<id>:<base64>" }`, same format as the variable), generating and writing it on first use.
 * @throws Error naming the file when it exists but does not hold a valid key.
 */
export function ensurePayloadKeys(dataDir: string, configured: PayloadKey[] | undefined): EmbeddedPayloadKeys {
  if (configured !== undefined) return { keys: configured, file: undefined, generated: false };
  const file = path.join(dataDir, 'payload-key.json');
  if (existsSync(file)) {
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { payloadEncryptionKey?: unknown };
      const text = typeof stored.payloadEncryptionKey === 'string' ? stored.payloadEncryptionKey : '';
      return { keys: parsePayloadKeys(text), file, generated: false };
    } catch (error) {
      throw new Error(`${file} does not hold a valid payload key (${(error as Error).message}); the Temporal history under ${dataDir} needs it to be read`);
    }
  }
  const payloadEncryptionKey = generatePayloadKey();
  // 'wx': never overwrite a key another process wrote in the meantime.
  writeFileSync(file, JSON.stringify({ payloadEncryptionKey }, null, 2), { mode: 0o600, flag: 'wx' });
  return { keys: parsePayloadKeys(payloadEncryptionKey), file, generated: true };
}
