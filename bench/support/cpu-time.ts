/**
 * CPU time (user + system) one process has used so far, from /proc/<pid>/stat fields 14 and 15
 * (its own threads, not its children's), in milliseconds. Read before and after a load run, it
 * gives what that process spent on the run whatever else the machine was doing: a proxy's cost
 * per request survives a loaded machine better than its requests/s.
 */
import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: the unit of /proc's clock ticks on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

export function cpuMs(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // comm may hold spaces and ')': fields count from the last ')'; rest[0] is field 3.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS_PER_SECOND;
}
