/**
 * What each role may call. Pure: a method, a path and the caller's role in, yes or no out.
 *
 * - admin: everything.
 * - deployer: reads (logs included), and changes to what it deploys: apps, groups, deployments,
 *   tasks, the launch queue, jobs and secrets. Not agents (drain), leadership, or the audit log.
 * - viewer: reads only (GET, HEAD), task and run logs only when its credential says `logs: true`;
 *   neither the audit log nor the list of secrets.
 */
export const ROLES = ['admin', 'deployer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who made a request: the credential's name and what it may do. */
export interface Principal {
  name: string;
  role: Role;
  /** Viewers: whether task and job-run logs are readable. Ignored for the other roles. */
  logs?: boolean;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Prefixes a deployer may change. */
const DEPLOYER_WRITES = [
  '/v2/apps',
  '/v2/groups',
  '/v2/deployments',
  '/v2/tasks',
  '/v2/queue',
  '/v2/secrets',
  '/scheduler',
  '/v1/scheduler',
];

const ADMIN_ONLY_READS = ['/v2/audit'];
const DEPLOYER_READS = ['/v2/secrets'];

function under(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => path === p || path.startsWith(`${p}/`));
}

function isLogRead(path: string): boolean {
  return /\/logs$/.test(path);
}

/** `path` without its query string. */
export function roleAllows(principal: Principal, method: string, path: string): boolean {
  if (principal.role === 'admin') return true;
  const m = method.toUpperCase();
  if (READS.has(m)) {
    if (under(path, ADMIN_ONLY_READS)) return false;
    if (principal.role === 'deployer') return true;
    if (under(path, DEPLOYER_READS)) return false;
    return !isLogRead(path) || principal.logs === true;
  }
  return principal.role === 'deployer' && under(path, DEPLOYER_WRITES);
}
