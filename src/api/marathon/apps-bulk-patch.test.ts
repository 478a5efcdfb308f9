/**
 * PATCH /v2/apps, Marathon's patchMultiple: an array of partial definitions, each naming an
 * existing app; one deployment for all; 404 for an unknown app, 422 with the item's index for an
 * invalid one, 400 for a body that is not an array, 409 while a deployment holds one of the apps.
 * The lock and the deployment are the master's, so those cases run against a real Master (the
 * simulation harness); the rest against the fake one.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createSim, type Sim } from '../../../test/sim/harness.js';
import { buildApiServer } from '../server.js';
import { json, storedApp, testApi } from '../test-support/fixtures.js';

const patch = (body: unknown, query = '') => ({
  method: 'PATCH' as const,
  url: `/v2/apps${query}`,
  headers: { 'content-type': 'application/json' },
  payload: JSON.stringify(body),
});

test('PATCH /v2/apps updates the fields given of every listed app, the rest kept', async () => {
  const { server, master } = testApi();
  master.seedApp(storedApp({ id: '/a', mem: 64, instances: 1, labels: { keep: 'me' } }));
  master.seedApp(storedApp({ id: '/g/b', cmd: 'old' }));
  const res = await server.inject(
    patch([
      { id: '/a', instances: 3 },
      { id: 'g/b', cmd: 'new', env: { X: '1' } },
    ]),
  );
  assert.equal(res.statusCode, 200, res.body);
  const ref = json<{ deploymentId: string; version: string }>(res);
  assert.deepEqual(Object.keys(ref).sort(), ['deploymentId', 'version']);
  assert.equal(res.headers['marathon-deployment-id'], ref.deploymentId);
  const a = master.apps.get('/a');
  assert.equal(a?.instances, 3);
  assert.equal(a?.mem, 64);
  assert.deepEqual(a?.labels, { keep: 'me' });
  assert.equal(master.apps.get('/g/b')?.cmd, 'new');
  assert.deepEqual(master.apps.get('/g/b')?.env, { X: '1' });
  assert.equal(master.calls.filter((c) => c.method === 'changeGroups').length, 1, 'one deployment');
});

test('PATCH /v2/apps never creates: an unknown app is a 404 and nothing changes', async () => {
  const { server, master } = testApi();
  master.seedApp(storedApp({ id: '/a' }));
  const before = master.snapshot();
  const res = await server.inject(
    patch([
      { id: '/a', instances: 2 },
      { id: '/nope', cmd: 'sleep 1' },
    ]),
  );
  assert.equal(res.statusCode, 404);
  assert.deepEqual(json(res), { message: "App '/nope' does not exist" });
  assert.equal(master.snapshot(), before);
});

test('PATCH /v2/apps: 422 with the index for invalid items or a missing id, 400 for a non-array', async () => {
  const { server, master } = testApi();
  master.seedApp(storedApp({ id: '/a' }));
  master.seedApp(storedApp({ id: '/b' }));
  const before = master.snapshot();
  const bad = await server.inject(
    patch([{ id: '/a', instances: 2 }, { id: '/b', cpus: -1 }, { instances: 4 }]),
  );
  assert.equal(bad.statusCode, 422, bad.body);
  const details = json<{ message: string; details: Array<{ path: string; errors: string[] }> }>(bad);
  assert.equal(details.message, 'Object is not valid');
  assert.ok(
    details.details.some((d) => d.path === '/1/cpus'),
    bad.body,
  );
  assert.deepEqual(
    details.details.find((d) => d.path === '/2/id'),
    { path: '/2/id', errors: ['error.path.missing'] },
  );
  const lone = await server.inject(patch({ id: '/a', instances: 2 }));
  assert.equal(lone.statusCode, 400);
  assert.deepEqual(json(lone), {
    message: 'Invalid JSON',
    details: [{ path: '/', errors: ['error.expected.jsarray'] }],
  });
  assert.equal((await server.inject(patch([]))).statusCode, 422);
  assert.equal(master.snapshot(), before, 'a rejected request changes nothing');
});

test('PATCH /v2/apps with {id, version} rolls that app back', async () => {
  const { server, master } = testApi();
  const v1 = storedApp({ id: '/a', cmd: 'v1', version: '2026-01-01T01:00:00.000Z' });
  master.seedApp(v1);
  master.seedApp({ ...v1, cmd: 'v2', version: '2026-01-01T02:00:00.000Z' });
  const res = await server.inject(patch([{ id: '/a', version: v1.version }]));
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(master.apps.get('/a')?.cmd, 'v1');
});

describe('PATCH /v2/apps against a real master', () => {
  let sim: Sim;
  let api: FastifyInstance;
  afterEach(async () => {
    await api?.close();
    await sim?.stop();
  });

  const def = (id: string, over: Record<string, unknown> = {}) => ({
    id,
    cmd: 'serve',
    instances: 1,
    cpus: 0.1,
    mem: 16,
    portDefinitions: [],
    ...over,
  });
  /** Never healthy: keeps a deployment running. */
  const stuck = {
    healthChecks: [
      { protocol: 'COMMAND', command: { value: 'false' }, gracePeriodSeconds: 1, intervalSeconds: 1 },
    ],
  };

  it('one deployment changes every listed app; 409 while one is locked, force overrides', async () => {
    sim = await createSim();
    sim.probes.fallback = (t) =>
      t.kind === 'command' ? { kind: 'command', exitCode: t.command === 'false' ? 1 : 0 } : { kind: 'tcp' };
    api = buildApiServer({ master: sim.master, clock: sim.clock });
    const call = (method: 'POST' | 'PATCH' | 'PUT' | 'GET', url: string, payload?: unknown) =>
      api.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}) });

    for (const id of ['/a', '/b']) assert.equal((await call('POST', '/v2/apps', def(id))).statusCode, 201);
    await sim.until(() => sim.settled(), { what: 'apps deployed' });

    const res = await call('PATCH', '/v2/apps', [
      { id: '/a', instances: 2 },
      { id: '/b', instances: 3 },
    ]);
    assert.equal(res.statusCode, 200, res.body);
    const { deploymentId } = JSON.parse(res.body) as { deploymentId: string };
    const deployments = JSON.parse((await call('GET', '/v2/deployments')).body) as Array<{
      id: string;
      affectedApps: string[];
    }>;
    const mine = deployments.find((d) => d.id === deploymentId);
    assert.deepEqual(mine?.affectedApps.sort(), ['/a', '/b'], 'one deployment for both apps');
    await sim.until(() => sim.settled(), { what: 'the bulk patch deployed' });
    assert.equal(sim.master.getApp('/a')?.instances, 2);
    assert.equal(sim.master.getApp('/b')?.instances, 3);
    assert.equal(sim.master.getApp('/b')?.cmd, 'serve', 'fields not given are kept');

    const held = JSON.parse((await call('PUT', '/v2/apps/b', { cmd: 'v2', ...stuck })).body) as {
      deploymentId: string;
    };
    const locked = await call('PATCH', '/v2/apps', [
      { id: '/a', instances: 1 },
      { id: '/b', instances: 1 },
    ]);
    assert.equal(locked.statusCode, 409, locked.body);
    assert.deepEqual(JSON.parse(locked.body), {
      message:
        "App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/<DEPLOYMENT_ID>'.",
      deployments: [{ id: held.deploymentId }],
    });
    assert.equal(sim.master.getApp('/a')?.instances, 2, 'a refused bulk patch changes no app');

    const forced = await call('PATCH', '/v2/apps?force=true', [{ id: '/b', instances: 1, healthChecks: [] }]);
    assert.equal(forced.statusCode, 200, forced.body);
    await sim.until(() => sim.settled(), { what: 'the forced patch deployed' });
    assert.equal(sim.master.getApp('/b')?.instances, 1);
    assert.equal(sim.master.getApp('/b')?.cmd, 'v2');
  });
});
