/**
 * The `/v2/apps` writes as deployments: each builds a draft of the root group (deploy/root-draft)
 * and hands it to deployChange. The master calls these inside its Serial queue.
 */

import { withApps, withoutApp, withRestart, withRestored } from '../../deploy/root-draft.js';
import type { RootGroup } from '../../deploy/root-group.js';
import type { RootDraft } from '../../deploy/target-root.js';
import type { AppDefinition, AppSpec } from '../../domain/app.js';
import { sameDefinition } from '../../domain/app-equality.js';
import { DroverError } from '../../domain/errors.js';
import type { TaskRecord } from '../../domain/task.js';
import type { MasterContext } from '../context.js';
import type { DeploymentRef } from '../master-api.js';
import { killAppTask } from '../tasks/reconcile-pass.js';
import { deployChange } from './deploy-change.js';
import type { DeploymentsState } from './deployments-state.js';

type Ctx = { ctx: MasterContext; ds: DeploymentsState };

export async function createApp({ ctx, ds }: Ctx, app: AppSpec): Promise<DeploymentRef> {
  if (ctx.state.apps.has(app.id)) {
    throw new DroverError('APP_EXISTS', `An app with id [${app.id}] already exists.`);
  }
  return deployed(ctx, ds, (root) => withApps(root, [app]), false, app.id);
}

/**
 * Create or replace. A stored version of the app, unchanged (the API's rollback to a version),
 * comes back with its own configuration, so tasks still running it are kept.
 */
export async function putApp(
  { ctx, ds }: Ctx,
  app: AppSpec | AppDefinition,
  force: boolean,
): Promise<DeploymentRef> {
  const stored = await storedVersion(ctx, app);
  const draft = (root: RootGroup) => (stored ? withRestored(root, [stored]) : withApps(root, [app]));
  return deployed(ctx, ds, draft, force, app.id);
}

/** `app` itself when it is one of the app's stored versions, exactly as stored. */
async function storedVersion(
  ctx: MasterContext,
  app: AppSpec | AppDefinition,
): Promise<AppDefinition | undefined> {
  const { version } = app as Partial<AppDefinition>;
  if (version === undefined) return undefined;
  const stored = await ctx.deps.store.getAppVersion(app.id, version);
  return stored && sameDefinition(stored, app) ? stored : undefined;
}

export function deleteApp({ ctx, ds }: Ctx, id: string, force: boolean): Promise<DeploymentRef> {
  requireApp(ctx, id);
  return deployed(ctx, ds, (root) => withoutApp(root, id), force);
}

/** Marathon's restart: a new configuration version of the same definition, every task replaced. */
export function restartApp({ ctx, ds }: Ctx, id: string, force: boolean): Promise<DeploymentRef> {
  requireApp(ctx, id);
  return deployed(ctx, ds, (root) => withRestart(root, id), force);
}

/**
 * Kills tasks; with `scale`, each app first loses one instance per task killed, as a deployment
 * (so it is refused with 409 while another deployment holds the app, before anything is killed).
 */
export async function killTasks(
  { ctx, ds }: Ctx,
  taskIds: string[],
  opts: { scale: boolean; force: boolean },
): Promise<{ tasks: TaskRecord[]; deployment?: DeploymentRef }> {
  const now = ctx.deps.clock.now();
  const tasks = taskIds.map((id) => ctx.state.tasks.get(id)).filter((t): t is TaskRecord => t !== undefined);
  const alive = tasks.filter((t) => t.killRequestedAt === undefined);
  let deployment: DeploymentRef | undefined;
  if (opts.scale) {
    const perApp = new Map<string, number>();
    for (const t of alive) perApp.set(t.appId, (perApp.get(t.appId) ?? 0) + 1);
    const scaled = [...perApp]
      .map(([appId, n]) => ({ app: ctx.state.apps.get(appId), n }))
      .filter((x): x is { app: AppDefinition; n: number } => x.app !== undefined)
      .map(({ app, n }) => ({ ...app, instances: Math.max(0, app.instances - n) }));
    if (scaled.length > 0) deployment = await deployed(ctx, ds, (root) => withApps(root, scaled), opts.force);
  }
  for (const t of alive) await killAppTask(ctx, t, now);
  ctx.trigger();
  return { tasks, ...(deployment ? { deployment } : {}) };
}

async function deployed(
  ctx: MasterContext,
  ds: DeploymentsState,
  draft: (root: RootGroup) => RootDraft,
  force: boolean,
  writtenId?: string,
): Promise<DeploymentRef> {
  const result = await deployChange(ctx, ds, {
    draft: (root) => ({
      draft: draft(root),
      // The body is the app itself: its 422 paths start at '/'.
      ...(writtenId !== undefined ? { paths: new Map([[writtenId, '']]) } : {}),
    }),
    force,
    ...(writtenId !== undefined ? { appId: writtenId } : {}),
  });
  if (result.kind !== 'deployed') throw new Error('unexpected dry run');
  return result.ref;
}

function requireApp(ctx: MasterContext, id: string): void {
  if (!ctx.state.apps.has(id)) throw new DroverError('APP_NOT_FOUND', `App '${id}' does not exist`);
}
