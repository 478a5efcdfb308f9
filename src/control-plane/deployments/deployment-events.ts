/**
 * Marathon's deployment events (deployment_info, deployment_step_success/failure,
 * deployment_success/failed) for a stored deployment. The plan's `original` and `target` are the
 * group trees limited to the affected apps (Marathon's "lightweight" plan keeps them out
 * altogether; subscribers that read them find the apps that changed).
 */

import { ROOT_ID } from '../../deploy/root-group.js';
import type { AppDefinition } from '../../domain/app.js';
import type { DeploymentRecord, DeploymentSide, DeploymentStep } from '../../domain/deployment.js';
import type { MasterContext } from '../context.js';
import type { DroverEvents } from '../events/event-bus.js';

type PlanJson = DroverEvents['deployment_info']['plan'];

export function planJson(d: DeploymentRecord): PlanJson {
  return {
    id: d.id,
    original: sideTree(d.original, d.version),
    target: sideTree(d.target, d.version),
    steps: d.steps,
    version: d.version,
  };
}

export function announceStep(ctx: MasterContext, d: DeploymentRecord): void {
  const step = d.steps[d.currentStep - 1];
  if (step) ctx.events.emit('deployment_info', { plan: planJson(d), currentStep: step });
}

export function announceStepSuccess(ctx: MasterContext, d: DeploymentRecord, step: DeploymentStep): void {
  ctx.events.emit('deployment_step_success', { plan: planJson(d), currentStep: step });
}

export function announceSuccess(ctx: MasterContext, d: DeploymentRecord): void {
  ctx.events.emit('deployment_success', { id: d.id, plan: planJson(d) });
}

/** A deployment that will not finish (cancelled, or replaced by a forced one). */
export function announceFailure(ctx: MasterContext, d: DeploymentRecord): void {
  const step = d.steps[d.currentStep - 1];
  if (step) ctx.events.emit('deployment_step_failure', { plan: planJson(d), currentStep: step });
  ctx.events.emit('deployment_failed', { id: d.id, plan: planJson(d) });
}

interface GroupJson {
  id: string;
  apps: AppDefinition[];
  groups: GroupJson[];
  dependencies: string[];
  version: string;
}

function sideTree(side: DeploymentSide, version: string): GroupJson {
  const byId = new Map<string, GroupJson>();
  for (const g of side.groups) {
    byId.set(g.id, { id: g.id, apps: [], groups: [], dependencies: g.dependencies, version: g.version });
  }
  const root = byId.get(ROOT_ID) ?? { id: ROOT_ID, apps: [], groups: [], dependencies: [], version };
  byId.set(ROOT_ID, root);
  const parentOf = (id: string) => {
    const i = id.lastIndexOf('/');
    return i <= 0 ? ROOT_ID : id.slice(0, i);
  };
  for (const g of [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (g.id !== ROOT_ID) byId.get(parentOf(g.id))?.groups.push(g);
  }
  for (const app of side.apps) (byId.get(parentOf(app.id)) ?? root).apps.push(app);
  return root;
}
