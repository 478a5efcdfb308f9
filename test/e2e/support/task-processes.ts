/**
 * Finds the OS processes of the tasks a drover process launched under one data dir, by reading
 * /proc: every task process (the `/bin/sh -c` wrapper and what it starts) inherits
 * `MESOS_SANDBOX=<data-dir>/agents/.../sandboxes/<task>`, so each test sees only its own tasks even
 * when test files run in parallel, and can kill them if drover did not.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface TaskProcess {
  pid: number;
  pgid: number;
  taskId: string;
  cmdline: string[];
}

function stat(pid: number): { state: string; pgid: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ppid pgrp ...": comm may contain spaces and parentheses.
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '?', pgid: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

function environ(pid: number): Map<string, string> | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
    const env = new Map<string, string>();
    for (const kv of raw.split('\0')) {
      const eq = kv.indexOf('=');
      if (eq > 0) env.set(kv.slice(0, eq), kv.slice(eq + 1));
    }
    return env;
  } catch {
    return undefined;
  }
}

/** Live (not zombie) processes whose MESOS_SANDBOX lies under `dataDir`. */
export function taskProcesses(dataDir: string): TaskProcess[] {
  const prefix = dataDir.endsWith('/') ? dataDir : `${dataDir}/`;
  const found: TaskProcess[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const env = environ(pid);
    const sandbox = env?.get('MESOS_SANDBOX');
    if (!sandbox?.startsWith(prefix)) continue;
    const st = stat(pid);
    if (!st || st.state === 'Z' || st.state === 'X') continue;
    let cmdline: string[] = [];
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    found.push({ pid, pgid: st.pgid, taskId: env?.get('MESOS_TASK_ID') ?? '', cmdline });
  }
  return found;
}

/** Task ids with at least one live process under `dataDir`. */
export function liveTaskIds(dataDir: string): Set<string> {
  return new Set(taskProcesses(dataDir).map((p) => p.taskId));
}

/** SIGKILLs every task process (and its process group) left under `dataDir`; returns how many. */
export function killTaskProcesses(dataDir: string): number {
  const procs = taskProcesses(dataDir);
  const ownGroup = stat(process.pid)?.pgid;
  for (const p of procs) {
    // A task leads its own group (the executor starts it detached); never signal the runner's.
    const targets = p.pgid > 1 && p.pgid !== ownGroup ? [-p.pgid, p.pid] : [p.pid];
    for (const target of targets) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  return procs.length;
}
