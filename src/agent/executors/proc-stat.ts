/**
 * What Linux's /proc says about a process: whether it still lives, which group it is in, and when
 * it started. A pid alone names a process only until it is recycled; (boot id, pid, start time)
 * names it for good, which is what lets a restarted agent tell its task from a stranger.
 *
 * A zombie (ended, not yet reaped) counts as dead: where PID 1 does not reap orphans (some
 * containers), an orphaned task that exits stays a zombie forever.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

export interface ProcStat {
  pid: number;
  /** One letter: R, S, D, T, Z (zombie), X (dead), ... */
  state: string;
  ppid: number;
  pgrp: number;
  /** Field 22: clock ticks after boot when the process started. Survives exec. */
  startTime: number;
}

/**
 * Parses `/proc/<pid>/stat`, synchronously: the process executor reads it in the same tick as
 * spawn, before Node could reap a child that died at once. Undefined when there is no such process.
 */
export function readProcStat(pid: number, procRoot = '/proc'): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return parseProcStat(text);
}

/** `pid (comm) state ppid pgrp ...`: comm may hold spaces and ')', so fields count from the last ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number(text.slice(0, text.indexOf(' ')));
  const rest = text
    .slice(close + 2)
    .trim()
    .split(' ');
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const state = rest[0];
  const ppid = Number(rest[1]);
  const pgrp = Number(rest[2]);
  const startTime = Number(rest[19]);
  if (!state || !Number.isInteger(pid) || !Number.isInteger(pgrp) || !Number.isFinite(startTime)) {
    return undefined;
  }
  return { pid, state, ppid, pgrp, startTime };
}

export function isLiveState(state: string): boolean {
  return state !== 'Z' && state !== 'X' && state !== 'x';
}

/** Whether `pid` is the very process that had `startTime`, and has not ended. */
export function isSameLiveProcess(pid: number, startTime: number, procRoot = '/proc'): boolean {
  const stat = readProcStat(pid, procRoot);
  return stat !== undefined && stat.startTime === startTime && isLiveState(stat.state);
}

/** This boot's id, so a record from before a reboot never matches a process of this one. */
export function readBootId(procRoot = '/proc'): string | undefined {
  try {
    return readFileSync(`${procRoot}/sys/kernel/random/boot_id`, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Pids of every process visible in /proc. */
export async function listPids(procRoot = '/proc'): Promise<number[]> {
  const names = await readdir(procRoot).catch(() => [] as string[]);
  return names.filter((n) => /^\d+$/.test(n)).map(Number);
}

/**
 * Live (non-zombie) members of a process group; a /proc scan, so only for rare moments. Undefined
 * when /proc cannot be read (not Linux).
 */
export async function liveGroupMembers(pgid: number, procRoot = '/proc'): Promise<number[] | undefined> {
  const pids = await listPids(procRoot);
  if (pids.length === 0) return undefined;
  const out: number[] = [];
  for (const pid of pids) {
    const text = await readFile(`${procRoot}/${pid}/stat`, 'utf8').catch(() => undefined);
    const stat = text === undefined ? undefined : parseProcStat(text);
    if (stat && stat.pgrp === pgid && isLiveState(stat.state)) out.push(pid);
  }
  return out;
}

/**
 * Live processes whose environment holds exactly `entry` (e.g. `MESOS_SANDBOX=/x/sandboxes/t1`).
 * Processes we may not read (other users when not root) are skipped.
 */
export async function liveProcessesWithEnv(entry: string, procRoot = '/proc'): Promise<number[]> {
  const out: number[] = [];
  for (const pid of await listPids(procRoot)) {
    if (pid === process.pid) continue;
    const env = await readFile(`${procRoot}/${pid}/environ`, 'utf8').catch(() => undefined);
    if (env === undefined || !env.split('\0').includes(entry)) continue;
    const stat = readProcStat(pid, procRoot);
    if (stat && isLiveState(stat.state)) out.push(pid);
  }
  return out;
}
