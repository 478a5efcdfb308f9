/**
 * How a task's end becomes its terminal status update, worded as Mesos' command executor words it
 * (`Command exited with status 1`, `Command terminated with signal Killed`), because Marathon
 * clients and people grepping `lastTaskFailure.message` know those strings.
 */
import type { TaskState } from '../domain/task.js';
import type { TaskExit } from './executors/executor.js';

/** Mesos `TaskStatus.Reason` names the agent uses, so the master can tell causes apart. */
export const REASON = {
  /** The executor could not start the task (bad command, missing binary, sandbox I/O). */
  commandExecutorFailed: 'REASON_COMMAND_EXECUTOR_FAILED',
  /** No executor on this agent for the task's container type. */
  containerLaunchFailed: 'REASON_CONTAINER_LAUNCH_FAILED',
  /** A kill arrived before the task's process was started. */
  killedDuringLaunch: 'REASON_TASK_KILLED_DURING_LAUNCH',
  /** The task spec cannot be run at all (e.g. an unsafe task id). */
  taskInvalid: 'REASON_TASK_INVALID',
  /** A URI of the task's `fetch` could not be put into its sandbox (Mesos: the fetcher failed). */
  fetcherFailed: 'REASON_CONTAINER_LAUNCH_FAILED',
  /** The agent has no record of the task (kill or reconcile for a task it never ran or forgot). */
  taskUnknown: 'REASON_TASK_UNKNOWN',
  /** Killed by the kernel for going over its memory limit (Mesos' cgroups memory isolator). */
  memoryLimit: 'REASON_CONTAINER_LIMITATION_MEMORY',
} as const;

export interface TerminalStatus {
  state: TaskState;
  message: string;
  exitCode?: number;
  reason?: string;
}

/** strsignal(3) texts for the signals tasks actually die of; others fall back to the name. */
const SIGNAL_TEXT: Record<string, string> = {
  SIGHUP: 'Hangup',
  SIGINT: 'Interrupt',
  SIGQUIT: 'Quit',
  SIGILL: 'Illegal instruction',
  SIGTRAP: 'Trace/breakpoint trap',
  SIGABRT: 'Aborted',
  SIGBUS: 'Bus error',
  SIGFPE: 'Floating point exception',
  SIGKILL: 'Killed',
  SIGUSR1: 'User defined signal 1',
  SIGSEGV: 'Segmentation fault',
  SIGUSR2: 'User defined signal 2',
  SIGPIPE: 'Broken pipe',
  SIGALRM: 'Alarm clock',
  SIGTERM: 'Terminated',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'File size limit exceeded',
};

/**
 * A re-attached task's process was not the agent's child, so how it ended cannot be known: neither
 * an exit code nor a signal. Not FINISHED: success cannot be claimed without seeing it.
 */
export const UNKNOWN_EXIT_MESSAGE =
  'Process exited while the agent was down or after it was re-adopted; exit status unknown';

export function describeExit(exit: TaskExit): string {
  if (exit.exitCode === null && exit.signal === null) return UNKNOWN_EXIT_MESSAGE;
  if (exit.signal !== null)
    return `Command terminated with signal ${SIGNAL_TEXT[exit.signal] ?? exit.signal}`;
  return `Command exited with status ${exit.exitCode ?? 'unknown'}`;
}

/**
 * A kill the master asked for ends as TASK_KILLED whatever the exit looked like (a task may catch
 * SIGTERM and exit 0 or 1); otherwise status 0 is TASK_FINISHED and anything else TASK_FAILED.
 */
export function terminalStatus(exit: TaskExit, killRequested: boolean): TerminalStatus {
  const exitCode = exit.exitCode ?? undefined;
  if (exit.memoryLimitMib !== undefined && !killRequested) {
    // Mesos words it `Memory limit exceeded: ...`; people grep lastTaskFailure for "memory limit".
    const message =
      `Memory limit exceeded: the task went over its memory limit of ${exit.memoryLimitMib} MiB ` +
      `and the kernel's OOM killer ended it (${describeExit(exit)})`;
    const failed: TerminalStatus = { state: 'TASK_FAILED', message, reason: REASON.memoryLimit };
    return exitCode === undefined ? failed : { ...failed, exitCode };
  }
  const message = describeExit(exit);
  const state: TaskState = killRequested
    ? 'TASK_KILLED'
    : exit.exitCode === 0
      ? 'TASK_FINISHED'
      : 'TASK_FAILED';
  return exitCode === undefined ? { state, message } : { state, message, exitCode };
}
