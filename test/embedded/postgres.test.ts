/**
 * The embedded PostgreSQL works from a clone the `postgres` OS user cannot enter (as root, under a
 * mode-700 folder such as /root): the cluster goes to /var/lib/frontdesk/<key>, and a restart finds
 * the same cluster again; binaries installed under such a folder are run from a reachable copy.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_STATE_DIR, startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../src/embedded/postgres.js';
import { installedPostgresPackage, reachablePostgresBinaries } from '../../src/embedded/postgresBinaries.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function query<T>(server: EmbeddedPostgresServer, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(server.url, { max: 1, onnotice: () => {} });
  try {
    return await run(sql);
  } finally {
    await sql.end();
  }
}

describe('the embedded PostgreSQL in a clone under a mode-700 folder', () => {
  it.runIf(process.getuid?.() === 0)(
    'starts, answers queries and keeps its data across a restart',
    async () => {
      mkdirSync('.data', { recursive: true });
      const locked = mkdtempSync(path.resolve('.data/locked-'));
      chmodSync(locked, 0o700);
      const dataDir = path.join(locked, 'data');
      cleanups.push(() => rmSync(locked, { recursive: true, force: true }));

      const first = await startEmbeddedPostgres({ dataDir });
      cleanups.push(async () => {
        await first.stop();
        rmSync(path.dirname(first.clusterDir), { recursive: true, force: true });
      });
      expect(first.clusterDir.startsWith(`${SYSTEM_STATE_DIR}/`)).toBe(true);
      await query(first, (sql) => sql`create table visit (patient text)`.then(() => sql`insert into visit values ('Ada')`));
      await first.stop();

      const second = await startEmbeddedPostgres({ dataDir });
      cleanups.push(() => second.stop());
      expect(second.clusterDir).toBe(first.clusterDir);
      expect(await query(second, (sql) => sql<{ patient: string }[]>`select patient from visit`)).toEqual([{ patient: 'Ada' }]);
    },
    60_000,
  );
});

describe('PostgreSQL binaries installed under a mode-700 folder', () => {
  const asPostgres = () => ({ uid: Number(execFileSync('id', ['-u', 'postgres'])), gid: Number(execFileSync('id', ['-g', 'postgres'])) });
  const version = (program: string) => execFileSync(program, ['--version'], { ...asPostgres(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it.runIf(process.getuid?.() === 0)('are copied once to a folder the postgres user can run them from', () => {
    mkdirSync('.data', { recursive: true });
    const locked = mkdtempSync(path.resolve('.data/locked-bin-'));
    chmodSync(locked, 0o700);
    cleanups.push(() => rmSync(locked, { recursive: true, force: true }));
    const installed = installedPostgresPackage();
    const pkg = { ...installed, version: `test-${path.basename(locked)}`, nativeDir: path.join(locked, 'native') };
    cpSync(installed.nativeDir, pkg.nativeDir, { recursive: true, verbatimSymlinks: true });
    expect(() => version(path.join(pkg.nativeDir, 'bin', 'postgres'))).toThrow();

    const binaries = reachablePostgresBinaries(pkg, true, SYSTEM_STATE_DIR);
    cleanups.push(() => rmSync(path.dirname(binaries.nativeDir), { recursive: true, force: true }));
    expect(binaries.nativeDir.startsWith(`${SYSTEM_STATE_DIR}/postgres-test-`)).toBe(true);
    expect(version(binaries.postgres)).toMatch(/^postgres \(PostgreSQL\) \d+/);
    expect(version(binaries.initdb)).toMatch(/^initdb \(PostgreSQL\) \d+/);
    expect(reachablePostgresBinaries(pkg, true, SYSTEM_STATE_DIR)).toEqual(binaries);
  });

  it('are run in place when they are reachable', () => {
    const installed = installedPostgresPackage();
    expect(reachablePostgresBinaries(installed, false, SYSTEM_STATE_DIR).nativeDir).toBe(installed.nativeDir);
  });
});
