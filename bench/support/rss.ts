/** Resident set size of one process from /proc/<pid>/status (VmRSS), in MB. */
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { median } from './stats.js';

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb[1]) / 1024;
}

/**
 * The median of `samples` readings `everyMs` apart, after `settleMs` (GC and lazy
 * initialisation make a single reading of a Node process jumpy).
 */
export async function steadyRssMb(
  pid: number,
  settleMs = 3_000,
  samples = 15,
  everyMs = 200,
): Promise<number> {
  await delay(settleMs);
  const xs: number[] = [];
  for (let i = 0; i < samples; i++) {
    xs.push(rssMb(pid));
    await delay(everyMs);
  }
  return median(xs);
}
