/**
 * The one write path for every deploying change (app create/replace/patch/delete/restart, kill
 * with scale, group changes, rollbacks, reverts): draft -> target root -> validation -> plan ->
 * lock check -> one store transaction (apps, root group version, deployment, cancelled ones) ->
 * memory -> events -> reconcile. Runs inside the master's Serial queue, so the root it starts from
 * is the one it replaces.
 */

import { dependencyIssues } from '../../deploy/dependency-validation.js';
import { planDeployment } from '../../deploy/deployment-plan.js';
import type { RootGroup } from '../../deploy/root-group.js';
import { type RootDraft, stampTarget } from '../../deploy/target-root.js';
import type { AppDefinition } from '../../domain/app.js';
import type { DeploymentRecord, DeploymentStep } from '../../domain/deployment.js';
import { DroverError, invalid } from '../../domain/errors.js';
import type { MasterContext } from '../context.js';
import type { DeploymentRef } from '../master-api.js';
import { announceFailure, announceStep } from './deployment-events.js';
import type { DeploymentsState } from './deployments-state.js';
import { pruneAppVersions, pruneRootVersions } from './root-versions.js';
import { nextVersion } from './versions.js';

export interface ChangeRequest {
  /**
   * What the change wants, from the root group current when it runs, and where the request wrote
   * each app or group (for 422 paths: '' when the body is the app itself).
   */
  draft(current: RootGroup): { draft: RootDraft; paths?: ReadonlyMap<string, string> };
  /** Cancel deployments that hold the affected apps instead of answering 409. */
  force: boolean;
  /** Plan only: change nothing. */
  dryRun?: boolean;
  /** The group the request was about, for group_change_success. */
  groupId?: string;
  /** The app a `/v2/apps/{id}` request was about: an unchanged PUT answers its version. */
  appId?: string;
}

export type ChangeResult =
  | { kind: 'deployed'; ref: DeploymentRef; deployment?: DeploymentRecord }
  | { kind: 'dryRun'; steps: DeploymentStep[] };

/** Marathon's AppLockedException text; the ids come in `deployments`. */
export const APP_LOCKED_MESSAGE =
  "App is locked by one or more deployments. Override with the option '?force=true'. " +
  "View details at '/v2/deployments/<DEPLOYMENT_ID>'.";

/**
 * Marathon's GroupManager.updateRoot: a change that fails once its request was accepted for
 * planning (the draft refuses, dependencies are invalid, an app is locked, the store fails) is
 * announced as group_change_failed with the version it would have had and the reason; a dry run
 * changes nothing and announces nothing.
 */
export async function deployChange(
  ctx: MasterContext,
  ds: DeploymentsState,
  req: ChangeRequest,
): Promise<ChangeResult> {
  const current = ds.root(ctx.state.apps);
  const version = nextVersion(ctx.deps.clock.now(), current.version);
  try {
    return await applyChange(ctx, ds, req, current, version);
  } catch (err) {
    if (!req.dryRun) {
      ctx.events.emit('group_change_failed', {
        groupId: req.groupId ?? '/',
        version,
        reason: err instanceof Error ? err.message : String(err),
      });
    }
    throw err;
  }
}

async function applyChange(
  ctx: MasterContext,
  ds: DeploymentsState,
  req: ChangeRequest,
  current: RootGroup,
  version: string,
): Promise<ChangeResult> {
  const { deps, state } = ctx;
  const { draft, paths } = req.draft(current);
  const pathOf = (id: string) => paths?.get(id);
  const target = stampTarget(current, draft, version, { pathOf });
  const issues = dependencyIssues(target, pathOf);
  if (issues.length > 0) throw invalid(issues);
  const plan = planDeployment(current, target);
  if (req.dryRun) return { kind: 'dryRun', steps: plan.steps };
  // Nothing changed (an unchanged PUT): nothing is deployed or stored.
  if (target.version === current.version) {
    const unchanged = (req.appId !== undefined && current.apps.get(req.appId)?.version) || current.version;
    return { kind: 'deployed', ref: { deploymentId: deps.ids.uuid(), version: unchanged } };
  }

  const conflicts = ds.lockedBy(plan.affectedApps);
  if (conflicts.length > 0 && !req.force) {
    throw new DroverError('APP_LOCKED', APP_LOCKED_MESSAGE, [], {
      deployments: conflicts.map((d) => ({ id: d.id })),
    });
  }

  const deployment: DeploymentRecord | undefined =
    plan.steps.length === 0
      ? undefined
      : {
          id: deps.ids.uuid(),
          version,
          affectedApps: plan.affectedApps,
          steps: plan.steps,
          currentStep: 1,
          original: side(current, plan.affectedApps),
          target: side(target, plan.affectedApps),
        };
  const removed = [...current.apps.keys()].filter((id) => !target.apps.has(id));
  const written = [...target.apps.values()].filter((a) => a !== current.apps.get(a.id));

  await deps.store.transaction(async (tx) => {
    for (const d of conflicts) await tx.deleteDeployment(d.id);
    for (const id of removed) await tx.deleteApp(id);
    for (const app of written) await tx.putApp(app);
    await tx.putRootGroupVersion({
      version,
      groups: [...target.groups.values()],
      apps: [...target.apps.values()].map((a) => ({ id: a.id, version: a.version })),
    });
    if (deployment) await tx.putDeployment(deployment);
  });

  for (const id of removed) {
    state.apps.delete(id);
    state.failures.delete(id);
    state.delays.delete(id);
    state.waiting.delete(id);
  }
  for (const app of written) {
    const before = current.apps.get(app.id);
    state.apps.set(app.id, app);
    // A new configuration forgives earlier crashes (docs/backoff.md).
    if (before?.versionInfo.lastConfigChangeAt !== app.versionInfo.lastConfigChangeAt) {
      state.delays.delete(app.id);
    }
  }
  ds.groups = new Map(target.groups);
  ds.rootVersion = version;
  for (const d of conflicts) ds.active.delete(d.id);
  if (deployment) ds.active.set(deployment.id, deployment);

  for (const d of conflicts) announceFailure(ctx, d);
  for (const id of removed) ctx.events.emit('app_terminated_event', { appId: id });
  ctx.events.emit('group_change_success', { groupId: req.groupId ?? '/', version });
  if (deployment) announceStep(ctx, deployment);
  await pruneRootVersions(ctx);
  await pruneAppVersions(
    ctx,
    written.map((a) => a.id),
  );
  ctx.trigger();
  return {
    kind: 'deployed',
    ref: { deploymentId: deployment?.id ?? deps.ids.uuid(), version },
    ...(deployment ? { deployment } : {}),
  };
}

function side(root: RootGroup, affected: readonly string[]): DeploymentRecord['original'] {
  return {
    apps: affected.map((id) => root.apps.get(id)).filter((a): a is AppDefinition => a !== undefined),
    groups: [...root.groups.values()],
  };
}
