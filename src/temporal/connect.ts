/**
 * The Temporal client of a process: one connection, made here and nowhere else in the API.
 */
import { Client, Connection } from '@temporalio/client';

/** Connects a Temporal client to `address` (`host:port`) and `namespace`. @throws when unreachable (10 s). */
export async function connectTemporalClient(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address, connectTimeout: '10 seconds' });
  return new Client({ connection, namespace });
}
