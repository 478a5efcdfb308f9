import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { HEALTH_CHECK_DEFAULTS } from '../domain/app-defaults.js';
import { TASK_STATES } from '../domain/task.js';
import { isRoutable, type RoutingApp, type RoutingTask, routingTable, sameTable } from './routing-table.js';

const app = (id: string, over: Partial<RoutingApp> = {}): RoutingApp => ({
  id,
  portDefinitions: [{ port: 10555, protocol: 'tcp' }],
  labels: {},
  healthChecks: [],
  readinessChecks: [],
  ...over,
});

const task = (id: string, appId: string, over: Partial<RoutingTask> = {}): RoutingTask => ({
  id,
  appId,
  host: '127.0.0.1',
  ports: [25000],
  state: 'TASK_RUNNING',
  ...over,
});

// Any health check: the routing table only asks whether an app has checks and whether they pass.
const HC = [{ ...HEALTH_CHECK_DEFAULTS, gracePeriodSeconds: 1, intervalSeconds: 1, timeoutSeconds: 1 }];

test('a running task is routed on its app service port, to its host port', () => {
  const table = routingTable([app('/web')], [task('web.1', '/web', { host: '127.0.0.2', ports: [25001] })]);
  assert.deepEqual(table, {
    routes: [
      {
        appId: '/web',
        servicePort: 10555,
        portIndex: 0,
        mode: 'tcp',
        vhosts: [],
        paths: [],
        backends: [{ taskId: 'web.1', host: '127.0.0.2', port: 25001 }],
      },
    ],
  });
});

test('killing, staging, unhealthy, unready and job tasks are not routed; an empty pool keeps its route', () => {
  const a = app('/web', {
    healthChecks: HC,
    readinessChecks: [
      {
        name: 'r',
        protocol: 'HTTP',
        path: '/',
        portName: 'http',
        intervalSeconds: 1,
        timeoutSeconds: 1,
        httpStatusCodesForReady: [200],
        preserveLastResponse: false,
      },
    ],
  });
  const ok = { healthy: true, ready: true };
  const tasks = [
    task('killing', '/web', { ...ok, state: 'TASK_KILLING' }),
    task('kill-asked', '/web', { ...ok, killRequestedAt: 5 }),
    task('staging', '/web', { ...ok, state: 'TASK_STAGING' }),
    task('unhealthy', '/web', { ...ok, healthy: false }),
    task('unknown-health', '/web', { ready: true }),
    task('unready', '/web', { healthy: true, ready: false }),
    task('job', '/web', { ...ok, jobRun: { job: 'j', dueAt: 0, attempt: 1 } }),
  ];
  const table = routingTable([a], tasks);
  assert.equal(table.routes.length, 1);
  assert.deepEqual(table.routes[0]!.backends, []);
  const good = routingTable([a], [...tasks, task('good', '/web', ok)]);
  assert.deepEqual(
    good.routes[0]!.backends.map((b) => b.taskId),
    ['good'],
  );
});

test('every tcp service port of port mappings is routed; udp and port 0 are not', () => {
  const a = app('/multi', {
    portDefinitions: [],
    container: {
      type: 'DOCKER',
      volumes: [],
      portMappings: [
        { containerPort: 80, servicePort: 10001, protocol: 'tcp' },
        { containerPort: 53, servicePort: 10002, protocol: 'udp' },
        { containerPort: 81, servicePort: 0, protocol: 'tcp' },
        { containerPort: 82, servicePort: 10003, protocol: 'udp,tcp' },
      ],
    },
  });
  const table = routingTable([a], [task('m.1', '/multi', { ports: [31000, 31001, 31002, 31003] })]);
  assert.deepEqual(
    table.routes.map((r) => [r.servicePort, r.portIndex, r.backends[0]?.port]),
    [
      [10001, 0, 31000],
      [10003, 3, 31003],
    ],
  );
});

test('HTTP mode, vhosts and paths from labels; marathon-lb aliases accepted', () => {
  const table = routingTable(
    [
      app('/a', {
        labels: { DROVER_ROUTER_MODE: 'http' },
        portDefinitions: [{ port: 10001, protocol: 'tcp' }],
      }),
      app('/b', {
        labels: { HAPROXY_0_VHOST: 'Shop.Example.com, api.example.com', HAPROXY_0_PATH: '/api' },
        portDefinitions: [{ port: 10002, protocol: 'tcp' }],
      }),
      app('/c', {
        labels: { DROVER_ROUTER_0_VHOST: 'c.local', HAPROXY_0_VHOST: 'ignored.local' },
        portDefinitions: [{ port: 10003, protocol: 'tcp' }],
      }),
    ],
    [],
  );
  assert.deepEqual(
    table.routes.map((r) => [r.appId, r.mode, r.vhosts, r.paths]),
    [
      ['/a', 'http', [], []],
      ['/b', 'http', ['shop.example.com', 'api.example.com'], ['/api']],
      ['/c', 'http', ['c.local'], []],
    ],
  );
});

