/**
 * Reading groups: `GET /v2/groups[/{id}]` with Marathon's embeds, `GET .../versions` and
 * `GET .../versions/{version}`.
 */
import type { MasterApi } from '../../control-plane/master-api.js';
import type { RootGroup } from '../../deploy/root-group.js';
import { DroverError } from '../../domain/errors.js';
import { allValues, type Query } from '../query-params.js';
import { type GroupEmbed, groupView } from '../views/group-view.js';
import { activeTasks, groupByApp } from '../views/task-counts.js';
import { resolveAppEmbed } from './embed.js';
import type { RouteContext } from './route-context.js';

export function showGroup(ctx: RouteContext, id: string, q: Query): Record<string, unknown> {
  const root = ctx.master.rootGroup();
  requireGroup(root, id);
  return view(ctx, root, id, q);
}

export async function listGroupVersions(ctx: RouteContext, id: string): Promise<string[]> {
  requireGroup(ctx.master.rootGroup(), id);
  return ctx.master.groupVersions(id);
}

export async function showGroupVersion(
  ctx: RouteContext,
  id: string,
  version: string,
  q: Query,
): Promise<Record<string, unknown>> {
  return view(ctx, await groupAt(ctx.master, id, version), id, q);
}

/** The root group as it was when `id` was at `version`; 404 when no stored version has it. */
export async function groupAt(master: MasterApi, id: string, version: string): Promise<RootGroup> {
  const root = await master.groupAtVersion(id, version);
  if (!root) throw new DroverError('VERSION_NOT_FOUND', `Group '${id}' does not exist in version ${version}`);
  return root;
}

export function requireGroup(root: RootGroup, id: string): void {
  if (!root.groups.has(id)) throw new DroverError('GROUP_NOT_FOUND', `Group '${id}' does not exist`);
}

function view(ctx: RouteContext, root: RootGroup, id: string, q: Query): Record<string, unknown> {
  const embed = groupEmbed(allValues(q, 'embed'));
  const needTasks = embed.app.has('counts') || embed.app.has('tasks') || embed.app.has('taskStats');
  const byApp = needTasks ? groupByApp(activeTasks(ctx.master.listTasks())) : new Map();
  return groupView(root, id, {
    embed,
    tasksOf: (appId) => byApp.get(appId) ?? [],
    deploymentIdsOf: (appId) => ctx.master.deploymentIdsFor(appId),
    lastTaskFailure: (appId) => ctx.master.lastTaskFailure(appId),
    now: ctx.clock.now(),
  });
}

/**
 * Marathon's group embeds: without any, `group.groups` and `group.apps`; `group.apps.<x>` embeds
 * the apps with `<x>` (counts, tasks, deployments, readiness, lastTaskFailure, failures, taskStats).
 */
export function groupEmbed(values: string[]): GroupEmbed {
  const given = values.flatMap((v) => v.split(',')).map((v) => v.trim());
  if (given.length === 0) return { apps: true, groups: true, app: new Set() };
  return {
    apps: given.some((v) => v === 'group.apps' || v.startsWith('group.apps.')),
    groups: given.includes('group.groups'),
    app: resolveAppEmbed(given.filter((v) => v.startsWith('group.apps.'))),
  };
}
