// What the signed-in role may do, so the pages offer only that. It follows src/api/roles.ts (the
// master decides: a call it refuses still shows its 403 naming the role). Until the master has
// said who this tab is (/v2/whoami), nothing that writes is offered.
import type { Whoami } from '../../../src/client/index.js';

export type Action =
  /** Create, change, scale, restart, roll back, destroy apps and groups; kill tasks; reset delays. */
  | 'apps.write'
  /** Roll back or stop deployments. */
  | 'deployments.write'
  /** Create, change, run, disable, delete jobs. */
  | 'jobs.write'
  /** Drain and undrain agents. */
  | 'agents.drain'
  /** Read the audit log. */
  | 'audit.read'
  /** Read task and job-run logs. */
  | 'logs.read';

const DEPLOYER: ReadonlySet<Action> = new Set(['apps.write', 'deployments.write', 'jobs.write', 'logs.read']);

export function allows(who: Pick<Whoami, 'role' | 'logs'> | undefined, action: Action): boolean {
  if (who === undefined) return false;
  if (who.role === 'admin') return true;
  if (who.role === 'deployer') return DEPLOYER.has(action);
  return action === 'logs.read' && who.logs;
}
