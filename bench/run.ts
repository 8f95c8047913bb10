/**
 * `npm run bench`: starts the real stack (stack.ts), runs the scenarios (scenarios/index.ts) against
 * floors measured in the same run (floors.ts), stops everything, prints the table and writes it as
 * JSON and Markdown to BENCH_OUT_DIR (default `bench-results/`, git-ignored). Sizes: options.ts.
 */
import path from 'node:path';
import { Floors } from './floors.js';
import { sampleCpuWith } from './load.js';
import { readCpuTimes } from './processCpu.js';
import { readBenchOptions } from './options.js';
import { readProcessMemory } from './processMemory.js';
import { Report } from './report.js';
import { phoneDealer } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';
import { startBenchStack } from './stack.js';

const options = readBenchOptions();
const unknown = options.only?.filter((name) => !SCENARIOS.some((s) => s.name === name)) ?? [];
if (unknown.length > 0) throw new Error(`BENCH_SCENARIOS: no scenario ${unknown.join(', ')} (there are ${SCENARIOS.map((s) => s.name).join(', ')})`);
const chosen = SCENARIOS.filter((s) => options.only === undefined || options.only.includes(s.name));
const runDir = path.join(options.outDir, `run-${new Date().toISOString().replace(/[:.]/g, '-')}`);

console.log(`Starting the stack (logs in ${runDir})…`);
const stack = await startBenchStack({
  logDir: runDir,
  maxCachedWorkflows: options.maxCachedWorkflows,
  temporalArgs: options.temporalArgs,
  externalTemporal: options.externalTemporal,
  cpuProfile: options.cpuProfile,
  connections: Math.max(options.joinConcurrency, options.moveConcurrency, options.bookingConcurrency),
});
sampleCpuWith(() => readCpuTimes(stack.pids));
const report = new Report({ ...options, scenarios: chosen.map((s) => s.name) });
const floors = new Floors(stack, report);
// One dealer for the whole run: a number a scenario used (a ticket, an appointment) never answers another's offer.
const phones = phoneDealer();
let failed = false;
try {
  for (const scenario of chosen) {
    console.log(`\n${scenario.name}: ${scenario.description}`);
    await scenario.run({ stack, options, floors, report, phones });
  }
} catch (error) {
  failed = true;
  console.error(`\nThe benchmark stopped: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}
for (const [name, pid] of Object.entries({ temporal: stack.pids.temporal, worker: stack.pids.worker, api: stack.pids.api })) {
  const memory = readProcessMemory(pid);
  if (memory !== undefined) report.fact('processes', `${name} RSS now / peak (VmHWM)`, `${memory.rssMiB.toFixed(0)} / ${memory.peakMiB.toFixed(0)} MiB`);
}
console.log(`\n${report.text()}\n`);
console.log(`Written: ${report.write(options.outDir)} (and latest.md, latest.json)`);
const failedChecks = report.checks.filter((c) => !c.ok).length;
await stack.stop(failed || failedChecks > 0 ? 1 : 0);
