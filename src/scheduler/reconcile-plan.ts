/**
 * Pure reconciliation: for each app, compare the tasks it has with what its definition asks for
 * and decide what to launch and what to kill. Placement of the launches is placement.ts's job.
 *
 * A config change replaces tasks within the app's upgradeStrategy: never more than
 * floor(n * (1 + maximumOverCapacity)) live tasks (one extra allowed when that equals n), and an
 * old task is killed only while at least ceil(n * minimumHealthCapacity) tasks stay running and
 * healthy. Deployment plans (deploy/) drive richer rollouts on top of this.
 */
import type { KillSelection, UpgradeStrategy } from '../domain/app.js';
import type { TaskState } from '../domain/task.js';
import { isTerminal } from '../domain/task.js';

export interface ReconcileTask {
  id: string;
  version: string;
  state: TaskState;
  stagedAt: number;
  startedAt?: number;
  killRequested: boolean;
  /** false = failing its health checks; undefined = no checks or unknown yet. */
  healthy?: boolean;
  /** True when the app has health checks, so "running" alone is not enough. */
  hasHealthChecks: boolean;
}

export interface ReconcileApp {
  id: string;
  instances: number;
  /** Tasks launched before this version run an outdated configuration. */
  configVersion: string;
  killSelection: KillSelection;
  upgradeStrategy: UpgradeStrategy;
  tasks: ReconcileTask[];
  /** Launches wait until this epoch ms (backoff). */
  delayedUntil?: number;
}

export interface ReconcilePlan {
  launch: Array<{ appId: string; count: number }>;
  kill: Array<{ appId: string; taskId: string; reason: 'scale-down' | 'replaced' }>;
  delayed: Array<{ appId: string; count: number; until: number }>;
}

export function planReconcile(apps: ReconcileApp[], now: number): ReconcilePlan {
  const plan: ReconcilePlan = { launch: [], kill: [], delayed: [] };
  for (const app of apps) planApp(app, now, plan);
  return plan;
}

function planApp(app: ReconcileApp, now: number, plan: ReconcilePlan): void {
  const live = app.tasks.filter((t) => !t.killRequested && !isTerminal(t.state));
  const current = live.filter((t) => t.version >= app.configVersion);
  const old = live.filter((t) => t.version < app.configVersion);
  const n = app.instances;

  // Too many tasks of the current config: scale down by the app's kill selection.
  const excess = current.length - n;
  if (excess > 0) {
    for (const t of bySelection(current, app.killSelection).slice(0, excess)) {
      plan.kill.push({ appId: app.id, taskId: t.id, reason: 'scale-down' });
    }
  }

  const { minimumHealthCapacity: mhc, maximumOverCapacity: moc } = app.upgradeStrategy;
  const maxLive = Math.max(Math.floor(n * (1 + moc)), old.length > 0 && moc === 0 && mhc === 1 ? n + 1 : n);
  const wanted = Math.max(0, n - current.length);
  const room = Math.max(0, maxLive - live.length);
  // With no old tasks there is nothing to protect: launch everything wanted.
  const launch = old.length === 0 ? wanted : Math.min(wanted, room);
  if (launch > 0) {
    if (app.delayedUntil !== undefined && app.delayedUntil > now) {
      plan.delayed.push({ appId: app.id, count: launch, until: app.delayedUntil });
    } else {
      plan.launch.push({ appId: app.id, count: launch });
    }
  }

  if (old.length > 0) {
    const minHealthy = Math.ceil(n * mhc);
    const serving = (t: ReconcileTask) =>
      t.state === 'TASK_RUNNING' && (!t.hasHealthChecks || t.healthy === true);
    let servingCount = live.filter(serving).length;
    // Old tasks that serve nobody go at once; serving ones only while the minimum stays up.
    for (const t of old.filter((t) => !serving(t))) {
      plan.kill.push({ appId: app.id, taskId: t.id, reason: 'replaced' });
    }
    for (const t of bySelection(old.filter(serving), 'OLDEST_FIRST')) {
      if (servingCount - 1 < minHealthy) break;
      plan.kill.push({ appId: app.id, taskId: t.id, reason: 'replaced' });
      servingCount -= 1;
    }
  }
}

function bySelection(tasks: ReconcileTask[], selection: KillSelection): ReconcileTask[] {
  const sorted = [...tasks].sort((a, b) => a.stagedAt - b.stagedAt || (a.id < b.id ? -1 : 1));
  return selection === 'YOUNGEST_FIRST' ? sorted.reverse() : sorted;
}
