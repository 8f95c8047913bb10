/**
 * The Temporal connection of a process: where the server is and how to reach it, and the one client
 * the API (and `npm start`, and a worker making its schedule) uses.
 */
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { createDataConverter } from './dataConverter.js';
import type { PayloadKey } from './payloadCodec.js';

/**
 * Where Temporal is and how to reach it, as Temporal's own environment configuration gives it
 * (`@temporalio/envconfig`, read in config.ts): `address` (`host:port`), `namespace`, and for Temporal
 * Cloud or a cluster behind mTLS an `apiKey`, `tls` (true, or the client certificate pair, server CA
 * and server name read from their paths) and gRPC `metadata`.
 */
export interface TemporalTarget {
  address: string;
  namespace: string;
  apiKey?: string | undefined;
  tls?: ConnectionOptions['tls'];
  metadata?: Record<string, string> | undefined;
}

/** The connection options of `target` for a client `Connection` or a worker's `NativeConnection` (same shape). */
export function temporalConnectionOptions(target: TemporalTarget): {
  address: string;
  apiKey?: string;
  tls?: ConnectionOptions['tls'];
  metadata?: Record<string, string>;
} {
  return {
    address: target.address,
    ...(target.apiKey === undefined ? {} : { apiKey: target.apiKey }),
    ...(target.tls === undefined ? {} : { tls: target.tls }),
    ...(target.metadata === undefined ? {} : { metadata: target.metadata }),
  };
}

/**
 * Connects a Temporal client to `target`, encrypting payloads with `payloadKeys` (first = current).
 * @throws when unreachable (10 s) or refused (a wrong API key or certificate).
 */
export async function connectTemporalClient(target: TemporalTarget, payloadKeys: readonly PayloadKey[]): Promise<Client> {
  const connection = await Connection.connect({ ...temporalConnectionOptions(target), connectTimeout: '10 seconds' });
  return new Client({ connection, namespace: target.namespace, dataConverter: createDataConverter(payloadKeys) });
}
