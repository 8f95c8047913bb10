/**
 * Where the Temporal server binaries live on this machine: an explicit path from the environment,
 * then the binary on PATH, then the pinned project-local install made by
 * `node scripts/ensure-tools.mjs temporal` (`.tools/temporal/bin`), else none (the SDK may download).
 *
 * This module reads `process.env` (TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH, PATH) directly: an
 * accepted exception to "only config.ts reads the environment", because these are locations of
 * developer tools, not settings of the application.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, found from this file's place at src/embedded/binaries.ts. */
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const localBin = path.join(repoRoot, '.tools', 'temporal', 'bin');

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    // An empty PATH entry means the current folder; resolving a server binary from there would
    // depend on where the command was started, so skip it.
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return path.resolve(candidate);
  }
  return undefined;
}

function resolveBinary(envVar: string, name: string): string | undefined {
  const explicit = process.env[envVar]?.trim();
  if (explicit) {
    if (!isExecutableFile(explicit)) {
      throw new Error(`${envVar}=${explicit} is not an executable file; fix or unset ${envVar}`);
    }
    return path.resolve(explicit);
  }
  const local = path.join(localBin, name);
  return findOnPath(name) ?? (isExecutableFile(local) ? local : undefined);
}

/**
 * Absolute path of the Temporal CLI (`temporal`, which runs `server start-dev`) from
 * TEMPORAL_CLI_PATH, PATH or `<repo>/.tools/temporal/bin/temporal`; undefined if none is found.
 * Throws an Error naming TEMPORAL_CLI_PATH if it is set but not an executable file.
 */
export function resolveTemporalCli(): string | undefined {
  return resolveBinary('TEMPORAL_CLI_PATH', 'temporal');
}

/**
 * Absolute path of the time-skipping test server (`temporal-test-server <port>`) from
 * TEMPORAL_TEST_SERVER_PATH, PATH or `<repo>/.tools/temporal/bin/temporal-test-server`; undefined if
 * none is found. Throws an Error naming TEMPORAL_TEST_SERVER_PATH if it is set but not an executable file.
 */
export function resolveTemporalTestServer(): string | undefined {
  return resolveBinary('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server');
}
