/**
 * What a benchmark scenario is and what it gets: the stack, the options, the floors and the report.
 * Scenarios run in the order of `SCENARIOS` (scenarios/index.ts); `BENCH_SCENARIOS` picks some.
 */
import type { Floors } from './floors.js';
import type { BenchOptions } from './options.js';
import { benchPhone } from './phones.js';
import type { Report } from './report.js';
import type { BenchStack } from './stack.js';

/** Everything a scenario uses. `phones(n)` hands out n numbers no other scenario of the run uses. */
export interface BenchContext {
  stack: BenchStack;
  options: BenchOptions;
  floors: Floors;
  report: Report;
  phones: (n: number) => string[];
}

/** One scenario: a name for BENCH_SCENARIOS and what it measures. */
export interface Scenario {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<void>;
}

/** Makes the context's phone dealer: consecutive benchmark numbers, never one twice. */
export function phoneDealer(): (n: number) => string[] {
  let next = 0;
  return (n) => Array.from({ length: n }, () => benchPhone(next++));
}

/** Waits until `check` returns true, polling every `everyMs`; returns the ms waited, or throws after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