test('a service port claimed twice goes to the first app by id', () => {
  const table = routingTable([app('/z'), app('/a')], []);
  assert.deepEqual(
    table.routes.map((r) => r.appId),
    ['/a'],
  );
});

// ---- properties ----

const arbApp = fc.record({
  id: fc.constantFrom('/a', '/b', '/g/c'),
  ports: fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { maxLength: 3 }),
  checks: fc.boolean(),
  readiness: fc.boolean(),
});
const arbTask = fc.record({
  id: fc.uuid(),
  appId: fc.constantFrom('/a', '/b', '/g/c', '/gone'),
  state: fc.constantFrom(...TASK_STATES),
  killRequestedAt: fc.option(fc.nat(), { nil: undefined }),
  healthy: fc.option(fc.boolean(), { nil: undefined }),
  ready: fc.option(fc.boolean(), { nil: undefined }),
  ports: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
});

type Gen<A> = A extends fc.Arbitrary<infer T> ? T : never;

function build(
  apps: Gen<typeof arbApp>[],
  tasks: Gen<typeof arbTask>[],
): { apps: RoutingApp[]; tasks: RoutingTask[] } {
  const seen = new Set<string>();
  const as = apps
    .filter((a) => !seen.has(a.id) && seen.add(a.id))
    .map((a) =>
      app(a.id, {
        portDefinitions: a.ports.map((p: number) => ({ port: p === 0 ? 0 : 10000 + p, protocol: 'tcp' })),
        healthChecks: a.checks ? HC : [],
        readinessChecks: a.readiness
          ? [
              {
                name: 'r',
                protocol: 'HTTP',
                path: '/',
                portName: 'p',
                intervalSeconds: 1,
                timeoutSeconds: 1,
                httpStatusCodesForReady: [200],
                preserveLastResponse: false,
              },
            ]
          : [],
      }),
    );
  const ts = tasks.map((t) => {
    const { killRequestedAt, healthy, ready, ports, ...rest } = t;
    return task(t.id, t.appId, {
      ...rest,
      ports: ports.map((p: number) => 25000 + p),
      ...(killRequestedAt !== undefined ? { killRequestedAt } : {}),
      ...(healthy !== undefined ? { healthy } : {}),
      ...(ready !== undefined ? { ready } : {}),
    });
  });
  return { apps: as, tasks: ts };
}

test('property: only running, unkilled, healthy and ready tasks are backends, and all of them are', () => {
  fc.assert(
    fc.property(fc.array(arbApp, { maxLength: 4 }), fc.array(arbTask, { maxLength: 12 }), (a, t) => {
      const { apps, tasks } = build(a, t);
      const table = routingTable(apps, tasks);
      const byId = new Map(tasks.map((x) => [x.id, x]));
      for (const r of table.routes) {
        const owner = apps.find((x) => x.id === r.appId)!;
        for (const b of r.backends) {
          const bt = byId.get(b.taskId)!;
          assert.equal(bt.appId, r.appId);
          assert.equal(bt.state, 'TASK_RUNNING');
          assert.equal(bt.killRequestedAt, undefined);
          assert.ok(isRoutable(owner, bt));
          assert.equal(b.port, bt.ports[r.portIndex]);
        }
        const expected = tasks
          .filter((x) => x.appId === r.appId && isRoutable(owner, x) && (x.ports[r.portIndex] ?? 0) > 0)
          .map((x) => x.id)
          .sort();
        assert.deepEqual(
          r.backends.map((b) => b.taskId),
          expected,
        );
      }
    }),
  );
});

test('property: service ports are unique and sorted, and input order does not matter', () => {
  fc.assert(
    fc.property(
      fc.array(arbApp, { maxLength: 4 }),
      fc.array(arbTask, { maxLength: 12 }),
      fc.integer(),
      (a, t, seed) => {
        const { apps, tasks } = build(a, t);
        const table = routingTable(apps, tasks);
        const ports = table.routes.map((r) => r.servicePort);
        assert.deepEqual(
          ports,
          [...new Set(ports)].sort((x, y) => x - y),
        );
        assert.ok(ports.every((p) => p > 0));
        const shuffle = <T>(xs: T[]) =>
          xs
            .map((x, i) => ({ x, k: (i * 7919 + seed) % 101 }))
            .sort((p, q) => p.k - q.k)
            .map((p) => p.x);
        assert.ok(sameTable(table, routingTable(shuffle(apps), shuffle(tasks))));
      },
    ),
  );
});
