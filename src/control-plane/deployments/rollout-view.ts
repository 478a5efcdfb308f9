/**
 * An app and its stored tasks as deploy/'s rolling step sees them. The reconciler (to act) and
 * the deployment runner (to see whether an action is finished) use the same view, so they can
 * never disagree about what "done" means.
 */

import { runsCurrentConfig } from '../../deploy/current-config.js';
import type { RolloutApp } from '../../deploy/rolling-replacement.js';
import type { AppDefinition } from '../../domain/app.js';
import type { TaskRecord } from '../../domain/task.js';

export function rolloutOf(app: AppDefinition, tasks: readonly TaskRecord[]): RolloutApp {
  return {
    instances: app.instances,
    upgradeStrategy: app.upgradeStrategy,
    killSelection: app.killSelection,
    hasHealthChecks: app.healthChecks.length > 0,
    hasReadinessChecks: app.readinessChecks.length > 0,
    tasks: tasks.map((t) => ({
      id: t.id,
      current: runsCurrentConfig(t, app.versionInfo.lastConfigChangeAt),
      state: t.state,
      stagedAt: t.stagedAt,
      killRequested: t.killRequestedAt !== undefined,
      ...(t.healthy !== undefined ? { healthy: t.healthy } : {}),
      ...(t.ready !== undefined ? { ready: t.ready } : {}),
    })),
  };
}
