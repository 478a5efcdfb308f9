/**
 * Runs a task as a plain OS process on the agent's machine.
 *
 * - `/bin/sh -c <cmd>` for shell commands, argv exec'd directly otherwise (PATH lookup in the
 *   task's env).
 * - The task leads its own process group (`detached: true`), so a kill reaches everything it
 *   started, and a Ctrl-C aimed at the agent's terminal does not hit tasks behind its back.
 * - cwd is the sandbox (or a fixed directory: see `cwd` below).
 * - stdout/stderr are files opened in append mode and handed to the child as its fds: no pipe
 *   through Node, no helper process per task (the agent spends well under 1 MB per task), and a
 *   task keeps logging while the agent restarts.
 * - The fork itself happens in one small helper process per executor (spawner/), not in the
 *   agent: a fork costs more the larger the forking process, and blocks its loop meanwhile.
 * - Env: the task's env over a small inherited set of basics (see host-env.ts).
 * - User: `spec.user` (runAsUser / app user) when the agent switches users (run-as.ts): the
 *   sandbox is handed to that user and the process gets its uid/gid. Nothing of it is kept in
 *   the handle: a re-attached process already runs as whoever it runs as, and a root agent can
 *   signal it either way.
 * - Re-attach: the handle is (boot id, pid, start time from /proc), so a recycled pid is never
 *   taken for the task. A re-attached task is not our child: its end is seen by polling /proc and
 *   its exit status is unknown; signals go to its group as for any task.
 * - Limits (with `cgroups`): the task gets its own cgroup with `mem` and `cpus` as limits before
 *   it runs anything, and the task and every process it starts are born inside the group (a pid
 *   written after spawn would race the task's first forks). The spawner helper forks it from
 *   inside the group (spawner/cgroup-birth.ts); a spawner that cannot (the agent forking itself)
 *   spawns a small gate shell that waits on its stdin: the agent moves the gate's pid into the
 *   group and only then lets it exec the command. An OOM kill in the group kills the whole task, as Mesos' memory
 *   isolator destroys the container, and ends it as a memory-limit failure. The group is removed
 *   once the task has ended, after killing whatever it left behind (also processes that left its
 *   process group).
 */
import { hostname, userInfo } from 'node:os';
import type { TaskSpec } from '../../domain/agent-protocol.js';
import { setCappedTimeout } from '../../platform/capped-timer.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { APPEND, openSandboxFile } from '../safe-open.js';
import { gated, limitCpuOf, openGate } from './cgroup-entry.js';
import type { TaskCgroup, TaskCgroups } from './cgroups/task-cgroups.js';
import type {
  Executor,
  LaunchContext,
  ReattachContext,
  RunningTask,
  TaskExit,
  TaskHandle,
} from './executor.js';
import { processTaskEnv } from './host-env.js';
import { type PasswdEntry, readPasswd } from './passwd.js';
import { isSameLiveProcess, liveProcessesWithEnv, readBootId } from './proc-stat.js';
import { type Leader, type ProcessHandle, ProcessTask } from './process-task.js';
import { handSandboxTo, type RunAsDeps, resolveRunAs, userEnv } from './run-as.js';
import { spawnTurn } from './spawn-turns.js';
import { sharedHelpers } from './spawner/spawner-pool.js';
import { type SpawnedProcess, SpawnerLost, type TaskSpawner } from './spawner/task-spawner.js';

