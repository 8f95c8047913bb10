/**
 * Two `npm start`s on one machine: the second finds the Temporal ports taken and moves to free ones,
 * and says so, instead of failing.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { startTemporalDevServer } from '../../src/embedded/temporal.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/workflows/definitions.js';

function occupyPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('the embedded Temporal dev server', () => {
  it('moves from taken preferred ports to free ones and reports the move', async () => {
    const grpc = await occupyPort();
    const ui = await occupyPort();
    mkdirSync('.data', { recursive: true });
    const dataDir = mkdtempSync(path.resolve('.data/temporal-ports-'));
    try {
      const temporal = await startTemporalDevServer({
        dataDir,
        port: grpc.port,
        uiPort: ui.port,
        namespace: 'default',
        searchAttributes: SEARCH_ATTRIBUTE_TYPES,
      });
      try {
        expect(temporal.movedPorts.map((m) => [m.what, m.preferred])).toEqual([
          ['gRPC', grpc.port],
          ['Web UI', ui.port],
        ]);
        expect(temporal.address).toBe(`127.0.0.1:${temporal.movedPorts[0]!.actual}`);
        // localhost, not 127.0.0.1: the same site as the API, so the UI's codec calls carry the staff cookie.
        expect(temporal.uiUrl).toBe(`http://localhost:${temporal.movedPorts[1]!.actual}`);
        const connection = await Connection.connect({ address: temporal.address });
        await connection.workflowService.getSystemInfo({});
        await connection.close();
        expect((await fetch(temporal.uiUrl)).ok).toBe(true);
      } finally {
        await temporal.stop();
      }
    } finally {
      grpc.server.close();
      ui.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
