/**
 * The Temporal client of a process: one connection, made here and nowhere else in the API.
 */
import { Client, Connection } from '@temporalio/client';
import { createDataConverter } from './dataConverter.js';
import type { PayloadKey } from './payloadCodec.js';

/**
 * Connects a Temporal client to `address` (`host:port`) and `namespace`, encrypting payloads with
 * `payloadKeys` (first = current). @throws when unreachable (10 s).
 */
export async function connectTemporalClient(address: string, namespace: string, payloadKeys: readonly PayloadKey[]): Promise<Client> {
  const connection = await Connection.connect({ address, connectTimeout: '10 seconds' });
  return new Client({ connection, namespace, dataConverter: createDataConverter(payloadKeys) });
}