export interface ProcessExecutorOptions {
  /**
   * Timers for the kill grace period and group polling. Defaults to real timers that keep the
   * agent alive until a kill completes (systemClock's are unref'd, which would let a shutting
   * down agent exit before the SIGKILL is sent). Tests pass a manual clock to control the grace.
   */
  timers?: Clock;
  /** The agent's environment, source of the inherited basics. Default `process.env`. */
  hostEnv?: Readonly<Record<string, string | undefined>>;
  /** Names inherited from hostEnv (LC_* always are). Default INHERITED_ENV_NAMES. */
  inheritEnv?: readonly string[];
  /**
   * Run tasks in this directory instead of their sandbox. Mesos runs a task in its sandbox, and so
   * do we by default; `drover up` on one machine passes the directory it was started in, so a
   * relative command like `node examples/http-echo.js` works as the README shows. MESOS_SANDBOX
   * and the log files stay in the sandbox either way.
   */
  cwd?: string;
  /** Default `/bin/sh`, as Mesos' command executor. */
  shell?: string;
  /**
   * How often to look whether a terminated task's leftover group members are gone, once its main
   * process has exited during a kill. Default 50 ms.
   */
  groupPollMs?: number;
  /**
   * How often to look whether a re-attached task's main process is still there (it is not our
   * child, so no exit event comes). Default 500 ms; during a kill, groupPollMs.
   */
  reattachedPollMs?: number;
  /**
   * Run each task as the user its spec names (Mesos' `--switch_user`). Default: true when the
   * agent runs as root, since only root can; otherwise tasks run as the agent's user and a task
   * asking for another one gets a note in its stderr.
   */
  switchUser?: boolean;
  /** Named in the message of a launch for an unknown user. Default: the host name. */
  agentName?: string;
  /** Where users are looked up (tests). Default: /etc/passwd, read at each launch. */
  passwd?: RunAsDeps['passwd'];
  /** Put each task in its own cgroup with its `mem`/`cpus` as limits. Default: no limits. */
  cgroups?: TaskCgroups;
  /** How often a limited task's group is checked for an OOM kill. Default 1000 ms. */
  oomPollMs?: number;
  /** For what goes wrong outside any one launch (a cgroup that cannot be removed). */
  logger?: Logger;
  /**
   * Who forks the task processes. Default: this process's small helper processes
   * (spawner/helper-spawner.ts, spawner-pool.ts),
   * since a fork from the agent costs more the larger the agent is and blocks its loop meanwhile;
   * `directSpawner` forks from this process.
   */
  spawner?: TaskSpawner;
}

export type { ProcessHandle } from './process-task.js';

interface Deps {
  timers: Clock;
  hostEnv: Readonly<Record<string, string | undefined>>;
  inheritEnv: readonly string[] | undefined;
  cwd: string | undefined;
  shell: string;
  groupPollMs: number;
  reattachedPollMs: number;
  /** Read once, lazily; undefined without /proc (then tasks cannot be re-attached). */
  bootId: () => string | undefined;
  runAs: RunAsDeps;
  cgroups: TaskCgroups | undefined;
  oomPollMs: number;
  logger: Logger | undefined;
  spawner: TaskSpawner;
}

const refTimers: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setCappedTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

export function createProcessExecutor(opts: ProcessExecutorOptions = {}): Executor {
  const deps: Deps = {
    timers: opts.timers ?? refTimers,
    hostEnv: opts.hostEnv ?? process.env,
    inheritEnv: opts.inheritEnv,
    cwd: opts.cwd,
    shell: opts.shell ?? '/bin/sh',
    groupPollMs: opts.groupPollMs ?? 50,
    reattachedPollMs: opts.reattachedPollMs ?? 500,
    bootId: once(readBootId),
    runAs: {
      switchUser: opts.switchUser ?? process.getuid?.() === 0,
      self: { uid: process.getuid?.(), name: ownUserName() },
      agentName: opts.agentName ?? hostname(),
      passwd: opts.passwd ?? (() => readPasswd()),
    },
    cgroups: opts.cgroups,
    oomPollMs: opts.oomPollMs ?? 1_000,
    logger: opts.logger,
    spawner: opts.spawner ?? sharedHelpers(opts.logger),
  };
  return {
    kind: 'process',
    enforcesLimits: deps.cgroups !== undefined,
    launch: (spec, ctx) => launchProcess(spec, ctx, deps),
    reattach: (ctx) => reattachProcess(ctx, deps),
  };
}

