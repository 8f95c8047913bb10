/**
 * The benchmark's report: each measured load beside its floor (measured in the same run, on the same
 * stack) with the ratios, the issue's goals met or not, the checks of what the load produced, and the
 * processes' memory. Printed as a table and written as JSON and Markdown.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import type { LoadResult } from './load.js';

/** What a load is compared with: one floor, or a Temporal floor plus the HTTP floor (latencies add up). */
export interface FloorRef {
  label: string;
  p50: number;
  p99: number;
  /** Throughput the load is held to: the slowest part's. */
  perSecond: number;
}

/** One measured load. */
export interface Row {
  scenario: string;
  what: string;
  load: LoadResult;
  floor?: FloorRef;
  goal?: { text: string; met: boolean };
}

/** A fact the load must have produced (exactly 1,000 tickets, every chain running, …). */
export interface Check {
  scenario: string;
  what: string;
  ok: boolean;
  detail: string;
}

/** Adds two floors measured at the same concurrency: latencies add, throughput is `throughputOf`'s. */
export function plus(a: { label: string; load: LoadResult }, b: { label: string; load: LoadResult }, throughputOf: LoadResult = a.load): FloorRef {
  return { label: `${a.label} + ${b.label}`, p50: a.load.p50 + b.load.p50, p99: a.load.p99 + b.load.p99, perSecond: throughputOf.perSecond };
}

/** A single floor as a reference. */
export function floorRef(f: { label: string; load: LoadResult }): FloorRef {
  return { label: f.label, p50: f.load.p50, p99: f.load.p99, perSecond: f.load.perSecond };
}

