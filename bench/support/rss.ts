/** Resident set size of one process from /proc/<pid>/status (VmRSS), in MB. */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { median } from './stats.js';

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb[1]) / 1024;
}

/**
 * A process and the helper processes it started (direct children whose command line matches
 * `helper`, e.g. the agent's spawner helpers), in MB; the task processes are not counted.
 */
export function rssWithHelpersMb(pid: number, helper: RegExp): number {
  let mb = rssMb(pid);
  for (const child of childPids(pid)) {
    try {
      const cmdline = readFileSync(`/proc/${child}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (helper.test(cmdline)) mb += rssMb(child);
    } catch {
      // It ended between the listing and the read.
    }
  }
  return mb;
}

function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    const list = readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').trim();
    if (list) out.push(...list.split(/\s+/).map(Number));
  }
  return out;
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
  read: (pid: number) => number = rssMb,
): Promise<number> {
  await delay(settleMs);
  const xs: number[] = [];
  for (let i = 0; i < samples; i++) {
    xs.push(read(pid));
    await delay(everyMs);
  }
  return median(xs);
}
