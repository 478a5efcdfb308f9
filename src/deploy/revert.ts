/**
 * The draft that undoes a deployment (`DELETE /v2/deployments/{id}`; Marathon's
 * DeploymentPlan.revert): applied to the current root group, so changes other deployments made
 * since are kept. Apps it created go, apps it removed or changed come back as they were (their
 * stored definitions, so stampTarget gives them their old configuration version and the tasks
 * still running it stay), groups it created go unless something still lives in them, groups it
 * removed or changed get their old dependencies back.
 */
import type { DeploymentRecord } from '../domain/deployment.js';
import { draftOf, type EditableDraft } from './root-draft.js';
import { isWithin, ROOT_ID, type RootGroup } from './root-group.js';

export function revertDraft(current: RootGroup, deployment: DeploymentRecord): EditableDraft {
  const draft = draftOf(current);
  const original = new Map(deployment.original.apps.map((a) => [a.id, a]));
  for (const id of deployment.affectedApps) {
    const before = original.get(id);
    if (before) {
      draft.apps.set(id, before);
      draft.restored.add(id);
    } else draft.apps.delete(id);
  }

  const before = new Map(deployment.original.groups.map((g) => [g.id, g]));
  const after = new Map(deployment.target.groups.map((g) => [g.id, g]));
  for (const [id, g] of before) {
    const now = after.get(id);
    if (!now || now.dependencies.join() !== g.dependencies.join()) {
      draft.groups.set(id, { id, dependencies: g.dependencies });
    }
  }
  for (const id of after.keys()) {
    if (before.has(id) || id === ROOT_ID) continue;
    const occupied = [...draft.apps.keys()].some((a) => isWithin(a, id));
    if (!occupied) {
      for (const gid of [...draft.groups.keys()]) if (isWithin(gid, id)) draft.groups.delete(gid);
    }
  }
  return draft;
}
