/**
 * Pure reconciliation: for each app, compare the tasks it has with what it should have and decide
 * what to launch and what to kill. Placement of the launches is placement.ts's job.
 *
 * Deployments and the steady state never fight because each app is in exactly one phase, which
 * the control plane derives from the running deployments (control-plane/deployments/deployments-state.ts):
 *
 *   steady   no deployment acts on the app: keep exactly `instances` live tasks, whatever
 *            configuration they run (replacing tasks is a deployment's job, so a deployment
 *            stopped with force leaves its mix of versions alone, as Marathon does);
 *   rolling  a Scale/Restart action of a deployment's current step: deploy/'s rollingStep decides,
 *            within the upgrade strategy's bounds;
 *   frozen   a deployment acts on the app in a later step: nothing is launched or killed.
 *
 * Launches of every phase wait out the app's launch backoff.
 */

import { runsCurrentConfig } from '../deploy/current-config.js';
import { type RolloutApp, type RolloutTask, rollingStep } from '../deploy/rolling-replacement.js';
import type { KillSelection, UpgradeStrategy } from '../domain/app.js';
import type { TaskState } from '../domain/task.js';
import { isTerminal } from '../domain/task.js';

export interface ReconcileTask {
  id: string;
  version: string;
  /** The configuration (lastConfigChangeAt) the task was launched with. */
  configVersion?: string;
  state: TaskState;
  stagedAt: number;
  startedAt?: number;
  killRequested: boolean;
  /** false = failing its health checks; undefined = no checks or unknown yet. */
  healthy?: boolean;
  ready?: boolean;
  /** True when the app has health checks, so "running" alone is not enough. */
  hasHealthChecks: boolean;
  /**
   * The task runs on a draining agent (agent maintenance, control-plane/agents/agent-drain.ts) and must
   * move: it counts as outdated, so it is replaced like one, within the upgrade strategy, even in
   * the steady phase. Hook for the drain feature; the deployments code owns how replacement runs.
   */
  mustMove?: boolean;
}

export type ReconcilePhase = 'steady' | 'rolling' | 'frozen';

export interface ReconcileApp {
  id: string;
  instances: number;
  /** The app's lastConfigChangeAt: tasks launched under another one run an outdated configuration. */
  configVersion: string;
  killSelection: KillSelection;
  upgradeStrategy: UpgradeStrategy;
  tasks: ReconcileTask[];
  /** Launches wait until this epoch ms (backoff). */
  delayedUntil?: number;
  /** Default steady. */
  phase?: ReconcilePhase;
  /** Default: whether the tasks say the app has health checks. */
  hasHealthChecks?: boolean;
  hasReadinessChecks?: boolean;
}

export interface ReconcilePlan {
  launch: Array<{ appId: string; count: number }>;
  kill: Array<{ appId: string; taskId: string; reason: 'scale-down' | 'replaced' }>;
  delayed: Array<{ appId: string; count: number; until: number }>;
}

export function planReconcile(apps: ReconcileApp[], now: number): ReconcilePlan {
  const plan: ReconcilePlan = { launch: [], kill: [], delayed: [] };
  for (const app of apps) {
    switch (drainPhase(app)) {
      case 'frozen':
        break;
      case 'rolling': {
        const step = rollingStep(rolloutOf(app));
        for (const k of step.kill) plan.kill.push({ appId: app.id, ...k });
        addLaunch(plan, app, step.launch, now);
        break;
      }
      case 'steady':
        planSteady(app, now, plan);
        break;
    }
  }
  return plan;
}

function planSteady(app: ReconcileApp, now: number, plan: ReconcilePlan): void {
  const live = app.tasks.filter(
    (t) => !t.killRequested && t.state !== 'TASK_KILLING' && !isTerminal(t.state),
  );
  const excess = live.length - app.instances;
  if (excess > 0) {
    for (const t of steadyKillOrder(app, live).slice(0, excess)) {
      plan.kill.push({ appId: app.id, taskId: t.id, reason: 'scale-down' });
    }
  }
  addLaunch(plan, app, Math.max(0, -excess), now);
}

function addLaunch(plan: ReconcilePlan, app: ReconcileApp, count: number, now: number): void {
  if (count <= 0) return;
  if (app.delayedUntil !== undefined && app.delayedUntil > now) {
    plan.delayed.push({ appId: app.id, count, until: app.delayedUntil });
  } else {
    plan.launch.push({ appId: app.id, count });
  }
}

/** Outdated tasks first, then tasks that serve nobody, then the app's killSelection. */
function steadyKillOrder(app: ReconcileApp, tasks: ReconcileTask[]): ReconcileTask[] {
  const rank = (t: ReconcileTask) =>
    (current(app, t) ? 2 : 0) + (t.state === 'TASK_RUNNING' && t.healthy !== false ? 1 : 0);
  const age = app.killSelection === 'YOUNGEST_FIRST' ? -1 : 1;
  return [...tasks].sort(
    (a, b) => rank(a) - rank(b) || age * (a.stagedAt - b.stagedAt || (a.id < b.id ? -1 : 1)),
  );
}

function current(app: ReconcileApp, t: ReconcileTask): boolean {
  return t.mustMove !== true && runsCurrentConfig(t, app.configVersion);
}

/** A steady app with live tasks on a draining agent rolls them out (onto other agents) as a restart would. */
function drainPhase(app: ReconcileApp): ReconcilePhase {
  const phase = app.phase ?? 'steady';
  const moving = app.tasks.some((t) => t.mustMove === true && !t.killRequested && !isTerminal(t.state));
  return phase === 'steady' && moving ? 'rolling' : phase;
}

/**
 * The app as deploy/'s rolling step sees it: the one mapping, used here (to act) and by the
 * control plane's deployment runner (to judge whether an action is done). Tasks marked mustMove
 * count as outdated.
 */
export function rolloutOf(app: ReconcileApp): RolloutApp {
  return {
    instances: app.instances,
    upgradeStrategy: app.upgradeStrategy,
    killSelection: app.killSelection,
    hasHealthChecks: app.hasHealthChecks ?? app.tasks.some((t) => t.hasHealthChecks),
    hasReadinessChecks: app.hasReadinessChecks === true,
    tasks: app.tasks.map((t) => rolloutTaskOf(t, current(app, t))),
  };
}

/**
 * Each task's rolling view, kept while its reconcile view lives (the control plane keeps those
 * per stored record, control-plane/deployments/rollout-view.ts): every pass maps every task of
 * every app in a deployment, and building the views anew was a large part of the master's
 * allocation in the placement bench. Views are read-only to rollingStep.
 */
const rolloutViews = new WeakMap<ReconcileTask, RolloutTask>();

function rolloutTaskOf(t: ReconcileTask, isCurrent: boolean): RolloutTask {
  const seen = rolloutViews.get(t);
  if (seen && seen.current === isCurrent) return seen;
  const view: RolloutTask = {
    id: t.id,
    current: isCurrent,
    state: t.state,
    stagedAt: t.stagedAt,
    killRequested: t.killRequested,
  };
  if (t.healthy !== undefined) view.healthy = t.healthy;
  if (t.ready !== undefined) view.ready = t.ready;
  rolloutViews.set(t, view);
  return view;
}
