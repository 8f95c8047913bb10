/**
 * The payload keys of every test client, worker and app (production's format, `id:base64`): the
 * current key first, then an old one that still decrypts. Fixed, so every test process reads the
 * same histories.
 */
import { parsePayloadKeys } from '../../src/temporal/payloadCodec.js';

/** The keys as PAYLOAD_ENCRYPTION_KEY holds them, for a worker process a test starts. */
export const TEST_PAYLOAD_KEYS_TEXT = `test-current:${Buffer.alloc(32, 7).toString('base64')},test-old:${Buffer.alloc(32, 3).toString('base64')}`;

export const TEST_PAYLOAD_KEYS = parsePayloadKeys(TEST_PAYLOAD_KEYS_TEXT);
