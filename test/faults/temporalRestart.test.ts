/**
 * The Temporal dev server is killed (SIGKILL) while patients' journeys are in flight, and started
 * again on its persisted database (src/embedded/temporal.ts): the worker process and the API
 * reconnect by themselves, every reminder and expiry still happens once, no text or call goes out
 * twice, nothing is lost.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/embedded/temporal.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/workflows/definitions.js';
import { freePort } from '../support/freePort.js';
import { startStack, type Stack } from '../support/stack.js';
import { killWorkerProcesses, startWorkerProcess } from '../support/workerProcess.js';
import { CALL_SECOND_MS, expectEachSendOnce, expectJourneysSettled, keptLog, startJourneys } from './journeysInFlight.js';

const dataDir = path.resolve(`.data/temporal-restart-${process.pid}`);
const api = keptLog();
let port: number;
let uiPort: number;
let temporal: TemporalDevServer | undefined;
let stack: Stack;
let apiPort: number;

const startTemporal = async () => {
  temporal = await startTemporalDevServer({ dataDir, port, uiPort, namespace: 'default', searchAttributes: SEARCH_ATTRIBUTE_TYPES });
  return temporal;
};

beforeAll(async () => {
  port = await freePort();
  uiPort = await freePort();
  await startTemporal();
  stack = await startStack({ worker: false, consoleTelephone: true, consoleSecondMs: CALL_SECOND_MS, log: api.log, temporalAddress: `127.0.0.1:${port}` });
  apiPort = Number(new URL(await stack.listen()).port);
});
afterAll(async () => {
  await killWorkerProcesses();
  await stack?.stop();
  await temporal?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the Temporal server killed and started again on its database', () => {
  it('loses nothing and sends nothing twice', async () => {
    const worker = await startWorkerProcess(stack, apiPort);
    const { journeys, lastDueAt } = await startJourneys(stack);
    await temporal!.kill();
    const health = await stack.app.request('/healthz');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ temporal: 'unavailable' });

    await startTemporal();
    await expectJourneysSettled(journeys, lastDueAt);
    await expectEachSendOnce(stack, worker.output() + api.output());
  }, 600_000);
});