const ms = (v: number) => (Number.isNaN(v) ? '–' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const ratio = (a: number, b: number) => (b > 0 && !Number.isNaN(a) ? `${(a / b).toFixed(2)}×` : '–');

/** Collects rows, checks and facts, and writes them out. */
export class Report {
  readonly rows: Row[] = [];
  readonly checks: Check[] = [];
  /** Named figures that are not loads: memory, counts, times (value with its unit). */
  readonly facts: { scenario: string; what: string; value: string }[] = [];
  readonly startedAt = new Date();

  constructor(readonly settings: Record<string, unknown>) {}

  row(row: Row): void {
    this.rows.push(row);
    console.log(
      `  ${row.scenario}: ${row.what}: p50 ${ms(row.load.p50)} ms, p99 ${ms(row.load.p99)} ms, ${row.load.perSecond.toFixed(1)}/s, ${row.load.errors} errors`,
    );
    for (const sample of row.load.errorSamples) console.log(`    error: ${sample}`);
  }

  check(scenario: string, what: string, ok: boolean, detail: string): void {
    this.checks.push({ scenario, what, ok, detail });
    console.log(`  ${scenario}: ${ok ? 'ok' : 'FAILED'}: ${what} (${detail})`);
  }

  fact(scenario: string, what: string, value: string): void {
    this.facts.push({ scenario, what, value });
    console.log(`  ${scenario}: ${what}: ${value}`);
  }

  private table(): string[][] {
    const header = [
      'scenario',
      'n @ conc.',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      '/s',
      'errors',
      'floor (same run)',
      'floor p50',
      'floor p99',
      'floor /s',
      '× p50',
      '× p99',
      '× /s',
      'goal',
    ];
    const body = this.rows.map((r) => [
      `${r.scenario}: ${r.what}`,
      `${r.load.total} @ ${r.load.concurrency}`,
      ms(r.load.p50),
      ms(r.load.p95),
      ms(r.load.p99),
      r.load.perSecond.toFixed(1),
      String(r.load.errors),
      r.floor?.label ?? '(a floor)',
      r.floor === undefined ? '' : ms(r.floor.p50),
      r.floor === undefined ? '' : ms(r.floor.p99),
      r.floor === undefined ? '' : r.floor.perSecond.toFixed(1),
      r.floor === undefined ? '' : ratio(r.load.p50, r.floor.p50),
      r.floor === undefined ? '' : ratio(r.load.p99, r.floor.p99),
      r.floor === undefined ? '' : ratio(r.load.perSecond, r.floor.perSecond),
      r.goal === undefined ? '' : `${r.goal.met ? 'met' : 'NOT MET'}: ${r.goal.text}`,
    ]);
    return [header, ...body];
  }

  private machine(): string {
    const [one, five] = loadavg();
    return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average at the end ${one!.toFixed(2)} (1 min), ${five!.toFixed(2)} (5 min)`;
  }

  /** CPU ms per operation in each process, for the rows that sampled it (where an operation's time goes). */
  private cpuTable(): string[][] {
    const sampled = this.rows.filter((r) => r.load.cpuMsPerOperation !== undefined);
    if (sampled.length === 0) return [];
    const processes = Object.keys(sampled[0]!.load.cpuMsPerOperation!);
    const header = ['CPU ms per operation', 'n @ conc.', ...processes, 'all'];
    const body = sampled.map((r) => {
      const cpu = r.load.cpuMsPerOperation!;
      return [
        `${r.scenario}: ${r.what}`,
        `${r.load.total} @ ${r.load.concurrency}`,
        ...processes.map((p) => ms(cpu[p] ?? Number.NaN)),
        ms(Object.values(cpu).reduce((a, b) => a + b, 0)),
      ];
    });
    return [header, ...body];
  }

  /** The table as aligned text for the terminal. */
  text(): string {
    const aligned = (rows: string[][], leftColumns: number[]) => {
      if (rows.length === 0) return [];
      const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
      return [...rows.map((r) => r.map((cell, c) => (leftColumns.includes(c) ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')), ''];
    };
    return [
      `Frontdesk benchmark, ${this.startedAt.toISOString()}, ${this.machine()}`,
      '',
      ...aligned(this.table(), [0, 7, 14]),
      ...aligned(this.cpuTable(), [0]),
      ...this.checks.map((c) => `${c.ok ? 'ok    ' : 'FAILED'} ${c.scenario}: ${c.what} (${c.detail})`),
      '',
      ...this.facts.map((f) => `${f.scenario}: ${f.what}: ${f.value}`),
    ].join('\n');
  }

  /** The same as Markdown. */
  markdown(): string {
    const md = (r: string[]) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
    const table = (rows: string[][]) => (rows.length === 0 ? [] : [md(rows[0]!), md(rows[0]!.map(() => '---')), ...rows.slice(1).map(md), '']);
    return [
      `### Frontdesk benchmark, ${this.startedAt.toISOString()}`,
      '',
      `Machine: ${this.machine()}. Settings: \`${JSON.stringify(this.settings)}\`.`,
      '',
      ...table(this.table()),
      ...table(this.cpuTable()),
      ...this.checks.map((c) => `- ${c.ok ? 'ok' : '**FAILED**'} ${c.scenario}: ${c.what} (${c.detail})`),
      '',
      ...this.facts.map((f) => `- ${f.scenario}: ${f.what}: ${f.value}`),
      '',
    ].join('\n');
  }

  /** Writes `<dir>/bench-<time>.json` and `.md` (and `latest.*`); returns the Markdown file's path. */
  write(dir: string): string {
    mkdirSync(dir, { recursive: true });
    const stamp = this.startedAt.toISOString().replace(/[:.]/g, '-');
    const json = JSON.stringify(
      { startedAt: this.startedAt, machine: this.machine(), settings: this.settings, rows: this.rows, checks: this.checks, facts: this.facts },
      null,
      2,
    );
    for (const name of [`bench-${stamp}`, 'latest']) {
      writeFileSync(path.join(dir, `${name}.json`), json);
      writeFileSync(path.join(dir, `${name}.md`), this.markdown());
    }
    return path.join(dir, `bench-${stamp}.md`);
  }
}
