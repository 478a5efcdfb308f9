/**
 * An app and its stored tasks as the pure cores see them: scheduler/'s ReconcileApp, and from it
 * (scheduler/reconcile-plan.ts rolloutOf, the one mapping) deploy/'s rolling view. The reconciler
 * (to act) and the deployment runner (to see whether an action is finished) use the same mapping,
 * so they can never disagree about what "done" means.
 *
 * Only the reconciler marks tasks on a draining agent (`draining`) as having to move; the runner
 * judges an action without them, so a drain never holds a deployment back.
 */
import type { RolloutApp } from '../../deploy/rolling-replacement.js';
import type { AppDefinition } from '../../domain/app.js';
import type { TaskRecord } from '../../domain/task.js';
import {
  type ReconcileApp,
  type ReconcilePhase,
  type ReconcileTask,
  rolloutOf,
} from '../../scheduler/reconcile-plan.js';

export interface ReconcileContext {
  phase?: ReconcilePhase;
  /** Launches wait until then (backoff). */
  delayedUntil?: number;
  /** Whether the agent is draining: its tasks must move. */
  draining?: (agentId: string) => boolean;
}

export function reconcileAppOf(
  app: AppDefinition,
  tasks: readonly TaskRecord[],
  rc: ReconcileContext = {},
): ReconcileApp {
  return {
    id: app.id,
    instances: app.instances,
    configVersion: app.versionInfo.lastConfigChangeAt,
    killSelection: app.killSelection,
    upgradeStrategy: app.upgradeStrategy,
    phase: rc.phase ?? 'steady',
    hasHealthChecks: app.healthChecks.length > 0,
    hasReadinessChecks: app.readinessChecks.length > 0,
    ...(rc.delayedUntil !== undefined ? { delayedUntil: rc.delayedUntil } : {}),
    tasks: tasks.map((t) =>
      reconcileTaskOf(t, app.healthChecks.length > 0, rc.draining?.(t.agentId) === true),
    ),
  };
}

/**
 * Each task's view, kept while its record lives: a record is replaced, never changed, by every
 * write (master-state.ts), so a record seen before maps to the same view. Every reconcile pass
 * and every deployment check maps every task of the apps it looks at; building the views anew
 * was the largest allocation of the master in the placement bench (10,000 tasks, a pass per
 * burst of status updates, BENCHMARKS.md). The views are read-only to the pure cores.
 */
const views = new WeakMap<TaskRecord, ReconcileTask>();

function reconcileTaskOf(t: TaskRecord, hasHealthChecks: boolean, mustMove: boolean): ReconcileTask {
  const seen = views.get(t);
  if (seen && seen.hasHealthChecks === hasHealthChecks && (seen.mustMove === true) === mustMove) return seen;
  const view: ReconcileTask = {
    id: t.id,
    version: t.version,
    ...(t.configVersion !== undefined ? { configVersion: t.configVersion } : {}),
    state: t.state,
    stagedAt: t.stagedAt,
    ...(t.startedAt !== undefined ? { startedAt: t.startedAt } : {}),
    killRequested: t.killRequestedAt !== undefined,
    ...(t.healthy !== undefined ? { healthy: t.healthy } : {}),
    ...(t.ready !== undefined ? { ready: t.ready } : {}),
    hasHealthChecks,
    // Drain: tasks on a draining agent are replaced elsewhere (reconcile-plan.ts, mustMove).
    ...(mustMove ? { mustMove: true } : {}),
  };
  views.set(t, view);
  return view;
}

/** The deployment runner's view: no drain moves. */
export function rolloutView(app: AppDefinition, tasks: readonly TaskRecord[]): RolloutApp {
  return rolloutOf(reconcileAppOf(app, tasks));
}
