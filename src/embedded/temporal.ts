/**
 * An embedded Temporal development server (`temporal server start-dev`, with its Web UI) for running
 * Frontdesk without a Temporal cluster: state persists in `<dataDir>/temporal.sqlite`, and it listens
 * on 127.0.0.1 only. Registers no process-wide handlers: the caller stops it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Connection } from '@temporalio/client';
import { resolveTemporalCli } from './binaries.js';
import { ensureSearchAttributes, type SearchAttributeTypeName } from '../temporal/searchAttributes.js';

const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 100;
const STOP_GRACE_MS = 10_000;
const LOG_TAIL_LINES = 30;

/** Types a custom search attribute can be registered with here (the CLI's spelling). */
export type DevServerSearchAttributeType = SearchAttributeTypeName;

// temporal.api.enums.v1.IndexedValueType wire numbers, as the operator service reports them.
/** A running dev server: `address` is host:port for gRPC clients, `uiUrl` the Web UI's http URL. */
export interface TemporalDevServer {
  address: string;
  uiUrl: string;
  /** Sends SIGTERM, then SIGKILL after 10 s, and resolves once the process has exited; safe to call twice. */
  stop(): Promise<void>;
}

async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`cannot start the Temporal dev server: ${what} port 127.0.0.1:${port} is already in use (is a previous instance still running?)`)
          : err,
      );
    });
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
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
 * Starts `temporal server start-dev` on 127.0.0.1:`port` (default 7233, Web UI on `uiPort`, default
 * 8233) with `namespace` and the given search attributes registered (also in a database file from an
 * earlier run), resolving once the gRPC port answers; its output goes line by line to `log`. Throws if
 * no CLI is found, a port is taken, the server exits or is not listening within 30 s (the message
 * carries its last output), or a search attribute exists with another type.
 */
export async function startTemporalDevServer(opts: {
  dataDir: string;
  port?: number;
  uiPort?: number;
  namespace: string;
  searchAttributes: Record<string, DevServerSearchAttributeType>;
  log?: (line: string) => void;
}): Promise<TemporalDevServer> {
  const cli = resolveTemporalCli();
  if (cli === undefined) {
    throw new Error(
      'no Temporal CLI found (TEMPORAL_CLI_PATH, `temporal` on PATH, .tools/temporal): ' +
        'run `node scripts/ensure-tools.mjs temporal` or set TEMPORAL_ADDRESS to use a running Temporal server',
    );
  }
  const port = opts.port ?? 7233;
  const uiPort = opts.uiPort ?? 8233;
  const log = opts.log ?? (() => {});
  await assertPortFree(port, 'gRPC');
  await assertPortFree(uiPort, 'Web UI');

  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--ui-port', String(uiPort),
    '--db-filename', path.join(dataDir, 'temporal.sqlite'),
    '--namespace', opts.namespace,
    ...Object.entries(opts.searchAttributes).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
    '--log-level', 'warn',
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
  return { address, uiUrl: `http://127.0.0.1:${uiPort}`, stop };
}
