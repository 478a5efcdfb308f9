/**
 * Marathon's task counts (tasksStaged/Running/Healthy/Unhealthy) and the per-app grouping the
 * list views need. Terminal tasks are history, not instances: they are left out everywhere.
 */
import { isActive, type TaskRecord } from '../../domain/task.js';

export interface TaskCounts {
  staged: number;
  running: number;
  healthy: number;
  unhealthy: number;
}

/** Undefined when the task has no health verdict (no checks, or none reported yet). */
export function healthOf(t: TaskRecord): boolean | undefined {
  if (t.healthy !== undefined) return t.healthy;
  const results = t.healthCheckResults ?? [];
  if (results.length === 0) return undefined;
  return results.every((r) => r.alive);
}

export function countTasks(tasks: TaskRecord[]): TaskCounts {
  const c: TaskCounts = { staged: 0, running: 0, healthy: 0, unhealthy: 0 };
  for (const t of tasks) {
    if (t.state === 'TASK_STAGING' || t.state === 'TASK_STARTING') c.staged++;
    if (t.state === 'TASK_RUNNING') c.running++;
    const h = healthOf(t);
    if (h === true) c.healthy++;
    if (h === false) c.unhealthy++;
  }
  return c;
}

export function activeTasks(tasks: TaskRecord[]): TaskRecord[] {
  return tasks.filter((t) => isActive(t.state));
}

export function groupByApp(tasks: TaskRecord[]): Map<string, TaskRecord[]> {
  const m = new Map<string, TaskRecord[]>();
  for (const t of tasks) {
    const list = m.get(t.appId);
    if (list) list.push(t);
    else m.set(t.appId, [t]);
  }
  return m;
}
