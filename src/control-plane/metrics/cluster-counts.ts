/**
 * What the state gauges report, computed from the master's reads at scrape time (never cached,
 * so a scrape is always current and nothing has to be kept in sync with the state).
 */
import type { AppDefinition } from '../../domain/app.js';
import { TASK_STATES, type TaskRecord, type TaskState } from '../../domain/task.js';

export interface ClusterCounts {
  apps: number;
  /** Groups implied by app ids, the root included (Marathon counts the root group too). */
  groups: number;
  /** Every state, zeros included, so the series exist before the first task does. */
  tasksByState: Record<TaskState, number>;
  /** Tasks the master asked to kill and that have not ended yet (Marathon's "doomed"). */
  killRequested: number;
}

export function clusterCounts(apps: readonly AppDefinition[], tasks: readonly TaskRecord[]): ClusterCounts {
  const groups = new Set<string>(['/']);
  for (const a of apps) {
    const segs = a.id.split('/').filter((s) => s !== '');
    for (let i = 1; i < segs.length; i++) groups.add(`/${segs.slice(0, i).join('/')}`);
  }
  const tasksByState = Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
  let killRequested = 0;
  for (const t of tasks) {
    tasksByState[t.state]++;
    if (t.killRequestedAt !== undefined) killRequested++;
  }
  return { apps: apps.length, groups: groups.size, tasksByState, killRequested };
}
