/**
 * Stored versions of the root group: listing a group's versions, reading the root as it was, and
 * keeping only the newest ones. A version stores each app by its version; the definitions come
 * from the apps' own stored versions (an app deleted since has none left, so it is missing there).
 */

import { type RootGroup, rootGroup } from '../../deploy/root-group.js';
import type { AppDefinition } from '../../domain/app.js';
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
