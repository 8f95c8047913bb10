/**
 * Load at a fixed concurrency: `total` operations, at most `concurrency` in flight (each runner takes
 * the next index when its operation settles, a bounded loop rather than an open-loop rate). Each
 * operation's time is measured with the monotonic clock; a thrown error counts as an error.
 */
import { cpuPerOperation } from './processCpu.js';

/** Latency percentiles (ms), throughput (operations per second of wall time) and errors of one load. */
export interface LoadResult {
  total: number;
  concurrency: number;
  ok: number;
  errors: number;
  /** Up to 5 distinct error messages, for the report. */
  errorSamples: string[];
  wallMs: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** CPU ms per operation in each process of the stack over the load's wall time (when it was sampled). */
  cpuMsPerOperation?: Record<string, number>;
}

/** The `q`-quantile (0–1) of sorted `values` by the nearest-rank method; NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Reads the stack's CPU times (processCpu.ts): CPU ms per process since it started. */
let cpuSampler: (() => Record<string, number>) | undefined;

/** Makes every later load also report the CPU each process spent per operation, read with `sample`. */
export function sampleCpuWith(sample: () => Record<string, number>): void {
  cpuSampler = sample;
}

/**
 * Runs `op(i)` for i = 0 … total − 1 with `concurrency` in flight. `op` throws (or rejects) to count
 * an error; its time counts either way. The CPU per operation covers the load's wall time: work a
 * load leaves behind (a text sent after the reply) counts where it runs, mostly in the same load.
 */
export async function runLoad(total: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<LoadResult> {
  const times: number[] = [];
  const errorSamples = new Set<string>();
  let errors = 0;
  let next = 0;
  const cpuBefore = cpuSampler?.();
  const started = performance.now();
  const runner = async () => {
    for (let i = next++; i < total; i = next++) {
      const t0 = performance.now();
      try {
        await op(i);
      } catch (error) {
        errors += 1;
        if (errorSamples.size < 5) errorSamples.add(error instanceof Error ? error.message : String(error));
      }
      times.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, runner));
  const result = summarise(times, { concurrency, errors, errorSamples: [...errorSamples], wallMs: performance.now() - started });
  return cpuBefore === undefined ? result : { ...result, cpuMsPerOperation: cpuPerOperation(cpuBefore, cpuSampler!(), total) };
}

/** The result of operations timed elsewhere (`times` in ms, in any order), e.g. several rounds of one load taken together. */
export function summarise(times: readonly number[], run: { concurrency: number; errors: number; errorSamples: string[]; wallMs: number }): LoadResult {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    total: sorted.length,
    concurrency: run.concurrency,
    ok: sorted.length - run.errors,
    errors: run.errors,
    errorSamples: run.errorSamples.slice(0, 5),
    wallMs: run.wallMs,
    perSecond: (sorted.length / run.wallMs) * 1000,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}
