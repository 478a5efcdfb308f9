import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { RouteTable } from '../domain/agent-protocol.js';
import { HEALTH_CHECK_DEFAULTS } from '../domain/app-defaults.js';
import { RouteBook, type RouteChanges, type RouteSource } from './route-book.js';
import { applyRoutePatch } from './route-patch.js';
import { type RoutingApp, type RoutingTask, routingTable } from './routing-table.js';

// Any health check: the routing table only asks whether an app has checks and whether they pass.
const HC = [{ ...HEALTH_CHECK_DEFAULTS, gracePeriodSeconds: 1, intervalSeconds: 1, timeoutSeconds: 1 }];

/** Apps and tasks as the master keeps them, noting what changed as the master's maps do. */
class World implements RouteSource {
  readonly appMap = new Map<string, RoutingApp>();
  readonly taskMap = new Map<string, RoutingTask>();
  changes = { apps: new Set<string>(), tasks: new Map<string, string>() };

  app(id: string) {
    return this.appMap.get(id);
  }
  task(id: string) {
    return this.taskMap.get(id);
  }
  tasksOf(appId: string) {
    return [...this.taskMap.values()].filter((t) => t.appId === appId);
  }
  apps() {
    return this.appMap.values();
  }
  setApp(a: RoutingApp) {
    this.appMap.set(a.id, a);
    this.changes.apps.add(a.id);
  }
  deleteApp(id: string) {
    if (this.appMap.delete(id)) this.changes.apps.add(id);
  }
  setTask(t: RoutingTask) {
    this.taskMap.set(t.id, t);
    this.changes.tasks.set(t.id, t.appId);
  }
  deleteTask(id: string) {
    const t = this.taskMap.get(id);
    if (t && this.taskMap.delete(id)) this.changes.tasks.set(id, t.appId);
  }
  take(): RouteChanges {
    const c = this.changes;
    this.changes = { apps: new Set(), tasks: new Map() };
    return c;
  }
}

const appIds = ['/a', '/b', '/c'];
const appArb = fc.record({
  id: fc.constantFrom(...appIds),
  ports: fc.array(fc.record({ port: fc.constantFrom(0, 10001, 10002, 10003), udp: fc.boolean() }), {
    minLength: 0,
    maxLength: 2,
  }),
  http: fc.boolean(),
  checked: fc.boolean(),
});
const taskArb = fc.record({
  n: fc.integer({ min: 1, max: 4 }),
  appId: fc.constantFrom(...appIds),
  host: fc.constantFrom('h1', 'h2'),
  ports: fc.array(fc.constantFrom(0, 31000, 31001), { minLength: 0, maxLength: 2 }),
  state: fc.constantFrom('TASK_RUNNING' as const, 'TASK_STAGING' as const),
  killing: fc.boolean(),
  healthy: fc.option(fc.boolean(), { nil: undefined }),
});
const op = fc.oneof(
  { arbitrary: appArb.map((a) => ({ kind: 'setApp' as const, a })), weight: 1 },
  { arbitrary: fc.constantFrom(...appIds).map((id) => ({ kind: 'deleteApp' as const, id })), weight: 1 },
  { arbitrary: taskArb.map((t) => ({ kind: 'setTask' as const, t })), weight: 5 },
  { arbitrary: taskArb.map((t) => ({ kind: 'deleteTask' as const, t })), weight: 2 },
);

type Op = typeof op extends fc.Arbitrary<infer O> ? O : never;

function apply(w: World, o: Op) {
  switch (o.kind) {
    case 'setApp':
      w.setApp({
        id: o.a.id,
        portDefinitions: o.a.ports.map((p) => ({ port: p.port, protocol: p.udp ? 'udp' : 'tcp' })),
        labels: o.a.http ? { HAPROXY_0_VHOST: `${o.a.id.slice(1)}.example` } : {},
        healthChecks: o.a.checked ? HC : [],
        readinessChecks: [],
      } as RoutingApp);
      return;
    case 'deleteApp':
      w.deleteApp(o.id);
      return;
    case 'setTask':
      // A task's id names its app, as the master's do: a task never moves to another app.
      w.setTask({
        id: `${o.t.appId.slice(1)}.${o.t.n}`,
        appId: o.t.appId,
        host: o.t.host,
        ports: o.t.ports,
        state: o.t.state,
        ...(o.t.killing ? { killRequestedAt: 1 } : {}),
        ...(o.t.healthy !== undefined ? { healthy: o.t.healthy } : {}),
      } as RoutingTask);
      return;
    case 'deleteTask':
      w.deleteTask(`${o.t.appId.slice(1)}.${o.t.n}`);
      return;
  }
}

test('updated by changes, the book always holds routingTable of the state, and its patches take a router there', () => {
  fc.assert(
    fc.property(fc.array(fc.array(op, { maxLength: 6 }), { maxLength: 12 }), (batches) => {
      const w = new World();
      const book = new RouteBook();
      let router: RouteTable = { routes: [] };
      for (const batch of batches) {
        for (const o of batch) apply(w, o);
        const expected = routingTable(w.appMap.values(), w.taskMap.values());
        const patch = book.update(w, w.take());
        assert.deepEqual(book.table(), expected);
        if (patch) router = applyRoutePatch(router, patch);
        assert.deepEqual(router, expected);
        assert.equal(
          JSON.stringify(book.table()),
          JSON.stringify(expected),
          'same key order as routingTable',
        );
      }
    }),
    { numRuns: 500 },
  );
});

test('a task change patches only its own backend, and nothing is sent when routes stay the same', () => {
  const w = new World();
  const book = new RouteBook();
  w.setApp({
    id: '/a',
    portDefinitions: [{ port: 10001, protocol: 'tcp' }],
    labels: {},
    healthChecks: [],
    readinessChecks: [],
  } as RoutingApp);
  for (let i = 0; i < 3; i++)
    w.setTask({ id: `a.${i}`, appId: '/a', host: 'h', ports: [31000 + i], state: 'TASK_RUNNING' });
  book.update(w, w.take());
  w.setTask({ id: 'a.9', appId: '/a', host: 'h', ports: [31009], state: 'TASK_STAGING' });
  assert.equal(book.update(w, w.take()), undefined, 'a staging task routes nothing');
  w.setTask({ id: 'a.9', appId: '/a', host: 'h', ports: [31009], state: 'TASK_RUNNING' });
  assert.deepEqual(book.update(w, w.take()), {
    removed: [],
    routes: [],
    backends: [{ servicePort: 10001, added: [{ taskId: 'a.9', host: 'h', port: 31009 }], removed: [] }],
  });
});
