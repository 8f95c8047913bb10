/**
 * The one data converter of every Temporal client and worker of Frontdesk: the SDK's default payload
 * converter (JSON), then AES-256-GCM encryption of each payload (`payloadCodec.ts`).
 */
import type { DataConverter } from '@temporalio/common';
import { createEncryptionCodec, type PayloadKey } from './payloadCodec.js';

/** The data converter for `keys` (first = current). Pass the same keys to clients, workers and tests. */
export function createDataConverter(keys: readonly PayloadKey[]): DataConverter {
  return { payloadCodecs: [createEncryptionCodec(keys)] };
}
