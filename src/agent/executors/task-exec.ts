/**
 * Running a command inside a task's environment, for COMMAND health checks: Marathon runs them in
 * the task's container (`docker exec` for Docker tasks), so the check sees the task's filesystem,
 * network namespace and env. A RunningTask offers this when its executor can; a health checker
 * asks with `canExec` and falls back to its own way (a shell on the agent) when it cannot.
 */
import type { RunningTask } from './executor.js';

export interface ExecOptions {
  /** Give up after this long: the result says `timedOut` and the command is killed if possible. */
  timeoutMs: number;
  /** Cap per stream, in bytes. Default 64 KiB. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  /** null when it timed out or its status could not be read. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface CanExec {
  /** Runs `command` with `/bin/sh -c` inside the task's environment. */
  exec(command: string, opts: ExecOptions): Promise<ExecResult>;
}

export function canExec(task: RunningTask): task is RunningTask & CanExec {
  return typeof (task as Partial<CanExec>).exec === 'function';
}
