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

/** Forwards every deployment op through `call` (ambient-transaction.ts routes it to the open transaction). */
export function forwardDeploymentOps(
  call: <T>(op: (ops: DeploymentStoreOps) => Promise<T>) => Promise<T>,
): DeploymentStoreOps {
  return {
    putDeployment: (d) => call((o) => o.putDeployment(d)),
    listDeployments: () => call((o) => o.listDeployments()),
    deleteDeployment: (id) => call((o) => o.deleteDeployment(id)),
    putRootGroupVersion: (r) => call((o) => o.putRootGroupVersion(r)),
    getRootGroupVersion: (v) => call((o) => o.getRootGroupVersion(v)),
    listRootGroupVersions: () => call((o) => o.listRootGroupVersions()),
    deleteRootGroupVersion: (v) => call((o) => o.deleteRootGroupVersion(v)),
  };
}
