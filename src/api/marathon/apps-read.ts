/**
 * Reading apps: `GET /v2/apps` (filters `id`, `cmd`, `label`; `embed`), `GET /v2/apps/{id}`,
 * `GET /v2/apps/{group}/*`, and an app's stored versions.
 */

import type { AppDefinition } from '../../domain/app.js';
import { withSecretRefs } from '../../domain/app-secrets.js';
import { DroverError } from '../../domain/errors.js';
import { JSON_TYPE, type ViewRequest } from '../cached-view.js';
import { allValues, oneValue, type Query } from '../query-params.js';
import { appView } from '../views/app-view.js';
import { activeTasks } from '../views/task-counts.js';
import { requireApp } from './app-lookup.js';
import { type AppEmbed, listEmbed, showEmbed } from './embed.js';
import { matchesLabels, parseLabelSelectors } from './label-selector.js';
import type { RouteContext } from './route-context.js';

export function listApps(ctx: RouteContext, q: Query): { apps: Array<Record<string, unknown>> } {
  const keep = appFilter(q);
  return { apps: views(ctx, ctx.master.listApps().filter(keep), listEmbed(allValues(q, 'embed'))) };
}

/**
 * `GET /v2/apps` as a cached view: one entry per filter and resolved embed set (`apps.tasks` and
 * `app.tasks` share one). `taskStats` shows task life times, which change with the clock, not
 * with the state: that variant is built every time.
 */
export function listAppsView(ctx: RouteContext, q: Query): ViewRequest {
  const embed = listEmbed(allValues(q, 'embed'));
  const key = JSON.stringify([
    [...embed].sort(),
    oneValue(q, 'id'),
    oneValue(q, 'cmd'),
    oneValue(q, 'label'),
  ]);
  return {
    key,
    revision: embed.has('taskStats') ? undefined : ctx.master.viewRevision?.(),
    build: () => listApps(ctx, q),
    type: JSON_TYPE,
  };
}

export function showApp(ctx: RouteContext, id: string, q: Query): { app: Record<string, unknown> } {
  const app = requireApp(ctx.master, id);
  return { app: views(ctx, [app], showEmbed(allValues(q, 'embed')))[0] as Record<string, unknown> };
}

/** Marathon's `GET /v2/apps/{group}/*`: every app under the group, keyed by `*`. */
export function showGroupApps(
  ctx: RouteContext,
  prefix: string,
  q: Query,
): { '*': Array<Record<string, unknown>> } {
  const under = prefix === '/' ? '/' : `${prefix}/`;
  const apps = ctx.master.listApps().filter((a) => a.id.startsWith(under));
  if (apps.length === 0 && prefix !== '/')
    throw new DroverError('GROUP_NOT_FOUND', `Group '${prefix}' does not exist`);
  return { '*': views(ctx, apps, showEmbed(allValues(q, 'embed'))) };
}

export async function listVersions(ctx: RouteContext, id: string): Promise<{ versions: string[] }> {
  requireApp(ctx.master, id);
  return { versions: await ctx.master.listAppVersions(id) };
}

export async function showVersion(
  ctx: RouteContext,
  id: string,
  version: string,
): Promise<Record<string, unknown>> {
  requireApp(ctx.master, id);
  const app = await ctx.master.getAppVersion(id, version);
  if (!app) throw new DroverError('VERSION_NOT_FOUND', `App '${id}' does not exist in version ${version}`);
  return withSecretRefs(app);
}

function views(
  ctx: RouteContext,
  apps: AppDefinition[],
  embed: Set<AppEmbed>,
): Array<Record<string, unknown>> {
  const needTasks = embed.has('counts') || embed.has('tasks') || embed.has('taskStats');
  // Each app's tasks from the master's per-app index: one app's view reads that app's tasks, not
  // every task of the cluster (100,000 at scale) grouped by app.
  const tasksOf = (id: string) => (needTasks ? activeTasks(ctx.master.listTasks(id)) : []);
  const now = ctx.clock.now();
  return apps.map((app) =>
    appView({
      app,
      tasks: tasksOf(app.id),
      embed,
      lastTaskFailure: embed.has('lastTaskFailure') ? ctx.master.lastTaskFailure(app.id) : undefined,
      deploymentIds: ctx.master.deploymentIdsFor(app.id),
      now,
    }),
  );
}

/** Marathon's search: case-insensitive substrings of `id` and `cmd`, and a label selector. */
function appFilter(q: Query): (app: AppDefinition) => boolean {
  const id = oneValue(q, 'id')?.toLowerCase();
  const cmd = oneValue(q, 'cmd')?.toLowerCase();
  const label = oneValue(q, 'label');
  const selectors = label === undefined ? undefined : parseLabelSelectors(label);
  return (app) =>
    (id === undefined || app.id.toLowerCase().includes(id)) &&
    (cmd === undefined || app.cmd?.toLowerCase().includes(cmd) === true) &&
    (selectors === undefined || matchesLabels(app.labels, selectors));
}
