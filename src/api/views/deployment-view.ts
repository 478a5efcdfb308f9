/**
 * A running deployment as `GET /v2/deployments` shows it (types/deployment.raml
 * DeploymentStepInfo): python3-marathon builds its objects from every key, so only Marathon's
 * names appear. `currentStep` counts from 1; pods do not exist in Drover, so `affectedPods` is [].
 */
import type { DeploymentStatus } from '../../control-plane/master-api.js';

export function deploymentView(d: DeploymentStatus): Record<string, unknown> {
  return {
    id: d.id,
    version: d.version,
    affectedApps: d.affectedApps,
    affectedPods: [],
    steps: d.steps.map((s) => ({ actions: s.actions.map((a) => ({ action: a.action, app: a.app })) })),
    currentActions: d.currentActions.map((a) => ({
      action: a.action,
      app: a.app,
      readinessCheckResults: a.readinessCheckResults,
    })),
    currentStep: d.currentStep,
    totalSteps: d.steps.length,
  };
}
