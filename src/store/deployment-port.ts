/**
 * The Store's deployment operations (part of StoreOps): running deployments, so a restarted
 * master resumes them, and the versions of the root group, for `/v2/groups/{id}/versions` and
 * group rollbacks. Both are stored whole, as JSON; the control plane decides what they mean.
 */
import type { DeploymentRecord, RootGroupVersion } from '../domain/deployment.js';

export interface DeploymentStoreOps {
  /** Upsert by id. */
  putDeployment(deployment: DeploymentRecord): Promise<void>;
  /** Ordered by id. */
  listDeployments(): Promise<DeploymentRecord[]>;
  /** Deleting an unknown id does nothing. */
  deleteDeployment(id: string): Promise<void>;

  /** Upsert by version. */
  putRootGroupVersion(root: RootGroupVersion): Promise<void>;
  getRootGroupVersion(version: string): Promise<RootGroupVersion | undefined>;
  /** Version timestamps, newest first. */
  listRootGroupVersions(): Promise<string[]>;
  deleteRootGroupVersion(version: string): Promise<void>;
}

export const DEPLOYMENT_OP_KINDS: Readonly<Record<keyof DeploymentStoreOps, 'read' | 'write'>> = {
  putDeployment: 'write',
  listDeployments: 'read',
  deleteDeployment: 'write',
  putRootGroupVersion: 'write',
  getRootGroupVersion: 'read',
  listRootGroupVersions: 'read',
  deleteRootGroupVersion: 'write',
};
