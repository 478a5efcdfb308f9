/**
 * Drafts of the next root group: the current one as editable maps, and the edits the app
 * endpoints make (create or replace apps, delete, restart, scale). stampTarget turns a draft into
 * the target root group; planDeployment compares the two.
 */
import type { AppDefinition, AppSpec } from '../domain/app.js';
import type { GroupRecord, RootGroup } from './root-group.js';
import type { RootDraft } from './target-root.js';

export interface EditableDraft extends RootDraft {
  apps: Map<string, AppSpec | AppDefinition>;
  groups: Map<string, Pick<GroupRecord, 'id' | 'dependencies'>>;
  restart: Set<string>;
  restored: Set<string>;
}

export function draftOf(root: RootGroup): EditableDraft {
  return {
    apps: new Map(root.apps),
    groups: new Map([...root.groups].map(([id, g]) => [id, { id, dependencies: g.dependencies }])),
    restart: new Set(),
    restored: new Set(),
  };
}

export function withApps(root: RootGroup, apps: ReadonlyArray<AppSpec | AppDefinition>): EditableDraft {
  const draft = draftOf(root);
  for (const app of apps) draft.apps.set(app.id, app);
  return draft;
}

/** Stored definitions brought back as they were (a rollback to an app version). */
export function withRestored(root: RootGroup, apps: readonly AppDefinition[]): EditableDraft {
  const draft = withApps(root, apps);
  for (const app of apps) draft.restored.add(app.id);
  return draft;
}

export function withoutApp(root: RootGroup, id: string): EditableDraft {
  const draft = draftOf(root);
  draft.apps.delete(id);
  return draft;
}

export function withRestart(root: RootGroup, id: string): EditableDraft {
  const draft = draftOf(root);
  draft.restart.add(id);
  return draft;
}

/** `n * factor` rounded up (Marathon's scaleBy), ignoring float noise (10 * 0.7 is 7, not 8). */
export function scaledInstances(instances: number, factor: number): number {
  return Math.max(0, Math.ceil(instances * factor - 1e-9));
}
