/**
 * A running deployment as `/v2/deployments` reports it: the stored plan plus, for each action of
 * the current step, the readiness check results of the app's new tasks (Marathon's
 * `currentActions[].readinessCheckResults`).
 */

import { runsCurrentConfig } from '../../deploy/current-config.js';
import type { AppDefinition } from '../../domain/app.js';
import type { DeploymentRecord } from '../../domain/deployment.js';
import type { TaskRecord } from '../../domain/task.js';
import { isTerminal } from '../../domain/task.js';
import type { DeploymentStatus, ReadinessResult } from '../master-api.js';
import { currentActions } from './deployments-state.js';

export function deploymentStatus(
  d: DeploymentRecord,
  app: (id: string) => AppDefinition | undefined,
  tasksOf: (appId: string) => TaskRecord[],
): DeploymentStatus {
  return {
    id: d.id,
    version: d.version,
    affectedApps: d.affectedApps,
    steps: d.steps,
    currentStep: d.currentStep,
    currentActions: currentActions(d).map((a) => ({
      ...a,
      readinessCheckResults: readiness(app(a.app), tasksOf(a.app)),
    })),
  };
}

function readiness(app: AppDefinition | undefined, tasks: TaskRecord[]): ReadinessResult[] {
  const check = app?.readinessChecks[0];
  if (!app || !check) return [];
  return tasks
    .filter((t) => !isTerminal(t.state) && runsCurrentConfig(t, app.versionInfo.lastConfigChangeAt))
    .flatMap((t) => {
      if (t.readinessCheckResults && t.readinessCheckResults.length > 0) return t.readinessCheckResults;
      return [{ name: check.name, taskId: t.id, ready: t.ready === true }];
    });
}
