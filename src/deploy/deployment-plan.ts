/**
 * The deployment plan (Marathon's DeploymentPlan.apply): what turns the current root group into
 * the target, as ordered steps whose actions run concurrently.
 *
 *   1. StopApplication for removed apps, dependents first (one step per dependency level, deepest
 *      first: Marathon stops them all at once, its docs promise this order).
 *   2. StartApplication (at 0 instances) for new apps, all in one step.
 *   3. ScaleApplication (new apps, instance-only changes) and RestartApplication (configuration
 *      changes, i.e. a new `versionInfo.lastConfigChangeAt`) one step per dependency level of the
 *      target, dependencies first.
 *
 * Empty steps are dropped; a plan without steps deploys nothing.
 */
import type { DeploymentAction, DeploymentActionName, DeploymentStep } from '../domain/deployment.js';
import { dependencyGraph, dependencyLevels } from './dependency-graph.js';
import type { RootGroup } from './root-group.js';

export type { DeploymentAction, DeploymentActionName, DeploymentStep } from '../domain/deployment.js';

export interface DeploymentPlan {
  steps: DeploymentStep[];
  /** Every app an action touches, sorted. */
  affectedApps: string[];
}

export function planDeployment(original: RootGroup, target: RootGroup): DeploymentPlan {
  const removed = [...original.apps.keys()].filter((id) => !target.apps.has(id));
  const added = [...target.apps.keys()].filter((id) => !original.apps.has(id));

  const steps: DeploymentStep[] = [];
  if (removed.length > 0) {
    const levels = dependencyLevels(dependencyGraph(original));
    for (const ids of byLevel(removed, levels).reverse()) steps.push(step('StopApplication', ids));
  }
  steps.push(step('StartApplication', added));

  const changes = new Map<string, DeploymentAction['action']>();
  for (const app of target.apps.values()) {
    const before = original.apps.get(app.id);
    if (!before) changes.set(app.id, 'ScaleApplication');
    else if (before.versionInfo.lastConfigChangeAt !== app.versionInfo.lastConfigChangeAt)
      changes.set(app.id, 'RestartApplication');
    else if (before.version !== app.version) changes.set(app.id, 'ScaleApplication');
  }
  if (changes.size > 0) {
    const levels = dependencyLevels(dependencyGraph(target));
    for (const ids of byLevel([...changes.keys()], levels)) {
      steps.push({ actions: ids.map((app) => ({ action: changes.get(app)!, app })) });
    }
  }

  const nonEmpty = steps.filter((s) => s.actions.length > 0);
  const affected = new Set(nonEmpty.flatMap((s) => s.actions.map((a) => a.app)));
  return { steps: nonEmpty, affectedApps: [...affected].sort() };
}

function step(action: DeploymentActionName, ids: string[]): DeploymentStep {
  return { actions: [...ids].sort().map((app) => ({ action, app })) };
}

/** Ids grouped by level, lowest level first; each group sorted. */
function byLevel(ids: string[], levels: ReadonlyMap<string, number>): string[][] {
  const grouped = new Map<number, string[]>();
  for (const id of ids) {
    const l = levels.get(id) ?? 0;
    grouped.set(l, [...(grouped.get(l) ?? []), id]);
  }
  return [...grouped.keys()].sort((a, b) => a - b).map((l) => grouped.get(l)!.sort());
}
