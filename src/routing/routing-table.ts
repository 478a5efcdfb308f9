/**
 * The routing table: which tasks each service port sends connections to. Pure: the master's apps
 * and tasks in, the table out; the master pushes it to every agent's router whenever it changes
 * (control-plane/route-push.ts), and the haproxy mode renders it as a config.
 *
 * A task is a backend when it is TASK_RUNNING, no kill was asked for (so never a TASK_KILLING
 * task, even before its agent confirms the kill), every health check of its app passes and, when
 * the app has readiness checks, it is ready. Job run tasks are never routed.
 */
import type { Route, RouteBackend, RouteTable } from '../domain/agent-protocol.js';
import type { AppDefinition } from '../domain/app.js';
import type { TaskRecord } from '../domain/task.js';
import { portRouting } from './route-labels.js';

export type RoutingApp = Pick<
  AppDefinition,
  'id' | 'portDefinitions' | 'container' | 'labels' | 'healthChecks' | 'readinessChecks'
>;
export type RoutingTask = Pick<
  TaskRecord,
  'id' | 'appId' | 'host' | 'ports' | 'state' | 'killRequestedAt' | 'healthy' | 'ready' | 'jobRun'
>;

/** Whether the router may send a new connection to `task` of `app`. */
export function isRoutable(app: RoutingApp, task: RoutingTask): boolean {
  if (task.jobRun !== undefined || task.state !== 'TASK_RUNNING' || task.killRequestedAt !== undefined) {
    return false;
  }
  if (app.healthChecks.length > 0 && task.healthy !== true) return false;
  if (app.readinessChecks.length > 0 && task.ready !== true) return false;
  return true;
}

/** The app's routed ports: index, service port and protocol (port mappings win, as for service ports). */
export function servicePorts(app: RoutingApp): Array<{ index: number; port: number; protocol: string }> {
  const mappings = app.container?.portMappings;
  const list = mappings
    ? mappings.map((m, index) => ({ index, port: m.servicePort ?? 0, protocol: m.protocol }))
    : app.portDefinitions.map((d, index) => ({ index, port: d.port, protocol: d.protocol }));
  // UDP is not proxied; "udp,tcp" still has a TCP side.
  return list.filter((p) => p.port > 0 && p.protocol.split(',').includes('tcp'));
}

export function routingTable(apps: Iterable<RoutingApp>, tasks: Iterable<RoutingTask>): RouteTable {
  const byApp = new Map<string, RoutingTask[]>();
  for (const t of tasks) {
    const list = byApp.get(t.appId);
    if (list) list.push(t);
    else byApp.set(t.appId, [t]);
  }
  const routes: Route[] = [];
  const taken = new Set<number>();
  for (const app of [...apps].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const live = (byApp.get(app.id) ?? [])
      .filter((t) => isRoutable(app, t))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const { index, port } of servicePorts(app)) {
      // Service ports are cluster-unique when assigned; should two apps still claim one, the
      // first by id keeps it rather than the router flapping between them.
      if (taken.has(port)) continue;
      taken.add(port);
      const backends: RouteBackend[] = live.flatMap((t) => {
        const hostPort = t.ports[index];
        return hostPort !== undefined && hostPort > 0 ? [{ taskId: t.id, host: t.host, port: hostPort }] : [];
      });
      routes.push({
        appId: app.id,
        servicePort: port,
        portIndex: index,
        ...portRouting(app, index),
        backends,
      });
    }
  }
  routes.sort((a, b) => a.servicePort - b.servicePort);
  return { routes };
}

/** Two tables route the same way (the master pushes only changes). */
export function sameTable(a: RouteTable, b: RouteTable): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
