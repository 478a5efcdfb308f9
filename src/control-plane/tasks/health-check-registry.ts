/**
 * Which app versions' health checks are "added", for Marathon's add_health_check_event and
 * remove_health_check_event. Marathon's MarathonHealthCheckManager.reconcile, run by the leader
 * after every change: an app's active versions are its current version plus every version a live
 * task of it runs; a version that becomes active has its checks added (one event per check), one
 * that stops being active has them removed, and a removed app loses all of its own. A new leader
 * starts empty, so it announces every active check once, as Marathon does on election.
 *
 * The checks themselves run on the agents (agent/health/); this only decides the announcements.
 */
import type { AppDefinition, HealthCheck } from '../../domain/app.js';
import { isTerminal, type TaskRecord } from '../../domain/task.js';
import type { MasterContext } from '../context.js';

/** App id -> the versions whose checks should be active. Job runs are not apps: left out. */
export function activeVersions(
  apps: Iterable<AppDefinition>,
  tasks: Iterable<TaskRecord>,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const app of apps) out.set(app.id, new Set([app.version]));
  for (const t of tasks) {
    if (t.jobRun || isTerminal(t.state)) continue;
    out.get(t.appId)?.add(t.version);
  }
  return out;
}

export class HealthCheckRegistry {
  /** App id -> version -> its checks (empty lists too, so a version is looked up once). */
  private readonly added = new Map<string, Map<string, HealthCheck[]>>();

  async reconcile(ctx: MasterContext): Promise<void> {
    const wanted = activeVersions(ctx.state.apps.values(), ctx.state.tasks.values());
    for (const [appId, versions] of this.added) {
      const keep = wanted.get(appId);
      for (const [version, checks] of versions) {
        if (keep?.has(version)) continue;
        versions.delete(version);
        for (const healthCheck of checks)
          ctx.events.emit('remove_health_check_event', { appId, healthCheck });
      }
      if (versions.size === 0) this.added.delete(appId);
    }
    for (const [appId, versions] of wanted) {
      let known = this.added.get(appId);
      for (const version of versions) {
        if (known?.has(version)) continue;
        const checks = await checksOf(ctx, appId, version);
        if (checks === undefined) continue;
        known ??= new Map();
        this.added.set(appId, known);
        known.set(version, checks);
        for (const healthCheck of checks) {
          ctx.events.emit('add_health_check_event', { appId, version, healthCheck });
        }
      }
    }
  }
}

/** The checks of one version: the current definition's, else the stored version's; undefined if unreadable now. */
async function checksOf(
  ctx: MasterContext,
  appId: string,
  version: string,
): Promise<HealthCheck[] | undefined> {
  const app = ctx.state.apps.get(appId);
  if (app?.version === version) return app.healthChecks;
  try {
    // A version no longer stored (pruned) has nothing to announce.
    return (await ctx.deps.store.getAppVersion(appId, version))?.healthChecks ?? [];
  } catch (err) {
    ctx.deps.logger.warn({ appId, version, err }, 'cannot read an app version for its health checks');
    return undefined;
  }
}
