/**
 * Marathon's group tree, kept flat: every group and every app by id. A group exists explicitly
 * (it has a record with its dependencies and version), and every ancestor of an app or group is
 * always a group too (`withAncestors` keeps that invariant), so an app created at `/a/b/c` makes
 * `/a` and `/a/b` exist until they are deleted, as in Marathon.
 */
import type { AppDefinition } from '../domain/app.js';
import type { GroupRecord } from '../domain/deployment.js';

export type { GroupRecord } from '../domain/deployment.js';

export const ROOT_ID = '/';

export interface RootGroup {
  version: string;
  groups: ReadonlyMap<string, GroupRecord>;
  apps: ReadonlyMap<string, AppDefinition>;
}

/** `/a/b/c` -> [`/`, `/a`, `/a/b`]; `/` -> []. */
export function ancestorsOf(id: string): string[] {
  const segments = id.split('/').filter((s) => s !== '');
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) out.push(`/${segments.slice(0, i).join('/')}`);
  return out;
}

export function parentOf(id: string): string {
  return ancestorsOf(id).at(-1) ?? ROOT_ID;
}

/** True when `id` is `group` itself or lies below it. */
export function isWithin(id: string, group: string): boolean {
  return group === ROOT_ID || id === group || id.startsWith(`${group}/`);
}

/** Adds a record (at `version`) for every missing ancestor of the apps and groups, and the root. */
export function withAncestors(
  groups: ReadonlyMap<string, GroupRecord>,
  appIds: Iterable<string>,
  version: string,
): Map<string, GroupRecord> {
  const out = new Map(groups);
  const ensure = (id: string) => {
    if (!out.has(id)) out.set(id, { id, dependencies: [], version });
  };
  ensure(ROOT_ID);
  for (const id of [...appIds, ...groups.keys()]) for (const a of ancestorsOf(id)) ensure(a);
  return out;
}

/** Apps at or below `group`, sorted by id. */
export function appsWithin(root: RootGroup, group: string): AppDefinition[] {
  return [...root.apps.values()].filter((a) => isWithin(a.id, group)).sort(byId);
}

/** Groups strictly below `group`, sorted by id. */
export function groupsBelow(root: RootGroup, group: string): GroupRecord[] {
  return [...root.groups.values()].filter((g) => g.id !== group && isWithin(g.id, group)).sort(byId);
}

/** The direct children of a group: subgroups and apps one level down. */
export function childrenOf(root: RootGroup, group: string): { groups: GroupRecord[]; apps: AppDefinition[] } {
  const direct = (id: string) => id !== group && parentOf(id) === group;
  return {
    groups: [...root.groups.values()].filter((g) => direct(g.id)).sort(byId),
    apps: [...root.apps.values()].filter((a) => direct(a.id)).sort(byId),
  };
}

/** Builds a RootGroup, filling in missing ancestor groups at the root's version. */
export function rootGroup(
  version: string,
  groups: Iterable<GroupRecord>,
  apps: Iterable<AppDefinition>,
): RootGroup {
  const appMap = new Map([...apps].map((a) => [a.id, a] as const));
  const groupMap = new Map([...groups].map((g) => [g.id, g] as const));
  return { version, apps: appMap, groups: withAncestors(groupMap, appMap.keys(), version) };
}

function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
