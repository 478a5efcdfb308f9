/**
 * Starting one task process, the same way whichever process does it (the agent itself, or the
 * spawner helper): log files opened safely, the child in its own process group, its identity read
 * from /proc before it can be reaped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { APPEND, openSandboxFile } from '../../safe-open.js';
import type { TaskExit } from '../executor.js';
import { readProcStat } from '../proc-stat.js';
import type { CgroupBirth } from './cgroup-birth.js';
import type { SpawnRequest } from './task-spawner.js';

export interface StartedChild {
  child: ChildProcess;
  startTime: number | undefined;
  exit: Promise<TaskExit>;
}

/**
 * Resolves once the child runs (exec'd); rejects with the spawn error. A request with `cgroup`
 * needs `birth` (only the spawner helper has one).
 */
export async function startChild(req: SpawnRequest, birth?: CgroupBirth): Promise<StartedChild> {
  const groups = req.cgroup;
  if (groups && !birth) throw new Error('this spawner cannot start a task in its cgroup');
  const out = await openSandboxFile(req.stdout, APPEND);
  const err = await openSandboxFile(req.stderr, APPEND).catch(async (e: unknown) => {
    await out.close();
    throw e;
  });
  let child: ChildProcess;
  let startTime: number | undefined;
  let exit: Promise<TaskExit>;
  // Resolves to the spawn error, if any: a rejecting promise would count as unhandled while we
  // await the fd closes below.
  let spawned: Promise<Error | undefined>;
  try {
    const fork = () =>
      spawn(req.file, req.args, {
        cwd: req.cwd,
        env: req.env,
        // Its own process group: a kill reaches everything it started, and a Ctrl-C aimed at the
        // agent's terminal does not hit it.
        detached: true,
        // A gated task reads its go-ahead on stdin; it gets /dev/null once it runs.
        stdio: [req.gated ? 'pipe' : 'ignore', out.fd, err.fd],
        ...(req.uid !== undefined ? { uid: req.uid } : {}),
        ...(req.gid !== undefined ? { gid: req.gid } : {}),
      });
    child = groups && birth ? birth.bear(groups, fork) : fork();
    // Same tick as spawn: even a child that died at once cannot have been reaped yet, so this pid
    // is still ours to read.
    startTime = child.pid === undefined ? undefined : readProcStat(child.pid)?.startTime;
    // Listen before anything awaits: 'spawn'/'error' fire on the next tick and a task that dies at
    // once exits soon after.
    exit = new Promise<TaskExit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ exitCode: code, signal }));
    });
    spawned = new Promise<Error | undefined>((resolve) => {
      child.once('spawn', () => resolve(undefined));
      child.once('error', resolve);
    });
  } finally {
    // uv_spawn returns after the child has exec'd (or failed to), so the child holds its own
    // copies of these fds by now.
    await Promise.all([out.close(), err.close()]);
  }
  const spawnError = await spawned;
  if (spawnError) throw spawnError;
  // Later 'error' events only come from kill()/send(), which nobody calls; without a listener an
  // unexpected one would crash the process.
  child.on('error', () => {});
  if (req.gated) child.stdin?.on('error', () => {}); // EPIPE: the gate died before reading.
  return { child, startTime, exit };
}

/** The go-ahead for a gated child (see process-executor.ts): `go`, or end of input to refuse. */
export function answerGate(child: ChildProcess, open: boolean): void {
  if (open) child.stdin?.end('go\n');
  else child.stdin?.destroy();
}
