/**
 * `npm start` stops when told to, even with a staff move stuck in an activity: the activity's row is
 * locked from outside, so `recordTicketState` blocks; a signal must still end the process within 10 s
 * and leave no PostgreSQL or Temporal server process behind. And it starts beside another Temporal
 * that holds the usual ports (a second checkout on the machine).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_CLINIC_NUMBER } from '../../src/config.js';
import { freePort } from '../support/freePort.js';

const TOKEN = 'stop-test-api-token-0123456789';
const STOP_LIMIT_MS = 10_000;

/** Every process below `root` (children, grandchildren, …), read from /proc. */
function descendantsOf(root: number): { pid: number; cmdline: string }[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: { pid: number; cmdline: string }[] = [];
  const isBelow = (pid: number): boolean => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p)) if (p === root) return true;
    return false;
  };
  for (const pid of parentOf.keys()) {
    if (!isBelow(pid)) continue;
    try {
      found.push({ pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ') });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Alive = exists and is not a zombie waiting to be reaped. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

interface Started {
  child: ChildProcess;
  output: () => string;
  base: string;
  databaseUrl: string;
  exited: Promise<number | null>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(command: string, args: string[]): Promise<Started> {
  const dataDir = path.resolve(`.data/stop-test-${process.pid}-${randomBytes(3).toString('hex')}`);
  const port = await freePort();
  const child = spawn(command, args, {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), ADMIN_API_TOKEN: TOKEN, ADMIN_PASSWORD: 'stop-test-password', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(() => {
    // Whatever happened in the test, leave nothing running.
    for (const { pid } of descendantsOf(child.pid!)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    // As root in a clone the postgres user cannot enter, the cluster is kept under /var/lib/frontdesk.
    const clusterDir = /cluster in (\S+) /.exec(text)?.[1];
    if (clusterDir !== undefined && !clusterDir.startsWith(dataDir + path.sep)) rmSync(path.dirname(clusterDir), { recursive: true, force: true });
  });
  await vi.waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`npm start exited early:\n${text}`);
      expect(text).toContain('Press Ctrl-C to stop.');
    },
    { timeout: 90_000, interval: 200 },
  );
  const [, address, passwordFile] = /Database: +PostgreSQL on (\S+), .*\(password in (.+)\)/.exec(text)!;
  const password = readFileSync(passwordFile!, 'utf8').trim();
  return { child, output: () => text, base: `http://127.0.0.1:${port}`, databaseUrl: `postgres://postgres:${password}@${address}/frontdesk`, exited };
}

/** A patient joins, the test locks the ticket row, staff call the patient: the write blocks. */
async function makeActivityStuck(started: Started): Promise<void> {
  const phone = `+1312555${String(1000 + Math.floor(Math.random() * 8999))}`;
  const db = postgres(started.databaseUrl, { max: 2, onnotice: () => {} });
  cleanups.push(() => db.end({ timeout: 0 }).catch(() => {}));
  const join = await fetch(`${started.base}/webhooks/twilio/sms`, {
    method: 'POST',
    body: new URLSearchParams({ From: phone, To: DEMO_CLINIC_NUMBER, Body: 'JOIN', MessageSid: `SM${randomBytes(16).toString('hex')}` }),
  });
  expect(join.status).toBe(200);
  // The first JOIN after a start may be answered late (through the API) while the worker warms up.
  let code: string | undefined;
  await vi.waitFor(
    async () => {
      [{ code } = { code: undefined }] = await db<{ code: string }[]>`select code from tickets where phone = ${phone}`;
      expect(code).toBeDefined();
    },
    { timeout: 30_000, interval: 200 },
  );
  let locked!: () => void;
  const lockTaken = new Promise<void>((resolve) => (locked = resolve));
  // Held until PostgreSQL goes away: the transaction never commits.
  void db
    .begin(async (tx) => {
      await tx`select 1 from tickets where code = ${code!} for update`;
      locked();
      await new Promise(() => {});
    })
    .catch(() => {});
  await lockTaken;

  void fetch(`${started.base}/api/tickets/${code}/state`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ state: 'next' }),
  }).catch(() => {});
  await expect.poll(async () => (await db`select count(*)::int as n from pg_locks where not granted`)[0]!.n, { timeout: 20_000 }).toBeGreaterThan(0);
}

async function expectStopsWithoutOrphans(started: Started, signalled: number, signal: NodeJS.Signals): Promise<void> {
  const before = descendantsOf(started.child.pid!);
  cleanups.push(() => {
    for (const { pid } of before.filter((p) => isAlive(p.pid))) process.kill(pid, 'SIGKILL');
  });
  const servers = before.filter((p) => /\bpostgres\b.* -D |temporal server start-dev/.test(p.cmdline));
  expect(
    servers.filter((p) => p.cmdline.includes('start-dev')),
    'a Temporal server is running',
  ).toHaveLength(1);
  expect(servers.filter((p) => p.cmdline.includes(' -D ')).length, 'a PostgreSQL server is running').toBeGreaterThanOrEqual(1);

  const sent = Date.now();
  process.kill(signalled, signal);
  const stopped = await Promise.race([started.exited.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), STOP_LIMIT_MS))]);
  expect(stopped, `stopped within ${STOP_LIMIT_MS} ms of ${signal}; output:\n${started.output()}`).toBe(true);
  expect(Date.now() - sent).toBeLessThan(STOP_LIMIT_MS);
  // Nothing it started lives on: not the servers, not PostgreSQL's sessions.
  expect(
    before.filter((p) => isAlive(p.pid)).map((p) => p.cmdline),
    started.output(),
  ).toEqual([]);
}

