/**
 * The routing table kept up to date by change instead of rebuilt: the master tells it which apps
 * and tasks changed since the last update, and it answers with the patch (route-patch.ts) that
 * takes a router from the table before to the table after. Pure (no I/O, no clock).
 *
 * Why: the master rebuilt the whole table from every app and task (`routingTable`), sorted it and
 * diffed it against the last one after every change, O(tasks) per status update, the cost that
 * grew with the cluster (1,000 agents x 10,000 tasks: 22% of the master's CPU in the placement
 * bench, plus 6% in the diff). Now a changed task costs its own routes; a changed app costs its
 * tasks, and (for who owns which service port) a sort of the apps.
 *
 * Invariant (route-book.test.ts checks it against `routingTable`): after `update`, `table()`
 * equals `routingTable(apps, tasks)` of the source, and `applyRoutePatch(before, patch)` equals
 * it too.
 */
import type { Route, RouteBackend, RoutePatch, RouteTable } from '../domain/agent-protocol.js';
import { portRouting } from './route-labels.js';
import { sameMeta } from './route-patch.js';
import { isRoutable, type RoutingApp, type RoutingTask, servicePorts } from './routing-table.js';

/** Where the book reads the current apps and tasks from (the master's state). */
export interface RouteSource {
  app(id: string): RoutingApp | undefined;
  task(id: string): RoutingTask | undefined;
  tasksOf(appId: string): Iterable<RoutingTask>;
  apps(): Iterable<RoutingApp>;
}

/** What changed since the last update: app ids, and task ids with their app's id. */
export interface RouteChanges {
  apps: ReadonlySet<string>;
  tasks: ReadonlyMap<string, string>;
}

interface LiveRoute {
  meta: Omit<Route, 'backends'>;
  backends: Map<string, RouteBackend>;
}

interface BackendChange {
  added: Map<string, RouteBackend>;
  removed: Set<string>;
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byTaskId = (a: RouteBackend, b: RouteBackend): number => byId(a.taskId, b.taskId);

function backendOf(app: RoutingApp, task: RoutingTask | undefined, index: number): RouteBackend | undefined {
  if (!task || !isRoutable(app, task)) return undefined;
  const port = task.ports[index];
  return port !== undefined && port > 0 ? { taskId: task.id, host: task.host, port } : undefined;
}

function sameBackend(a: RouteBackend | undefined, b: RouteBackend | undefined): boolean {
  return a === b || (!!a && !!b && a.taskId === b.taskId && a.host === b.host && a.port === b.port);
}

export class RouteBook {
  /** Routes by service port. */
  private readonly routes = new Map<number, LiveRoute>();
  /** Each app's routed ports it owns: port index -> service port. */
  private readonly owned = new Map<string, Map<number, number>>();
  /** The whole table, built on demand and kept until the next change. */
  private built: RouteTable | undefined = { routes: [] };

  /** Takes in `changes`, read from `source`; the patch to send, undefined when nothing routes differently. */
  update(source: RouteSource, changes: RouteChanges): RoutePatch | undefined {
    const replaced = new Map<number, Route>();
    const gone = new Set<number>();
    const moved = new Map<number, BackendChange>();
    if (changes.apps.size > 0) this.reassign(source, changes.apps, replaced, gone, moved);
    for (const [taskId, appId] of changes.tasks) {
      // A changed app's routes were rebuilt whole from its tasks just now.
      if (changes.apps.has(appId)) continue;
      const app = source.app(appId);
      const ports = this.owned.get(appId);
      if (!app || !ports) continue;
      const task = source.task(taskId);
      for (const [index, port] of ports) {
        const route = this.routes.get(port)!;
        const next = backendOf(app, task, index);
        const was = route.backends.get(taskId);
        if (sameBackend(was, next)) continue;
        const change = changeOf(moved, port);
        if (was) {
          route.backends.delete(taskId);
          change.removed.add(taskId);
          change.added.delete(taskId);
        }
        if (next) {
          route.backends.set(taskId, next);
          change.added.set(taskId, next);
        }
      }
    }
    const patch: RoutePatch = {
      removed: [...gone].sort((a, b) => a - b),
      routes: [...replaced.values()].sort((a, b) => a.servicePort - b.servicePort),
      backends: [...moved]
        .filter(([, c]) => c.added.size > 0 || c.removed.size > 0)
        .sort(([a], [b]) => a - b)
        .map(([servicePort, c]) => ({
          servicePort,
          added: [...c.added.values()].sort(byTaskId),
          removed: [...c.removed].sort(byId),
        })),
    };
    if (patch.removed.length === 0 && patch.routes.length === 0 && patch.backends.length === 0) {
      return undefined;
    }
    this.built = undefined;
    return patch;
  }

  /** The whole table, as `routingTable` builds it (routes by service port, backends by task id). */
  table(): RouteTable {
    if (this.built) return this.built;
    const routes = [...this.routes.values()]
      .map((r) => ({ ...r.meta, backends: [...r.backends.values()].sort(byTaskId) }))
      .sort((a, b) => a.servicePort - b.servicePort);
    this.built = { routes };
    return this.built;
  }

  /**
   * Apps changed: who owns which service port is decided again over all apps (first by id keeps
   * a port two apps claim, as `routingTable` does), and every route of a changed app, or one
   * that changed hands, is rebuilt from its app's tasks.
   */
  private reassign(
    source: RouteSource,
    changedApps: ReadonlySet<string>,
    replaced: Map<number, Route>,
    gone: Set<number>,
    moved: Map<number, BackendChange>,
  ): void {
    const owners = new Map<number, { app: RoutingApp; index: number }>();
    for (const app of [...source.apps()].sort((a, b) => byId(a.id, b.id))) {
      for (const { index, port } of servicePorts(app)) {
        if (!owners.has(port)) owners.set(port, { app, index });
      }
    }
    for (const port of this.routes.keys()) {
      if (owners.has(port)) continue;
      this.routes.delete(port);
      gone.add(port);
    }
    this.owned.clear();
    for (const [port, { app, index }] of owners) {
      const ports = this.owned.get(app.id) ?? new Map<number, number>();
      this.owned.set(app.id, ports);
      ports.set(index, port);
      const was = this.routes.get(port);
      if (was && was.meta.appId === app.id && !changedApps.has(app.id)) continue;
      const meta = { appId: app.id, servicePort: port, portIndex: index, ...portRouting(app, index) };
      const backends = new Map<string, RouteBackend>();
      for (const t of source.tasksOf(app.id)) {
        const b = backendOf(app, t, index);
        if (b) backends.set(t.id, b);
      }
      this.routes.set(port, { meta, backends });
      if (!was || !sameMeta(was.meta, meta)) {
        replaced.set(port, { ...meta, backends: [...backends.values()].sort(byTaskId) });
        continue;
      }
      const change = changeOf(moved, port);
      for (const [taskId, b] of backends) {
        const prev = was.backends.get(taskId);
        if (sameBackend(prev, b)) continue;
        change.added.set(taskId, b);
        if (prev) change.removed.add(taskId);
      }
      for (const taskId of was.backends.keys()) if (!backends.has(taskId)) change.removed.add(taskId);
    }
  }
}

function changeOf(moved: Map<number, BackendChange>, port: number): BackendChange {
  const change = moved.get(port) ?? { added: new Map(), removed: new Set<string>() };
  moved.set(port, change);
  return change;
}
