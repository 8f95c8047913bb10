/**
 * The benchmark's sizes, from the environment. Defaults are issue 12's; `BENCH_SCALE` (default 1)
 * multiplies every count for a quick run (`BENCH_SCALE=0.05 npm run bench`), and each count can be set
 * on its own. Concurrencies are not scaled: they are what the goals are stated at.
 */
import { z } from 'zod';

const count = (fallback: number) => z.coerce.number().int().min(1).default(fallback);
const ZBenchEnv = z
  .object({
    BENCH_SCALE: z.coerce.number().positive().max(10).default(1),
    BENCH_SCENARIOS: z.string().optional(),
    BENCH_JOINS: z.coerce.number().int().min(1).optional(),
    BENCH_JOIN_CONCURRENCY: count(20),
    BENCH_STATUS_TICKETS: z.coerce.number().int().min(1).optional(),
    BENCH_MOVE_CONCURRENCY: count(5),
    BENCH_BOOKINGS: z.coerce.number().int().min(1).optional(),
    BENCH_BOOKING_CONCURRENCY: count(10),
    BENCH_CHAINS: z.coerce.number().int().min(1).optional(),
    BENCH_WAVE: z.coerce.number().int().min(1).optional(),
    BENCH_OFFER_ROUNDS: count(5),
    BENCH_OUT_DIR: z.string().default('bench-results'),
    /** More flags for the Temporal dev server, space-separated (e.g. `--sqlite-pragma journal_mode=wal`). */
    BENCH_TEMPORAL_ARGS: z.string().optional(),
    /** A running Temporal frontend (`host:port`, namespace `default`) to measure on instead of starting the dev server. */
    BENCH_TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[\w.-]+:\d+$/, 'must be host:port')
      .optional(),
    /** Required with BENCH_TEMPORAL_ADDRESS: the root of the process tree that is that server (its database too, if started under it), for the CPU and memory columns. */
    BENCH_TEMPORAL_PID: z.coerce.number().int().positive().optional(),
    /** `1`: the worker and the API write V8 CPU profiles (`--cpu-prof`, one per thread) into the run's folder when they stop. */
    BENCH_CPU_PROFILE: z.enum(['0', '1'], { error: 'must be 0 or 1' }).default('0'),
    /** Passed to the worker as WORKER_MAX_CACHED_WORKFLOWS; unset: Frontdesk's default (1,000). */
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  })
  .refine((e) => e.BENCH_TEMPORAL_ADDRESS === undefined || e.BENCH_TEMPORAL_PID !== undefined, {
    error: 'must be set with BENCH_TEMPORAL_ADDRESS (the process whose tree is that server)',
    path: ['BENCH_TEMPORAL_PID'],
  });

/** What one run measures: counts of requests or workflows and the concurrency of each scenario. */
export interface BenchOptions {
  scale: number;
  /** Scenario names to run (all when undefined). */
  only: string[] | undefined;
  joins: number;
  joinConcurrency: number;
  /** Open tickets while STATUS is measured (taken from the JOIN burst's tickets). */
  statusTickets: number;
  moveConcurrency: number;
  bookings: number;
  bookingConcurrency: number;
  /** Live appointment chains in the scale scenario, the reminder wave's included. */
  chains: number;
  /** Chains of the reminder wave, all due in the same minute. */
  wave: number;
  /** Cancellations offered to 20 waitlist patients each, every one raced by 20 YES at once. */
  offerRounds: number;
  outDir: string;
  temporalArgs: string[];
  /** A running Temporal server to use instead of the embedded dev server, and its process tree's root (for CPU and memory). */
  externalTemporal: { address: string; pid: number } | undefined;
  /** The worker and the API write CPU profiles (`.cpuprofile`, for Chrome DevTools) into the run's folder. */
  cpuProfile: boolean;
  maxCachedWorkflows: number | undefined;
}

/** Reads the options; throws naming the variable when one is malformed. */
export function readBenchOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const parsed = ZBenchEnv.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid benchmark settings:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  const e = parsed.data;
  const scaled = (given: number | undefined, fallback: number) => given ?? Math.max(1, Math.round(fallback * e.BENCH_SCALE));
  const joins = scaled(e.BENCH_JOINS, 1_000);
  const chains = scaled(e.BENCH_CHAINS, 10_000);
  return {
    scale: e.BENCH_SCALE,
    only: e.BENCH_SCENARIOS?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    joins,
    joinConcurrency: e.BENCH_JOIN_CONCURRENCY,
    statusTickets: Math.min(joins, scaled(e.BENCH_STATUS_TICKETS, 500)),
    moveConcurrency: e.BENCH_MOVE_CONCURRENCY,
    bookings: scaled(e.BENCH_BOOKINGS, 1_000),
    bookingConcurrency: e.BENCH_BOOKING_CONCURRENCY,
    chains,
    wave: Math.min(chains, scaled(e.BENCH_WAVE, 1_000)),
    offerRounds: e.BENCH_OFFER_ROUNDS,
    outDir: e.BENCH_OUT_DIR,
    cpuProfile: e.BENCH_CPU_PROFILE === '1',
    temporalArgs: e.BENCH_TEMPORAL_ARGS?.split(/\s+/).filter((a) => a !== '') ?? [],
    externalTemporal: e.BENCH_TEMPORAL_ADDRESS === undefined ? undefined : { address: e.BENCH_TEMPORAL_ADDRESS, pid: e.BENCH_TEMPORAL_PID! },
    maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
  };
}
