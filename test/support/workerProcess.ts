/**
 * `npm run worker` as a process of its own (`node --import tsx src/worker/main.ts`, one process, so a
 * SIGKILL kills the whole worker), on a stack's Postgres, Temporal and task queue, with the console
 * provider: its texts go to the message log, and its console telephone rings through the stack's
 * app served on `apiPort` (signed over PUBLIC_BASE_URL with the stack's auth token), as a separate
 * worker of `npm start` would. Every process started here is killed by `killWorkerProcesses()` and,
 * failing that, when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Stack } from './stack.js';
import { TEST_PAYLOAD_KEYS_TEXT } from './payloadKeys.js';
import { PUBLIC_BASE_URL } from './twilioWebhooks.js';

/** A running worker process. */
export interface WorkerProcess {
  pid: number;
  /** Everything it printed so far (pino JSON lines). */
  output(): string;
  /** Sends `signal` and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Bundling the workflows takes a while on a loaded machine. */
const START_TIMEOUT_MS = 90_000;

const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of started) child.kill('SIGKILL');
});

/**
 * Starts a worker process for `stack` and resolves once it polls the task queue (its `worker polling`
 * log line), up to 90 s.
 * @throws Error with its output when it exits or is not polling by then (the process is killed).
 */
export async function startWorkerProcess(stack: Stack, apiPort: number): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      PAYLOAD_ENCRYPTION_KEY: TEST_PAYLOAD_KEYS_TEXT,
      TWILIO_AUTH_TOKEN: stack.twilioAuthToken,
      PUBLIC_BASE_URL,
      PORT: String(apiPort),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      started.delete(child);
      resolve();
    }),
  );
  const worker: WorkerProcess = {
    pid: child.pid!,
    output: () => text,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  const polling = new Promise<boolean>((resolve) => {
    const look = () => {
      if (!text.includes('"worker polling"')) return;
      child.stdout.off('data', look);
      resolve(true);
    };
    child.stdout.on('data', look);
    void exited.then(() => resolve(false));
  });
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([polling, new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), START_TIMEOUT_MS)))]);
  clearTimeout(timer);
  if (outcome !== true) {
    await worker.kill('SIGKILL');
    throw new Error(`the worker process ${outcome === 'late' ? `was not polling after ${START_TIMEOUT_MS / 1000} s` : 'exited before polling'}:\n${text}`);
  }
  return worker;
}

/** Kills (SIGKILL) every worker process still running, and waits for them to exit. */
export async function killWorkerProcesses(): Promise<void> {
  await Promise.all(
    [...started].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