describe('stopping npm start with an activity stuck on a locked row', () => {
  it('SIGTERM to the node process stops PostgreSQL and Temporal within 10 s', async () => {
    const started = await start(path.resolve('node_modules/.bin/tsx'), ['src/start.ts']);
    await makeActivityStuck(started);
    // tsx runs src/start.ts in a node process of its own: signal that one, as a process manager would.
    const node = descendantsOf(started.child.pid!).find((p) => p.cmdline.includes('src/start.ts'));
    expect(node).toBeDefined();
    await expectStopsWithoutOrphans(started, node!.pid, 'SIGTERM');
  }, 150_000);

  it('SIGINT to npm stops everything within 10 s', async () => {
    const started = await start('npm', ['start', '--silent']);
    await makeActivityStuck(started);
    await expectStopsWithoutOrphans(started, started.child.pid!, 'SIGINT');
  }, 150_000);

  it('a second signal stops at once', async () => {
    const started = await start(path.resolve('node_modules/.bin/tsx'), ['src/start.ts']);
    await makeActivityStuck(started);
    const node = descendantsOf(started.child.pid!).find((p) => p.cmdline.includes('src/start.ts'))!;
    process.kill(node.pid, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expectStopsWithoutOrphans(started, node.pid, 'SIGTERM');
    expect(started.output()).toContain('second signal');
  }, 150_000);
});

/** Listens on 127.0.0.1:`port` until the test ends; a port something else already holds is taken anyway. */
async function holdPort(port: number): Promise<void> {
  const server: Server = createServer();
  const held = await new Promise<boolean>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (held) cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
}

describe('npm start beside another Temporal', () => {
  it('moves to free ports when 7233 and 8233 are taken, says so in the banner, and serves', async () => {
    await holdPort(7233);
    await holdPort(8233);
    const started = await start(path.resolve('node_modules/.bin/tsx'), ['src/start.ts']);
    const [, uiUrl] =
      /Temporal UI: +(http:\/\/\S+) \(gRPC port 7233 was taken, using \d+; Web UI port 8233 was taken, using \d+; gRPC at \S+\)/.exec(started.output()) ?? [];
    expect(uiUrl, started.output()).toMatch(/^http:\/\/[^:]+:\d+$/);
    expect(uiUrl).not.toMatch(/:8233$/);
    expect((await fetch(`${started.base}/healthz`)).status).toBe(200);
    // The codec lets the moved UI's origin call it (CORS), as it would the usual one.
    const preflight = await fetch(`${started.base}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: new URL(uiUrl!).origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(new URL(uiUrl!).origin);
  }, 150_000);
});
