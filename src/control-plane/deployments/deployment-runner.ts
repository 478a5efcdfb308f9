/**
 * Moves running deployments forward and cancels them. After each reconcile pass the runner asks
 * deploy/'s actionDone for every action of each deployment's current step (judged from the tasks,
 * so a restarted master resumes correctly); a finished step is persisted as the next one, a
 * finished deployment is deleted, and the events go out after the store has the change.
 *
 * The runner never launches or kills: it only changes which step is current, which changes the
 * apps' phases (deployments-state.ts) that the reconciler acts on.
 */

import { revertDraft } from '../../deploy/revert.js';
import { mayBeDone } from '../../deploy/rolling-replacement.js';
import { actionDone } from '../../deploy/step-progress.js';
import type { DeploymentRecord, DeploymentStep } from '../../domain/deployment.js';
import { DroverError } from '../../domain/errors.js';
import type { MasterContext } from '../context.js';
import type { DeploymentRef } from '../master-api.js';
import { deployChange } from './deploy-change.js';
import { announceFailure, announceStep, announceStepSuccess, announceSuccess } from './deployment-events.js';
import type { DeploymentsState } from './deployments-state.js';
import { rolloutView } from './rollout-view.js';

/** Returns true when some deployment moved (its apps' phases changed: reconcile again). */
export async function advanceDeployments(ctx: MasterContext, ds: DeploymentsState): Promise<boolean> {
  let moved = false;
  for (const d of ds.list()) {
    const finishedSteps: DeploymentStep[] = [];
    let step = d.currentStep;
    while (step <= d.steps.length && stepDone(ctx, d.steps[step - 1]!)) {
      finishedSteps.push(d.steps[step - 1]!);
      step += 1;
    }
    if (finishedSteps.length === 0) continue;
    moved = true;
    const next: DeploymentRecord = { ...d, currentStep: Math.min(step, d.steps.length) };
    const finished = step > d.steps.length;
    if (finished) await ctx.deps.store.deleteDeployment(d.id);
    else await ctx.deps.store.putDeployment(next);
    if (finished) ds.active.delete(d.id);
    else ds.active.set(d.id, next);

    // Each finished step is reported against the plan as it stood then.
    finishedSteps.forEach((s, i) => {
      announceStepSuccess(ctx, { ...d, currentStep: d.currentStep + i }, s);
      if (d.currentStep + i + 1 <= d.steps.length) {
        announceStep(ctx, { ...d, currentStep: d.currentStep + i + 1 });
      }
    });
    if (finished) announceSuccess(ctx, next);
  }
  return moved;
}

function stepDone(ctx: MasterContext, step: DeploymentStep): boolean {
  return step.actions.every((action) => {
    const app = ctx.state.apps.get(action.app);
    const tasks = ctx.state.tasksOf(action.app);
    // Checked without building the rollout view (mayBeDone): most passes come while tasks start.
    const rolls = action.action === 'ScaleApplication' || action.action === 'RestartApplication';
    if (app && rolls && !mayBeDone(app.instances, tasks)) return false;
    return actionDone({
      action,
      rollout: app ? rolloutView(app, tasks) : undefined,
      activeTasks: tasks.length,
    });
  });
}

/**
 * `DELETE /v2/deployments/{id}`. With force the deployment just stops (its apps keep whatever
 * tasks they have and are kept at their instance count from now on); without, a new deployment
 * reverts its changes (Marathon's rollback), and that one's ref is returned.
 */
export async function cancelDeployment(
  ctx: MasterContext,
  ds: DeploymentsState,
  id: string,
  force: boolean,
): Promise<DeploymentRef | undefined> {
  const d = ds.active.get(id);
  if (!d) throw new DroverError('DEPLOYMENT_NOT_FOUND', `DeploymentPlan ${id} does not exist`);
  if (!force) {
    // force: the revert takes over the apps of the deployment it reverts, cancelling it in the
    // same transaction.
    const result = await deployChange(ctx, ds, {
      draft: (root) => ({ draft: revertDraft(root, d) }),
      force: true,
    });
    // A revert that changes nothing leaves the deployment to be stopped here.
    if (ds.active.has(id)) await stop(ctx, ds, d);
    return result.kind === 'deployed' ? result.ref : undefined;
  }
  await stop(ctx, ds, d);
  return undefined;
}

async function stop(ctx: MasterContext, ds: DeploymentsState, d: DeploymentRecord): Promise<void> {
  await ctx.deps.store.deleteDeployment(d.id);
  ds.active.delete(d.id);
  announceFailure(ctx, d);
  ctx.trigger();
}
