/**
 * The leader's working copy of groups and running deployments, beside MasterState's apps and
 * tasks. Loaded from the store at start (a restarted master resumes every deployment at its
 * stored step) and written through like MasterState: persisted first, then applied here.
 *
 * It also answers the one question the reconciler asks of deployments: how is each app driven
 * right now (`phases`)?
 */

import { type RootGroup, rootGroup } from '../../deploy/root-group.js';
import type { AppDefinition } from '../../domain/app.js';
import type { DeploymentAction, DeploymentRecord, GroupRecord } from '../../domain/deployment.js';
import type { Store } from '../../store/port.js';
import { RevisedMap, StateRevision } from '../state-revision.js';

/**
 * How the reconciler treats an app:
 *   - steady (absent from the map): keep `instances` tasks, whatever their version;
 *   - rolling: a Scale/Restart action of a deployment's current step drives it (rollingStep);
 *   - frozen: a deployment will act on it in a later step: launch and kill nothing, not even the
 *     tasks of a removed app, so dependency order holds.
 */
export type AppPhase = 'rolling' | 'frozen';

const EPOCH = new Date(0).toISOString();

export class DeploymentsState {
  groups = new Map<string, GroupRecord>();
  rootVersion = EPOCH;
  /** Counts writes to the running deployments (app views show their ids). */
  readonly revision = new StateRevision();
  /** Running deployments by id. */
  readonly active = new RevisedMap<string, DeploymentRecord>(this.revision);

  static async load(store: Store, apps: Iterable<AppDefinition>): Promise<DeploymentsState> {
    const s = new DeploymentsState();
    const appList = [...apps];
    const [newest] = await store.listRootGroupVersions();
    const stored = newest === undefined ? undefined : await store.getRootGroupVersion(newest);
    let latestApp = EPOCH;
    for (const a of appList) if (a.version > latestApp) latestApp = a.version;
    s.rootVersion = stored && stored.version > latestApp ? stored.version : latestApp;
    // Groups come from the newest root version; apps stored before groups were get theirs implied.
    const root = rootGroup(s.rootVersion, stored?.groups ?? [], appList);
    s.groups = new Map(root.groups);
    for (const d of await store.listDeployments()) s.active.set(d.id, d);
    return s;
  }

  root(apps: ReadonlyMap<string, AppDefinition>): RootGroup {
    return { version: this.rootVersion, groups: this.groups, apps };
  }

  /** Deployments that change any of `appIds`, oldest first. */
  lockedBy(appIds: readonly string[]): DeploymentRecord[] {
    const wanted = new Set(appIds);
    return this.list().filter((d) => d.affectedApps.some((a) => wanted.has(a)));
  }

  deploymentIdsFor(appId: string): string[] {
    return this.list()
      .filter((d) => d.affectedApps.includes(appId))
      .map((d) => d.id);
  }

  /** Oldest first (by version, then id). */
  list(): DeploymentRecord[] {
    return [...this.active.values()].sort((a, b) =>
      a.version < b.version ? -1 : a.version > b.version ? 1 : a.id < b.id ? -1 : 1,
    );
  }

  phases(): Map<string, AppPhase> {
    const out = new Map<string, AppPhase>();
    for (const d of this.active.values()) {
      const now = new Map(currentActions(d).map((a) => [a.app, a.action] as const));
      for (const app of d.affectedApps) {
        const action = now.get(app);
        if (action === 'ScaleApplication' || action === 'RestartApplication') out.set(app, 'rolling');
        // A removed app whose Stop is current is an orphan: the reconciler kills its tasks.
        else if (action !== 'StopApplication' && !out.has(app)) out.set(app, 'frozen');
      }
    }
    return out;
  }
}

export function currentActions(d: DeploymentRecord): DeploymentAction[] {
  return d.steps[d.currentStep - 1]?.actions ?? [];
}
