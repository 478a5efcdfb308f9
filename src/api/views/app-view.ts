/**
 * An app as `GET /v2/apps[/{id}]` shows it: the stored definition plus Marathon's read-only
 * fields, each only when its embed asks for it. The read-only names are exactly Marathon's
 * (python3-marathon rejects keys it does not know), and the domain ignores them on input so a
 * GET-modify-PUT round trip works.
 */

import type { AppDefinition } from '../../domain/app.js';
import { withSecretRefs } from '../../domain/app-secrets.js';
import type { TaskFailure, TaskRecord } from '../../domain/task.js';
import type { AppEmbed } from '../marathon/embed.js';
import { countTasks } from './task-counts.js';
import { taskStats } from './task-stats.js';
import { taskView } from './task-view.js';

export interface AppViewInput {
  app: AppDefinition;
  /** Active tasks of this app. */
  tasks: TaskRecord[];
  embed: ReadonlySet<AppEmbed>;
  lastTaskFailure?: TaskFailure;
  /** Running deployment ids affecting the app. */
  deploymentIds?: string[];
  now: number;
}

export function appView(v: AppViewInput): Record<string, unknown> {
  const out: Record<string, unknown> = withSecretRefs(v.app);
  if (v.embed.has('counts')) {
    const c = countTasks(v.tasks);
    out.tasksStaged = c.staged;
    out.tasksRunning = c.running;
    out.tasksHealthy = c.healthy;
    out.tasksUnhealthy = c.unhealthy;
  }
  if (v.embed.has('deployments')) out.deployments = (v.deploymentIds ?? []).map((id) => ({ id }));
  // Marathon shows the results of tasks still being checked (a deployment's new tasks).
  if (v.embed.has('readiness'))
    out.readinessCheckResults = v.tasks.flatMap((t) => t.readinessCheckResults ?? []);
  if (v.embed.has('tasks')) out.tasks = v.tasks.map(taskView);
  if (v.embed.has('lastTaskFailure') && v.lastTaskFailure) out.lastTaskFailure = v.lastTaskFailure;
  if (v.embed.has('taskStats')) out.taskStats = taskStats(v.app, v.tasks, v.now);
  return out;
}
