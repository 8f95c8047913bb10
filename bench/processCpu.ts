/**
 * CPU time the stack's processes spend, from Linux's /proc/<pid>/stat (proc(5), fields 14–17): user
 * and system time of the process, of its children it has already waited for (`cutime`, `cstime`: a
 * PostgreSQL session that ended) and of its live descendants (PostgreSQL sessions, a tsx loader's
 * node process). With the load's count it says where an operation's time goes: CPU milliseconds per
 * operation in each process, on a machine whose cores every process shares.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (`getconf CLK_TCK`; 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** Own user + system time, plus waited-for children's, in ticks. */
  ticks: number;
}

function readStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let line: string;
    try {
      line = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // the process ended while we looked
    }
    // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
    const fields = line.slice(line.lastIndexOf(')') + 2).split(' ');
    const field = (n: number) => Number(fields[n - 3]);
    stats.set(Number(entry), { ppid: field(4), ticks: field(14) + field(15) + field(16) + field(17) });
  }
  return stats;
}

/**
 * CPU milliseconds each named process tree has used since it started (`roots`: name → pid), and
 * `self` for this process (the load generator). A tree whose root is gone reads 0.
 */
export function readCpuTimes(roots: Record<string, number>): Record<string, number> {
  const stats = readStats();
  const children = new Map<number, number[]>();
  for (const [pid, stat] of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  const treeTicks = (pid: number): number => (stats.get(pid)?.ticks ?? 0) + (children.get(pid) ?? []).reduce((sum, child) => sum + treeTicks(child), 0);
  const times: Record<string, number> = {};
  for (const [name, pid] of Object.entries(roots)) times[name] = (treeTicks(pid) * 1000) / TICKS_PER_SECOND;
  const own = process.cpuUsage();
  times.bench = (own.user + own.system) / 1000;
  return times;
}

/** CPU ms per operation in each process between two readings, for `operations` operations. */
export function cpuPerOperation(before: Record<string, number>, after: Record<string, number>, operations: number): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((name) => [name, (after[name]! - (before[name] ?? 0)) / Math.max(1, operations)]));
}
