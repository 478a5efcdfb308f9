/**
 * The Executor port: how an agent starts and stops one task. The process executor implements it
 * now; the docker executor and a fake one (simulations) implement the same contract later, and one
 * contract suite will run against all of them, so keep everything a caller relies on in here.
 *
 * The agent owns the sandbox layout and the task's status updates; an executor only runs things.
 * For a restart of the agent, an executor hands the agent a `handle` (plain JSON: a pid and its
 * start time, a container id) that the agent checkpoints in the sandbox and later gives back to
 * `reattach`.
 */
import type { TaskSpec } from '../../domain/agent-protocol.js';

/** Where a task's output goes. Files, so logs survive an agent restart and any executor can fill them. */
export interface LogFiles {
  stdout: string;
  stderr: string;
}

export interface LaunchContext {
  /** Absolute path of the task's sandbox directory; it exists before launch is called. */
  sandbox: string;
  /**
   * The task's environment as the agent decided it (spec.env plus MESOS_SANDBOX). An executor may
   * add what its runtime needs underneath (the process executor adds PATH/HOME/...; a container
   * takes its image's defaults) but never overrides these values.
   */
  env: Record<string, string>;
  /** Append the task's stdout/stderr to these files (created if missing). */
  logs: LogFiles;
  /**
   * The task's secret files the agent wrote into the sandbox (mode 0400, agent-secret files.ts),
   * so an executor that runs the task as another user can hand them over.
   */
  secretFiles?: readonly string[];
  /**
   * Report how a slow launch is going (an image pull: "Pulling image x: 2/5 layers"); the agent
   * sends it as the task's status message while it is TASK_STARTING. Call it sparingly: each
   * call is one status update.
   */
  progress?: (message: string) => void;
}

/**
 * How the task's main process ended: exactly one of the two is non-null, as in Node's 'exit' event,
 * except for a re-attached task whose exit nobody could observe (the process was not the agent's
 * child): then both are null.
 */
export interface TaskExit {
  exitCode: number | null;
  /** Signal name, e.g. 'SIGKILL'. */
  signal: string | null;
  /**
   * Set when the kernel's OOM killer ended the task for going over its memory limit (a process
   * task's cgroup, a container's memory): the limit in MiB. The task then fails for that reason,
   * whatever its exit looked like.
   */
  memoryLimitMib?: number;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * What an executor needs to find a launched task again after an agent restart, as plain JSON it
 * chose itself (the process executor: pid, pgid, start time, boot id). Opaque to the agent.
 */
export type TaskHandle = { [key: string]: JsonValue };

export interface ReattachContext {
  /** The spec the task was launched with. */
  spec: TaskSpec;
  /** The task's sandbox, as at launch. */
  sandbox: string;
  logs: LogFiles;
  /**
   * The handle `launch` gave, or undefined when the agent died between starting the launch and
   * checkpointing the handle: the task may or may not have been started.
   */
  handle: TaskHandle | undefined;
}

export interface RunningTask {
  /** OS process id of the task's main process, when the executor has one (not for a fake). */
  readonly pid?: number;
  /** Present when `reattach` can find this task again after an agent restart. */
  readonly handle?: TaskHandle;
  /**
   * Settles once when the task's main process has ended, whatever the cause (own exit, kill, OOM).
   * Never rejects: an executor that loses track of a task reports it as ended by a signal.
   */
  readonly exited: Promise<TaskExit>;
  /**
   * Graceful stop: SIGTERM (or the runtime's equivalent) to everything the task started, then
   * SIGKILL once `gracePeriodMs` has passed if anything is still alive. Resolves after the main
   * process has ended. Safe to call more than once and after the task has ended.
   */
  kill(gracePeriodMs: number): Promise<void>;
  /**
   * Stop supervising without stopping the task: used when the agent shuts down but leaves tasks
   * running for a later re-adoption. After this, `exited` may never settle.
   */
  detach(): void;
}

export interface Executor {
  /** For logs and capability reports: 'process', 'docker', 'fake'. */
  readonly kind: string;
  /** Docker executors: whether tasks may run `privileged` containers (reported to the master). */
  readonly allowsPrivileged?: boolean;
  /** Whether tasks are held to their `mem` and `cpus` (the process executor with cgroups). */
  readonly enforcesLimits?: boolean;
  /**
   * Start the task. Resolves once it is running (the OS process exists); rejects with an Error
   * whose message is fit for a TASK_FAILED update when it could not be started.
   */
  launch(spec: TaskSpec, ctx: LaunchContext): Promise<RunningTask>;
  /**
   * After an agent restart: take back supervision of a task this executor launched. Resolves to a
   * RunningTask (kill and exit as for a launched one) when the task still runs, else to undefined,
   * and then anything left of it (children of a dead main process, a process started just before
   * the agent died) has been stopped, so nothing runs that the agent does not report. Rejects only
   * when it cannot tell (the task is then left alone). Optional: without it, tasks of this
   * executor are not recovered.
   */
  reattach?(ctx: ReattachContext): Promise<RunningTask | undefined>;
}
