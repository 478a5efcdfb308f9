/**
 * What the task gauges report, computed from the master's reads at scrape time (never cached,
 * so a scrape is always current and nothing has to be kept in sync with the state).
 */
import { TASK_STATES, type TaskRecord, type TaskState } from '../../domain/task.js';

export interface TaskCounts {
  /** Every state, zeros included, so the series exist before the first task does. */
  tasksByState: Record<TaskState, number>;
  /** Tasks the master asked to kill and that have not ended yet (Marathon's "doomed"). */
  killRequested: number;
}

export function taskCounts(tasks: readonly TaskRecord[]): TaskCounts {
  const tasksByState = Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
  let killRequested = 0;
  for (const t of tasks) {
    tasksByState[t.state]++;
    if (t.killRequestedAt !== undefined) killRequested++;
  }
  return { tasksByState, killRequested };
}