/** Undefined when the agent's uid has no passwd entry (a container run with an arbitrary uid). */
function ownUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

function once<T>(fn: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = fn();
      done = true;
    }
    return value;
  };
}

function commandLine(command: TaskSpec['command'], shell: string): [string, string[]] {
  if (command.shell) return [shell, ['-c', command.value]];
  const [file, ...args] = command.argv;
  if (file === undefined || file === '') throw new Error('Task has no command: neither cmd nor args given');
  return [file, args];
}

async function launchProcess(spec: TaskSpec, ctx: LaunchContext, deps: Deps): Promise<RunningTask> {
  const command = commandLine(spec.command, deps.shell);
  // A burst of launches must not starve the agent's heartbeat (spawn-turns.ts). The turn comes
  // before the cgroup is made: a group made first sat empty for as long as the backlog of turns
  // ahead of it (over a minute for 5,000 queued job runs), and the sweep of empty groups older
  // than 60 s (task-cgroups.ts sweepStale, this agent's or another's on the host) removed it
  // under the waiting task ("cannot put the task in its cgroup: ENOENT").
  await spawnTurn();
  const born = deps.spawner.placesInCgroup;
  const cgroup = deps.cgroups
    ? await deps.cgroups.create(spec.taskId, spec.resources, { cpuLater: born }).catch((e: unknown) => {
        throw new Error(`cannot make the task's cgroup: ${(e as Error).message}`);
      })
    : undefined;
  try {
    const gate = cgroup !== undefined && !born;
    return await spawnTask(spec, ctx, deps, gate ? gated(command, deps.shell) : command, cgroup, gate);
  } catch (e) {
    await cgroup?.remove();
    throw e;
  }
}

async function spawnTask(
  spec: TaskSpec,
  ctx: LaunchContext,
  deps: Deps,
  [file, args]: [string, string[]],
  cgroup: TaskCgroup | undefined,
  gate: boolean,
): Promise<RunningTask> {
  const runAs = resolveRunAs(spec.user, deps.runAs);
  const user = runAs.kind === 'switch' ? runAs.user : undefined;
  const hostEnv = user ? { ...deps.hostEnv, ...userEnv(user) } : deps.hostEnv;
  const env = processTaskEnv(hostEnv, ctx.env, deps.inheritEnv);
  if (runAs.kind === 'ignored' || user) await prepareLogs(ctx, runAs, user);
  let child: SpawnedProcess;
  try {
    child = await deps.spawner.spawn({
      file,
      args,
      cwd: deps.cwd ?? ctx.sandbox,
      env,
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
      stdout: ctx.logs.stdout,
      stderr: ctx.logs.stderr,
      gated: gate,
      ...(cgroup && !gate ? { cgroup: cgroup.dirs } : {}),
    });
  } catch (e) {
    throw explainSpawnError(e as Error, user?.name);
  }
  const handle = processHandle(child.pid, child.startTime, deps);
  // A helper that dies takes the exit status with it: the process is then watched through /proc,
  // as a re-attached one (exit status unknown).
  const exit = child.exit.catch((e: unknown) => {
    if (!(e instanceof SpawnerLost) || !handle) return { exitCode: null, signal: null };
    return watchReattached(handle, deps).exit;
  });
  if (cgroup && gate) await openGate(child, cgroup, exit);
  else if (cgroup) await limitCpuOf(cgroup, exit);
  const leader: Leader = { exit, release: () => child.release(), hurry: () => {} };
  return new ProcessTask(child.pid, handle, leader, deps, cgroup);
}

/**
 * The note that runAsUser was ignored goes first in stderr; a task run as another user gets its
 * sandbox and log files handed to that user before it starts.
 */
