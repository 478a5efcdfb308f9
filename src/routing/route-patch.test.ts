import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Route, RouteTable } from '../domain/agent-protocol.js';
import { applyRoutePatch, routeTablePatch } from './route-patch.js';

// Plain objects, as tables come off the wire (fast-check also makes null-prototype ones).
const backend = fc.record(
  {
    taskId: fc.constantFrom('a.1', 'a.2', 'a.3', 'b.1', 'b.2', 'c.9'),
    host: fc.constantFrom('h1', 'h2'),
    port: fc.integer({ min: 31000, max: 31003 }),
  },
  { noNullPrototype: true },
);

const route = fc.record(
  {
    appId: fc.constantFrom('/a', '/b'),
    servicePort: fc.integer({ min: 10000, max: 10005 }),
    portIndex: fc.integer({ min: 0, max: 1 }),
    mode: fc.constantFrom('tcp' as const, 'http' as const),
    vhosts: fc.array(fc.constantFrom('x.example', 'y.example'), { maxLength: 2 }),
    paths: fc.array(fc.constantFrom('/', '/api'), { maxLength: 2 }),
    backends: fc.array(backend, { maxLength: 5 }),
  },
  { noNullPrototype: true },
);

/** Shaped as routingTable builds it: one route per service port, each sorted. */
function normal(routes: Route[]): RouteTable {
  const byPort = new Map<number, Route>();
  for (const r of routes) {
    const unique = new Map(r.backends.map((b) => [b.taskId, b]));
    const backends = [...unique.values()].sort((x, y) => (x.taskId < y.taskId ? -1 : 1));
    byPort.set(r.servicePort, { ...r, backends });
  }
  return { routes: [...byPort.values()].sort((x, y) => x.servicePort - y.servicePort) };
}

const table = fc.array(route, { maxLength: 5 }).map(normal);

test('applying the patch between two tables to the first gives the second', () => {
  fc.assert(
    fc.property(table, table, (before, after) => {
      const patch = routeTablePatch(before, after);
      assert.deepEqual(patch ? applyRoutePatch(before, patch) : before, after);
    }),
    { numRuns: 500 },
  );
});

test('equal tables give no patch; one new backend gives a patch of one backend', () => {
  const r: Route = {
    appId: '/a',
    servicePort: 10000,
    portIndex: 0,
    mode: 'tcp',
    vhosts: [],
    paths: [],
    backends: [{ taskId: 'a.1', host: 'h', port: 31000 }],
  };
  assert.equal(routeTablePatch({ routes: [r] }, { routes: [{ ...r }] }), undefined);
  const more = { ...r, backends: [...r.backends, { taskId: 'a.2', host: 'h', port: 31001 }] };
  assert.deepEqual(routeTablePatch({ routes: [r] }, { routes: [more] }), {
    removed: [],
    routes: [],
    backends: [{ servicePort: 10000, added: [{ taskId: 'a.2', host: 'h', port: 31001 }], removed: [] }],
  });
});
