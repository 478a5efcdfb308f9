/**
 * The Executor port: how an agent starts and stops one task. The process executor implements it
 * now; the docker executor and a fake one (simulations) implement the same contract later, and one
 * contract suite will run against all of them, so keep everything a caller relies on in here.
 *
 * The agent owns the sandbox layout and the task's status updates; an executor only runs things.
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
}

/** How the task's main process ended: exactly one of the two is non-null, as in Node's 'exit' event. */
export interface TaskExit {
  exitCode: number | null;
  /** Signal name, e.g. 'SIGKILL'. */
  signal: string | null;
}

export interface RunningTask {
  /** OS process id of the task's main process, when the executor has one (not for a fake). */
  readonly pid?: number;
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
  /**
   * Start the task. Resolves once it is running (the OS process exists); rejects with an Error
   * whose message is fit for a TASK_FAILED update when it could not be started.
   */
  launch(spec: TaskSpec, ctx: LaunchContext): Promise<RunningTask>;
}
