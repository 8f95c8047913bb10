/**
 * The worker process is killed (SIGKILL, no shutdown) while patients' journeys are in flight: a
 * ticket waiting, a ticket called to the desk, an appointment chain asleep until its reminder, a
 * reminder call answered and waiting on the keypad. A new worker process starts: every reminder and
 * expiry still happens once, no text or call goes out twice, nothing is lost.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startStack, type Stack } from '../support/stack.js';
import { killWorkerProcesses, startWorkerProcess } from '../support/workerProcess.js';
import { CALL_SECOND_MS, expectEachSendOnce, expectJourneysSettled, keptLog, startJourneys } from './journeysInFlight.js';

const api = keptLog();
let stack: Stack;
let apiPort: number;
beforeAll(async () => {
  stack = await startStack({ worker: false, consoleTelephone: true, consoleSecondMs: CALL_SECOND_MS, log: api.log });
  apiPort = Number(new URL(await stack.listen()).port);
});
afterAll(async () => {
  await killWorkerProcesses();
  await stack?.stop();
});

describe('a worker killed with SIGKILL', () => {
  it('loses nothing and sends nothing twice once a new worker runs', async () => {
    const first = await startWorkerProcess(stack, apiPort);
    const { journeys, lastDueAt } = await startJourneys(stack);
    await first.kill('SIGKILL');

    const second = await startWorkerProcess(stack, apiPort);
    await expectJourneysSettled(journeys, lastDueAt);
    await expectEachSendOnce(stack, first.output() + api.output() + second.output());
  }, 600_000);
});
