/**
 * What the task runner (task-runner.ts) works with: the options it is built with, the change it
 * reports for each state a task enters, and its record of one task from launch until the Agent
 * forgets it.
 */

import type { TaskSpec } from '../domain/agent-protocol.js';
import type { HealthCheckResult, ReadinessCheckResult, TaskState } from '../domain/task.js';
import type { CancelTimer, Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logger.js';
import type { TaskCheckpoint, TaskCheckpoints } from './checkpoint.js';
import type { Executor, RunningTask } from './executors/executor.js';
import type { Fetcher } from './fetcher/fetcher.js';
import type { Prober } from './health/prober.js';
import type { TaskChecks } from './health/task-checks.js';
import type { Sandboxes } from './sandbox.js';

export interface AgentExecutors {
  process: Executor;
  docker?: Executor;
}

export interface TaskChange {
  taskId: string;
  appId: string;
  state: TaskState;
  reason?: string;
  message?: string;
  exitCode?: number;
  /** The task's checks as last known; present once something is known (see TaskChecks.report). */
  healthy?: boolean;
  healthCheckResults?: HealthCheckResult[];
  ready?: boolean;
  readinessCheckResults?: ReadinessCheckResult[];
}

export interface TaskRunnerOptions {
  executors: AgentExecutors;
  sandboxes: Sandboxes;
  checkpoints: TaskCheckpoints;
  logger: Logger;
  emit: (change: TaskChange) => void;
  /** Timers for checks and kill drains. */
  clock: Clock;
  /** How health and readiness probes reach tasks. */
  prober: Prober;
  /** The address task ports are reached on (the agent's advertised address). */
  host: string;
  /**
   * Cap on the drain the master asks for (TASK_KILLING before SIGTERM); NO_DRAIN_CAP for none,
   * 0 for SIGTERM at once.
   */
  maxKillDrainMs: number;
  /**
   * Puts a task's `fetch` entries into its sandbox before it starts (fetcher/fetcher.ts). Absent
   * (simulations, embedders): entries are skipped with a warning.
   */
  fetcher?: Fetcher;
}

export interface TaskEntry {
  spec: TaskSpec;
  /** Last state emitted. */
  state: TaskState;
  running?: RunningTask;
  /**
   * Set once the master (or agent shutdown, or a failing health check) asked for a kill.
   * `unhealthy` holds the message of a kill decided by the task's health checks.
   */
  kill?: { gracePeriodMs: number; drainMs?: number; unhealthy?: string };
  /** Pending end of a kill's drain (TASK_KILLING before SIGTERM). */
  drain?: CancelTimer;
  /** Health and readiness checks, while the task runs. */
  checks?: TaskChecks;
  /** Last checkpoint written; the end is recorded in it. */
  checkpoint?: TaskCheckpoint;
  /** Let go (agent stopped without killing): whatever happens to it is for the next agent to see. */
  detached?: boolean;
  /** Settles when the terminal state has been emitted. */
  done: Promise<void>;
  markDone: () => void;
}

export function newEntry(spec: TaskSpec): TaskEntry {
  let markDone!: () => void;
  const done = new Promise<void>((resolve) => {
    markDone = resolve;
  });
  return { spec, state: 'TASK_STAGING', done, markDone };
}
