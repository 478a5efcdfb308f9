/**
 * What each `/v2/groups` request makes of the current root group, as a draft for stampTarget:
 *
 *   POST    create: the group must not exist yet (409 as in Marathon).
 *   PUT     Marathon's GroupUpdate: `apps` given replaces the group's own apps (whole
 *           definitions; apps left out are stopped), `groups` given replaces its subgroups (each
 *           updated the same way, or created), `dependencies` given replaces them; a field left
 *           out keeps what is there. Creates the group when missing.
 *   PATCH   Drover: like PUT but nothing is removed: listed apps are patched (or created),
 *           listed subgroups patched (or created).
 *   DELETE  the group and everything below it (on `/`, everything).
 *   scaleBy every app below the group gets ceil(instances * factor).
 *   version the group's subtree as stored at that version.
 */
import type { AppDefinition, AppSpec } from '../domain/app.js';
import { applyAppPatch, parseAppDefinition } from '../domain/app-validate.js';
import { DroverError, type ErrorDetail, invalid, isDroverError } from '../domain/errors.js';
import { MAX_INSTANCES } from '../domain/limits.js';
import { type AppBody, GROUP_MESSAGES, type GroupBody } from './group-body.js';
import { draftOf, type EditableDraft, scaledInstances } from './root-draft.js';
import { isWithin, parentOf, ROOT_ID, type RootGroup } from './root-group.js';

export interface GroupChange {
  draft: EditableDraft;
  /** Where the request wrote each app or group, for 422 paths. */
  paths: Map<string, string>;
}

type Mode = 'replace' | 'patch';

export function createGroup(current: RootGroup, body: GroupBody): GroupChange {
  if (current.groups.has(body.id) || current.apps.has(body.id)) {
    throw new DroverError('CONFLICT', `Group ${body.id} is already created. Use PUT to change this group.`);
  }
  return write(current, body, 'replace');
}

export function replaceGroup(current: RootGroup, body: GroupBody): GroupChange {
  return write(current, body, 'replace');
}

export function patchGroup(current: RootGroup, body: GroupBody): GroupChange {
  return write(current, body, 'patch');
}

export function deleteGroup(current: RootGroup, id: string): GroupChange {
  requireGroup(current, id);
  const draft = draftOf(current);
  removeWithin(draft, id, true);
  return { draft, paths: new Map() };
}

export function scaleGroup(current: RootGroup, id: string, factor: number): GroupChange {
  requireGroup(current, id);
  const draft = draftOf(current);
  const tooMany: string[] = [];
  for (const app of current.apps.values()) {
    if (!isWithin(app.id, id)) continue;
    const instances = scaledInstances(app.instances, factor);
    if (instances > MAX_INSTANCES) tooMany.push(`${app.id} would get ${instances} instances`);
    draft.apps.set(app.id, { ...app, instances });
  }
  if (tooMany.length > 0) {
    const errors = tooMany.slice(0, 10).map((t) => `${t}; at most ${MAX_INSTANCES} are allowed`);
    throw invalid([{ path: '/scaleBy', errors }]);
  }
  return { draft, paths: new Map() };
}

/** `historical` is the root group as stored at the version rolled back to. */
export function rollbackGroup(current: RootGroup, id: string, historical: RootGroup): GroupChange {
  const draft = draftOf(current);
  removeWithin(draft, id, true);
  for (const g of historical.groups.values()) {
    if (isWithin(g.id, id)) draft.groups.set(g.id, { id: g.id, dependencies: g.dependencies });
  }
  for (const app of historical.apps.values()) {
    if (!isWithin(app.id, id)) continue;
    draft.apps.set(app.id, app);
    draft.restored.add(app.id);
  }
  return { draft, paths: new Map() };
}

export function requireGroup(root: RootGroup, id: string): void {
  if (!root.groups.has(id)) throw new DroverError('GROUP_NOT_FOUND', `Group '${id}' does not exist`);
}

function write(current: RootGroup, body: GroupBody, mode: Mode): GroupChange {
  const draft = draftOf(current);
  const paths = new Map<string, string>();
  const details: ErrorDetail[] = [];
  if (current.apps.has(body.id)) details.push({ path: '/id', errors: [GROUP_MESSAGES.clash([body.id])] });
  writeGroup(current, draft, body, mode, paths, details);
  for (const id of draft.groups.keys()) {
    if (draft.apps.has(id)) {
      details.push({ path: paths.get(id) || '/', errors: [GROUP_MESSAGES.clash([id])] });
    }
  }
  if (details.length > 0) throw invalid(details);
  return { draft, paths };
}

function writeGroup(
  current: RootGroup,
  draft: EditableDraft,
  body: GroupBody,
  mode: Mode,
  paths: Map<string, string>,
  details: ErrorDetail[],
): void {
  const existing = draft.groups.get(body.id);
  draft.groups.set(body.id, {
    id: body.id,
    dependencies: body.dependencies ?? existing?.dependencies ?? [],
  });
  paths.set(body.id, body.path);

  if (body.apps) {
    const listed = new Set(body.apps.map((a) => a.id));
    if (mode === 'replace') {
      for (const id of [...draft.apps.keys()]) {
        if (parentOf(id) === body.id && !listed.has(id)) draft.apps.delete(id);
      }
    }
    for (const a of body.apps) {
      if (a.id === undefined) continue;
      const app = parseApp(a, mode === 'patch' ? current.apps.get(a.id) : undefined, details);
      if (app) draft.apps.set(a.id, app);
      paths.set(a.id, a.path);
    }
  }

  if (body.groups) {
    const listed = new Set(body.groups.map((g) => g.id));
    if (mode === 'replace') {
      for (const id of [...draft.groups.keys()]) {
        if (id !== body.id && parentOf(id) === body.id && !listed.has(id)) removeWithin(draft, id, false);
      }
    }
    for (const g of body.groups) writeGroup(current, draft, g, mode, paths, details);
  }
}

function parseApp(
  a: AppBody,
  current: AppDefinition | undefined,
  details: ErrorDetail[],
): AppSpec | undefined {
  try {
    const opts = { pathPrefix: a.path, baseId: ROOT_ID };
    return current ? applyAppPatch(current, a.body, opts) : parseAppDefinition({ ...a.body, id: a.id }, opts);
  } catch (err) {
    if (!isDroverError(err) || err.status !== 422) throw err;
    details.push(...err.details);
    return undefined;
  }
}

/** Drops every app and group below `id`, and the group itself unless it is kept (or is the root). */
function removeWithin(draft: EditableDraft, id: string, dropSelf: boolean): void {
  for (const appId of [...draft.apps.keys()]) if (isWithin(appId, id)) draft.apps.delete(appId);
  for (const gid of [...draft.groups.keys()]) {
    if (gid === ROOT_ID) continue;
    if (isWithin(gid, id) && (gid !== id || dropSelf)) draft.groups.delete(gid);
  }
}
