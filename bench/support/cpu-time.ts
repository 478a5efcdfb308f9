/**
 * CPU time (user + system) one process has used so far, from /proc/<pid>/stat fields 14 and 15
 * (its own threads, not its children's), in milliseconds. Read before and after a load run, it
 * gives what that process spent on the run whatever else the machine was doing: a proxy's cost
 * per request survives a loaded machine better than its requests/s.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: the unit of /proc's clock ticks on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

export function cpuMs(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // comm may hold spaces and ')': fields count from the last ')'; rest[0] is field 3.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS_PER_SECOND;
}

interface Stat {
  ppid: number;
  own: number;
  reaped: number;
}

function statOf(pid: number | string): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ms = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
    return {
      ppid: Number(f[1]),
      own: ms(Number(f[11]) + Number(f[12])),
      reaped: ms(Number(f[13]) + Number(f[14])),
    };
  } catch {
    return undefined;
  }
}

/**
 * `pid`'s own CPU, and its live children's own plus what their reaped children used (fields 16-17):
 * for an agent, its spawner helpers and the task processes they started and reaped.
 */
export function treeCpuMs(pid: number): { own: number; children: number } {
  const root = statOf(pid);
  if (!root) return { own: 0, children: 0 };
  let children = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = statOf(name);
    if (s?.ppid === pid) children += s.own + s.reaped;
  }
  return { own: root.own, children };
}
