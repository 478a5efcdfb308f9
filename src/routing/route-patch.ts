/**
 * What changed between two routing tables, as a patch an agent applies to the table it has.
 * Pure. The master used to push the whole table to every agent after every change: with T tasks
 * and A agents each status update then cost O(T x A) bytes (1,000 agents x 10,000 tasks is
 * ~700 MB per update), which made the cost of one update grow with the cluster (BENCHMARKS.md,
 * "cost per update"). A patch carries only the routes and backends that changed.
 *
 * Invariant: `applyRoutePatch(before, routeTablePatch(before, after))` equals `after` for tables
 * as `routingTable` builds them (routes by service port, backends by task id).
 */
import type { Route, RouteBackend, RoutePatch, RouteTable } from '../domain/agent-protocol.js';

function sameBackend(a: RouteBackend, b: RouteBackend): boolean {
  return a.taskId === b.taskId && a.host === b.host && a.port === b.port;
}

/** Two routes with the same app, port index, mode, vhosts and paths (backends aside). */
export function sameMeta(a: Omit<Route, 'backends'>, b: Omit<Route, 'backends'>): boolean {
  return (
    a.appId === b.appId &&
    a.portIndex === b.portIndex &&
    a.mode === b.mode &&
    a.vhosts.join('\n') === b.vhosts.join('\n') &&
    a.paths.join('\n') === b.paths.join('\n')
  );
}

function byTaskId(a: RouteBackend, b: RouteBackend): number {
  return a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0;
}

/** The patch from `before` to `after`; undefined when they route the same way. */
export function routeTablePatch(before: RouteTable, after: RouteTable): RoutePatch | undefined {
  const old = new Map(before.routes.map((r) => [r.servicePort, r]));
  const patch: RoutePatch = { removed: [], routes: [], backends: [] };
  for (const route of after.routes) {
    const was = old.get(route.servicePort);
    old.delete(route.servicePort);
    if (!was || !sameMeta(was, route)) {
      patch.routes.push(route);
      continue;
    }
    const wasBackends = new Map(was.backends.map((b) => [b.taskId, b]));
    const added: RouteBackend[] = [];
    // A backend whose address changed is removed and added again.
    const moved: string[] = [];
    for (const b of route.backends) {
      const prev = wasBackends.get(b.taskId);
      wasBackends.delete(b.taskId);
      if (prev && sameBackend(prev, b)) continue;
      added.push(b);
      if (prev) moved.push(b.taskId);
    }
    const removed = [...wasBackends.keys(), ...moved];
    if (added.length > 0 || removed.length > 0) {
      patch.backends.push({ servicePort: route.servicePort, added, removed });
    }
  }
  patch.removed = [...old.keys()];
  const empty = patch.removed.length === 0 && patch.routes.length === 0 && patch.backends.length === 0;
  return empty ? undefined : patch;
}

/** `table` with `patch` applied; a change for a route the table lacks is ignored. */
export function applyRoutePatch(table: RouteTable, patch: RoutePatch): RouteTable {
  const routes = new Map(table.routes.map((r) => [r.servicePort, r]));
  for (const port of patch.removed) routes.delete(port);
  for (const r of patch.routes) routes.set(r.servicePort, r);
  for (const change of patch.backends) {
    const route = routes.get(change.servicePort);
    if (!route) continue;
    const gone = new Set(change.removed);
    const backends = route.backends.filter((b) => !gone.has(b.taskId)).concat(change.added);
    routes.set(change.servicePort, { ...route, backends: backends.sort(byTaskId) });
  }
  return { routes: [...routes.values()].sort((a, b) => a.servicePort - b.servicePort) };
}