async function prepareLogs(
  ctx: LaunchContext,
  runAs: ReturnType<typeof resolveRunAs>,
  user: PasswdEntry | undefined,
): Promise<void> {
  const out = await openSandboxFile(ctx.logs.stdout, APPEND);
  const err = await openSandboxFile(ctx.logs.stderr, APPEND).catch(async (e: unknown) => {
    await out.close();
    throw e;
  });
  try {
    if (runAs.kind === 'ignored') await err.write(runAs.note);
    if (user) await handSandboxTo(user, ctx.sandbox, [out, err], ctx.secretFiles);
  } finally {
    await Promise.all([out.close(), err.close()]);
  }
}

/**
 * EACCES as another user: the command (or a directory on its path) is closed to that user. The
 * working directory is not the cause: libuv changes into it before it drops root.
 */
function explainSpawnError(err: Error, user: string | undefined): Error {
  if (user === undefined || (err as NodeJS.ErrnoException).code !== 'EACCES') return err;
  return new Error(`${err.message} (running as user '${user}': can that user reach and run it?)`);
}

function processHandle(pid: number, startTime: number | undefined, deps: Deps): ProcessHandle | undefined {
  const bootId = deps.bootId();
  if (bootId === undefined || startTime === undefined) return undefined;
  return { pid, pgid: pid, startTime, bootId };
}

function parseHandle(h: TaskHandle | undefined): ProcessHandle | undefined {
  if (!h) return undefined;
  const { pid, pgid, startTime, bootId } = h;
  const positiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (
    !positiveInt(pid) ||
    !positiveInt(pgid) ||
    typeof startTime !== 'number' ||
    typeof bootId !== 'string'
  ) {
    return undefined;
  }
  return { pid, pgid, startTime, bootId };
}

async function reattachProcess(ctx: ReattachContext, deps: Deps): Promise<RunningTask | undefined> {
  const handle = parseHandle(ctx.handle);
  // Made by the agent that launched it, if that one had limits on; otherwise there is none.
  const cgroup = deps.cgroups?.open(ctx.spec.taskId, ctx.spec.resources.mem);
  if (handle && handle.bootId === deps.bootId() && isSameLiveProcess(handle.pid, handle.startTime)) {
    return new ProcessTask(handle.pid, handle, watchReattached(handle, deps), deps, cgroup);
  }
  // Gone, or never checkpointed: whatever still runs with this task's sandbox in its environment
  // (children of a dead main process, or a process whose launch the agent did not live to record)
  // would run unsupervised and unknown to the master.
  await killStrays(ctx.sandbox);
  await cgroup?.remove();
  return undefined;
}

/** SIGKILLs every live process started for this sandbox; twice, for forks made during the scan. */
async function killStrays(sandbox: string): Promise<void> {
  const marker = `MESOS_SANDBOX=${sandbox}`;
  for (let pass = 0; pass < 2; pass++) {
    const pids = await liveProcessesWithEnv(marker);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Ended meanwhile.
      }
    }
  }
}

/** A re-attached main process is not our child: no exit event, so look in /proc until it is gone. */
function watchReattached(handle: ProcessHandle, deps: Deps): Leader {
  let released = false;
  let hurried = false;
  let cancel: (() => void) | undefined;
  let reschedule: (() => void) | undefined;
  const exit = new Promise<TaskExit>((resolve) => {
    const check = () => {
      cancel = undefined;
      if (released) return;
      if (!isSameLiveProcess(handle.pid, handle.startTime)) {
        resolve({ exitCode: null, signal: null });
        return;
      }
      cancel = deps.timers.setTimer(hurried ? deps.groupPollMs : deps.reattachedPollMs, check);
    };
    reschedule = () => {
      cancel?.();
      check();
    };
    check();
  });
  return {
    exit,
    release: () => {
      released = true;
      cancel?.();
    },
    hurry: () => {
      if (hurried || released) return;
      hurried = true;
      reschedule?.();
    },
  };
}
