/**
 * Stored versions of the root group: listing a group's versions, reading the root as it was, and
 * keeping only the newest ones. A version stores each app by its version; the definitions come
 * from the apps' own stored versions (an app deleted since has none left, so it is missing there).
 */

import { type RootGroup, rootGroup } from '../../deploy/root-group.js';
import type { AppDefinition } from '../../domain/app.js';
import { MAX_APP_VERSIONS } from '../../domain/limits.js';
import type { Store } from '../../store/port.js';
import type { MasterContext } from '../context.js';

/** Root group versions kept (Marathon keeps 50 versions by default, --max_versions). */
export const MAX_ROOT_VERSIONS = 50;

/** The versions at which `groupId` changed, newest first. */
export async function groupVersions(store: Store, groupId: string): Promise<string[]> {
  const out = new Set<string>();
  for (const v of await store.listRootGroupVersions()) {
    const root = await store.getRootGroupVersion(v);
    const g = root?.groups.find((x) => x.id === groupId);
    if (g) out.add(g.version);
  }
  return [...out].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
}

/**
 * The root group as it was when `groupId` was at `version` (the newest root version where it
 * still was), or undefined when no stored root has it at that version.
 */
export async function rootWhenGroupWas(
  store: Store,
  groupId: string,
  version: string,
): Promise<RootGroup | undefined> {
  for (const v of await store.listRootGroupVersions()) {
    const root = await store.getRootGroupVersion(v);
    if (!root?.groups.some((g) => g.id === groupId && g.version === version)) continue;
    const apps: AppDefinition[] = [];
    for (const ref of root.apps) {
      const app = await store.getAppVersion(ref.id, ref.version);
      if (app) apps.push(app);
    }
    return rootGroup(root.version, root.groups, apps);
  }
  return undefined;
}

export async function pruneRootVersions(ctx: MasterContext, keep = MAX_ROOT_VERSIONS): Promise<void> {
  const versions = await ctx.deps.store.listRootGroupVersions();
  for (const v of versions.slice(keep)) await ctx.deps.store.deleteRootGroupVersion(v);
}

/**
 * Keeps each app's newest MAX_APP_VERSIONS versions (Marathon's --max_versions): each version is a
 * whole definition, and an app PUT with a few MB of env hundreds of times used to fill the heap.
 */
export async function pruneAppVersions(
  ctx: MasterContext,
  appIds: Iterable<string>,
  keep = MAX_APP_VERSIONS,
): Promise<void> {
  for (const id of appIds) {
    const versions = await ctx.deps.store.listAppVersions(id);
    for (const v of versions.slice(keep)) await ctx.deps.store.deleteAppVersion(id, v);
  }
}
