/**
 * Shutdown for a process that owns servers (`npm start`): on SIGINT, SIGTERM or SIGHUP the registered
 * steps run last-added-first, each bounded by its own time limit, the whole bounded by a deadline; past
 * the deadline, or on a second signal, the `force` callbacks run (kill the servers) and the process
 * exits 1. So a stuck activity, query or HTTP client can delay stopping by seconds, never forever, and
 * never leaves the servers running behind the process.
 */

/** One step of shutdown: `run` is abandoned (logged, not awaited) after `limitMs` milliseconds. */
export interface ShutdownStep {
  name: string;
  limitMs: number;
  run: () => Promise<unknown>;
}

/** The process's shutdown, made once by `createShutdown`. */
export interface Shutdown {
  /** Registers a step; added while stopping, it runs at once. `force`, if given, runs on a forced exit and resolves once done. */
  add(step: ShutdownStep, force?: () => Promise<unknown>): void;
  /** Runs the steps (once; a later call waits for the first) and exits with `code`. */
  stop(code: number): Promise<never>;
  /** True once `stop` has been called. */
  readonly stopping: boolean;
  /** Aborted when `stop` is first called: start-up work still under way gives up (and cleans up) on it. */
  readonly signal: AbortSignal;
  /**
   * Start-up work that may still be registering steps when a signal comes: `stop` waits for it to
   * settle (it should watch `signal`) before running the steps, so nothing it starts is left behind.
   */
  track(startup: Promise<unknown>): void;
  /**
   * Installs the process handlers: the first SIGINT / SIGTERM / SIGHUP stops, a second one forces; an
   * uncaught error stops with code 1 (while stopping, it is only logged); and on any exit the `force`
   * callbacks' signals are sent, so the servers never outlive the process.
   */
  handleSignals(): void;
}

/** Milliseconds a forced exit waits for the killed servers to be gone before exiting. */
const FORCE_WAIT_MS = 1_000;

function within(ms: number, work: Promise<unknown>): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([work.then(() => 'done' as const), timeout]).finally(() => clearTimeout(timer));
}

/**
 * Makes the shutdown. `deadlineMs`: time from the first signal (or `stop` call) to a forced exit.
 * `log` receives one line per step that fails or runs out of time, and the reason for a forced exit.
 */
export function createShutdown(opts: { deadlineMs: number; log: (line: string) => void }): Shutdown {
  const steps: ShutdownStep[] = [];
  const forces: (() => Promise<unknown>)[] = [];
  const late: Promise<unknown>[] = [];
  let stopping: Promise<never> | undefined;
  let forcing = false;
  const aborter = new AbortController();
  const startups: Promise<unknown>[] = [];

  const runStep = async (step: ShutdownStep): Promise<void> => {
    const work = step.run().catch((error: unknown) => opts.log(`shutdown: ${step.name} failed: ${error instanceof Error ? error.message : String(error)}`));
    if ((await within(step.limitMs, work)) === 'timeout') {
      opts.log(`shutdown: ${step.name} did not finish within ${step.limitMs} ms; going on`);
    }
  };

  const force = async (why: string): Promise<never> => {
    if (!forcing) {
      forcing = true;
      opts.log(`shutdown: ${why}; stopping the servers by force`);
      const killed = forces
        .reverse()
        .map((kill) => kill().catch((error: unknown) => opts.log(`shutdown: forced stop failed: ${error instanceof Error ? error.message : String(error)}`)));
      await within(FORCE_WAIT_MS, Promise.all(killed));
    }
    process.exit(1);
  };

  const stop = (code: number): Promise<never> => {
    stopping ??= (async () => {
      const deadline = setTimeout(() => void force(`not stopped within ${opts.deadlineMs} ms`), opts.deadlineMs);
      aborter.abort(new Error('stopping'));
      await Promise.allSettled(startups);
      for (const step of steps.reverse()) {
        const running = runStep(step);
        late.push(running);
        await running;
      }
      await Promise.all(late);
      clearTimeout(deadline);
      process.exit(code);
    })();
    return stopping;
  };

  return {
    add(step, kill) {
      if (kill !== undefined) forces.push(kill);
      if (stopping === undefined) steps.push(step);
      else late.push(runStep(step));
    },
    stop,
    get stopping() {
      return stopping !== undefined;
    },
    signal: aborter.signal,
    track(startup) {
      startups.push(startup);
    },
    handleSignals() {
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
        process.on(signal, () => void (stopping === undefined ? stop(0) : force(`second signal (${signal})`)));
      }
      // A connection closed under a request still in flight can throw from a library's callback:
      // without these handlers Node would exit on the spot and skip stopping the servers.
      const onUncaught = (error: unknown): void => {
        opts.log(
          `${stopping === undefined ? 'uncaught error' : 'shutdown: error while stopping (ignored)'}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        if (stopping === undefined) void stop(1);
      };
      process.on('uncaughtException', onUncaught);
      process.on('unhandledRejection', onUncaught);
      // Last line of defence (process.exit from anywhere): signals are sent synchronously, and the
      // servers finish exiting on their own.
      process.on('exit', () => {
        for (const kill of forces) void kill().catch(() => undefined);
      });
    },
  };
}
