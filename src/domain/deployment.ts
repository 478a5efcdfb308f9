/**
 * Deployments and root group versions as the master stores them (deploy/ plans them,
 * control-plane/ runs them). Marathon's names: a deployment is a plan of steps; each step's
 * actions run concurrently; `currentStep` counts from 1 as `/v2/deployments` shows it.
 */
import type { AppDefinition } from './app.js';

export type DeploymentActionName =
  | 'StartApplication'
  | 'StopApplication'
  | 'ScaleApplication'
  | 'RestartApplication';

export interface DeploymentAction {
  action: DeploymentActionName;
  app: string;
}

export interface DeploymentStep {
  actions: DeploymentAction[];
}

/** A group's own fields; its apps and subgroups are found by id. */
export interface GroupRecord {
  id: string;
  /** Absolute ids of apps or groups every app below this group depends on. */
  dependencies: string[];
  /** The root version at which something in this group last changed. */
  version: string;
}

/** What a deployment changed, enough to revert it: the affected apps and every group record. */
export interface DeploymentSide {
  /** The affected apps that exist on this side (an app missing here was created or removed). */
  apps: AppDefinition[];
  groups: GroupRecord[];
}

export interface DeploymentRecord {
  id: string;
  /** The root group version the deployment deploys. */
  version: string;
  affectedApps: string[];
  steps: DeploymentStep[];
  /** 1-based index of the step in progress. */
  currentStep: number;
  original: DeploymentSide;
  target: DeploymentSide;
}

/**
 * One version of the root group: its groups, and each app by the version it had then (the
 * definitions themselves are the apps' stored versions).
 */
export interface RootGroupVersion {
  version: string;
  groups: GroupRecord[];
  apps: Array<{ id: string; version: string }>;
}
