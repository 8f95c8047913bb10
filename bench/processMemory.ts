/**
 * A process's memory as Linux reports it in /proc/<pid>/status: `VmRSS` (resident now) and `VmHWM`
 * (the resident peak, "high water mark", since the process started), in MiB.
 */
import { readFileSync } from 'node:fs';

/** Resident memory of `pid` now and at its peak, in MiB; undefined once the process is gone. */
export function readProcessMemory(pid: number): { rssMiB: number; peakMiB: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
}
