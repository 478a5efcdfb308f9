/**
 * A group as `GET /v2/groups[/{id}]` shows it (types/group.raml GroupInfo): `id`, `apps`,
 * `groups`, `pods` (always empty), `dependencies`, `version`, nested. Only Marathon's keys:
 * python3-marathon's MarathonGroup takes exactly these. `apps` and `groups` appear when embedded
 * (both by default); apps carry the read-only fields their `group.apps.*` embeds ask for.
 */

import { childrenOf, type RootGroup } from '../../deploy/root-group.js';
import type { AppDefinition } from '../../domain/app.js';
import type { TaskFailure, TaskRecord } from '../../domain/task.js';
import type { AppEmbed } from '../marathon/embed.js';
import { appView } from './app-view.js';

export interface GroupEmbed {
  apps: boolean;
  groups: boolean;
  app: ReadonlySet<AppEmbed>;
}

export interface GroupViewContext {
  embed: GroupEmbed;
  tasksOf(appId: string): TaskRecord[];
  deploymentIdsOf(appId: string): string[];
  lastTaskFailure(appId: string): TaskFailure | undefined;
  now: number;
}

export function groupView(root: RootGroup, id: string, ctx: GroupViewContext): Record<string, unknown> {
  const g = root.groups.get(id);
  const { groups, apps } = childrenOf(root, id);
  const out: Record<string, unknown> = { id };
  if (ctx.embed.apps) out.apps = apps.map((a) => appInGroup(a, ctx));
  if (ctx.embed.groups) out.groups = groups.map((child) => groupView(root, child.id, ctx));
  out.pods = [];
  out.dependencies = g?.dependencies ?? [];
  out.version = g?.version ?? root.version;
  return out;
}

function appInGroup(app: AppDefinition, ctx: GroupViewContext): Record<string, unknown> {
  const failure = ctx.embed.app.has('lastTaskFailure') ? ctx.lastTaskFailure(app.id) : undefined;
  return appView({
    app,
    tasks: ctx.tasksOf(app.id),
    embed: ctx.embed.app,
    deploymentIds: ctx.deploymentIdsOf(app.id),
    ...(failure ? { lastTaskFailure: failure } : {}),
    now: ctx.now,
  });
}
