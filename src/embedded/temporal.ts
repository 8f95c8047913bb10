/**
 * An embedded Temporal development server (`temporal server start-dev`, with its Web UI) for running
 * Frontdesk without a Temporal cluster: state persists in `<dataDir>/temporal.sqlite`, and it listens
 * on 127.0.0.1 only. Registers no process-wide handlers: the caller stops it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Connection } from '@temporalio/client';
import { resolveTemporalCli } from './binaries.js';
import { ensureSearchAttributes, type SearchAttributeTypeName } from '../temporal/searchAttributes.js';

const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 100;
// Short enough that the whole of `npm start`'s shutdown fits in 10 s; the dev server stops in < 1 s.
const STOP_GRACE_MS = 3_000;
const LOG_TAIL_LINES = 30;

/** Types a custom search attribute can be registered with here (the CLI's spelling). */
export type DevServerSearchAttributeType = SearchAttributeTypeName;

// temporal.api.enums.v1.IndexedValueType wire numbers, as the operator service reports them.
/** A running dev server: `address` is host:port for gRPC clients, `uiUrl` the Web UI's http URL (on localhost). */
export interface TemporalDevServer {
  address: string;
  uiUrl: string;
  /** The server's process id (the CLI runs the server in its own process), e.g. to read its memory use. */
  pid: number;
  /** Preferred ports that were taken, with the free ones used instead (empty when none moved). */
  movedPorts: MovedPort[];
  /** Sends SIGTERM, then SIGKILL after 3 s, and resolves once the process has exited; safe to call twice. */
  stop(): Promise<void>;
  /** Sends SIGKILL at once, for a forced exit that cannot wait for `stop()`; resolves once the process has exited. */
  kill(): Promise<void>;
}

/** A port the dev server was asked for but found taken, and the free one it listens on instead. */
export interface MovedPort {
  what: 'gRPC' | 'Web UI';
  preferred: number;
  actual: number;
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => {
      const { port: bound } = probe.address() as AddressInfo;
      probe.close(() => resolve(bound));
    });
  });
}

// A second `npm start` on the same machine (another checkout) finds 7233/8233 taken: move to a free
// port rather than fail, and report it so the banner can say so.
async function choosePort(preferred: number, what: MovedPort['what'], moved: MovedPort[]): Promise<number> {
  try {
    return await listenOnce(preferred);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    const actual = await listenOnce(0);
    moved.push({ what, preferred, actual });
    return actual;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Starts `temporal server start-dev` on 127.0.0.1:`port` (preferred gRPC port, default 7233; Web UI
 * on `uiPort`, default 8233; a taken preferred port is replaced by a free one and listed in
 * `movedPorts`) with `namespace` and the given search attributes registered (also in a database file
 * from an earlier run), resolving once the gRPC port answers; its output goes line by line to `log`.
 * Throws if no CLI is found, the server exits or is not listening within 30 s (the message carries its
 * last output), or a search attribute exists with another type.
 */
export async function startTemporalDevServer(opts: {
  dataDir: string;
  port?: number;
  uiPort?: number;
  namespace: string;
  searchAttributes: Record<string, DevServerSearchAttributeType>;
  /** Remote codec endpoint the Web UI decodes payloads with (`--ui-codec-endpoint`), e.g. `http://localhost:3000/codec`. */
  codecEndpoint?: string;
  log?: (line: string) => void;
  /** Aborting it while the server starts stops the server and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** More `start-dev` flags, e.g. `['--sqlite-pragma', 'synchronous=normal']` (the benchmark tries such changes). */
  extraArgs?: readonly string[];
}): Promise<TemporalDevServer> {
  const cli = resolveTemporalCli();
  if (cli === undefined) {
    throw new Error(
      'no Temporal CLI found (TEMPORAL_CLI_PATH, `temporal` on PATH, .tools/temporal): ' +
        'run `node scripts/ensure-tools.mjs temporal` or set TEMPORAL_ADDRESS to use a running Temporal server',
    );
  }
  const log = opts.log ?? (() => undefined);
  const movedPorts: MovedPort[] = [];
  const port = await choosePort(opts.port ?? 7233, 'gRPC', movedPorts);
  const uiPort = await choosePort(opts.uiPort ?? 8233, 'Web UI', movedPorts);

  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--db-filename',
    path.join(dataDir, 'temporal.sqlite'),
    // A write-ahead log instead of the rollback journal: one fsync per commit instead of several, and
    // readers do not wait for the writer. Still durable (`synchronous=full`: each commit is on disk
    // before it is acknowledged). The benchmark measured the update-with-start floor at 21.9/s with it
    // against 14.0/s without, on the same machine (README, Benchmark).
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=full',
    '--namespace',
    opts.namespace,
    ...Object.entries(opts.searchAttributes).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
    '--log-level',
    'warn',
    ...(opts.codecEndpoint === undefined ? [] : ['--ui-codec-endpoint', opts.codecEndpoint]),
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });

  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      log(line);
      tail.push(line);
      if (tail.length > LOG_TAIL_LINES) tail.shift();
    });
  }

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // 'close' comes after the output pipes are drained, so the last lines are in `tail` by then.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  const hasExited = (): boolean => child.exitCode !== null || child.signalCode !== null || spawnError !== undefined;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (hasExited()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (opts.signal?.aborted) {
      await stop();
      throw opts.signal.reason;
    }
    if (hasExited()) {
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
      const how = spawnError?.message ?? `exited with ${child.exitCode ?? child.signalCode}`;
      throw new Error(`Temporal dev server (${cli}) ${how} before listening on 127.0.0.1:${port}:\n${tail.join('\n')}`);
    }
    if (await accepts(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Temporal dev server was not listening on 127.0.0.1:${port} after ${READY_TIMEOUT_MS / 1000} s:\n${tail.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }

  const address = `127.0.0.1:${port}`;
  try {
    // start-dev writes --search-attribute only into namespaces it creates, so a database file from an
    // earlier run lacks attributes added since.
    const connection = await Connection.connect({ address });
    try {
      await ensureSearchAttributes(connection, opts.namespace, opts.searchAttributes);
    } finally {
      await connection.close();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const kill = async (): Promise<void> => {
    if (hasExited()) return;
    child.kill('SIGKILL');
    await exited;
  };
  // localhost (not 127.0.0.1): the same site as the API on http://localhost, so the UI's calls to the
  // codec endpoint carry the staff cookie (SameSite=Strict).
  return { address, uiUrl: `http://localhost:${uiPort}`, pid: child.pid!, movedPorts, stop, kill };
}
