/**
 * `/v2/groups` and `/v2/deployments` through fastify.inject against a real Master (the
 * simulation harness: memory store, fake clock, fake agents), since what matters here is what the
 * master does with the request: plans, locks, rollbacks, versions.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createSim, type Sim } from '../../../test/sim/harness.js';
import { buildApiServer } from '../server.js';

const app = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  cmd: 'serve',
  instances: 1,
  cpus: 0.1,
  mem: 16,
  portDefinitions: [],
  ...over,
});

/** Never healthy: keeps a deployment running for as long as a test needs it. */
const stuck = {
  healthChecks: [
    {
      protocol: 'COMMAND',
      command: { value: 'false' },
      gracePeriodSeconds: 1,
      intervalSeconds: 1,
      delaySeconds: 1,
    },
  ],
};

describe('/v2/groups and /v2/deployments', () => {
  let sim: Sim;
  let api: FastifyInstance;

  async function start(): Promise<void> {
    sim = await createSim();
    sim.probes.fallback = (t) =>
      t.kind === 'command'
        ? { kind: 'command', exitCode: t.command === 'false' ? 1 : 0 }
        : t.kind === 'http'
          ? { kind: 'http', status: 200 }
          : { kind: 'tcp' };
    api = buildApiServer({ master: sim.master, clock: sim.clock });
  }

  afterEach(async () => {
    await api?.close();
    await sim?.stop();
  });

  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    api.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}) });
  const body = <T = Record<string, unknown>>(res: LightMyRequestResponse) => JSON.parse(res.body) as T;

  async function settle(): Promise<void> {
    await sim.until(() => sim.settled(), { what: 'deployments finished' });
  }

  it('creates a group with nested groups and apps, and shows it in Marathon’s shape', async () => {
    await start();
    const res = await call('POST', '/v2/groups', {
      id: 'prod',
      dependencies: [],
      apps: [app('web', { dependencies: ['db/pg'] })],
      groups: [{ id: 'db', apps: [app('pg')] }],
    });
    assert.equal(res.statusCode, 201, res.body);
    const ref = body<{ deploymentId: string; version: string }>(res);
    assert.equal(res.headers['marathon-deployment-id'], ref.deploymentId);
    assert.equal(res.headers.location, '/v2/groups/prod');

    const root = body(await call('GET', '/v2/groups'));
    assert.deepEqual(Object.keys(root).sort(), ['apps', 'dependencies', 'groups', 'id', 'pods', 'version']);
    assert.equal(root.id, '/');
    const prod = (root.groups as Array<Record<string, unknown>>)[0]!;
    assert.equal(prod.id, '/prod');
    assert.deepEqual(
      (prod.apps as Array<{ id: string }>).map((a) => a.id),
      ['/prod/web'],
    );
    assert.deepEqual((prod.apps as Array<{ dependencies: string[] }>)[0]?.dependencies, ['/prod/db/pg']);
    const db = (prod.groups as Array<Record<string, unknown>>)[0]!;
    assert.equal(db.id, '/prod/db');

    const one = body(await call('GET', '/v2/groups/prod/db'));
    assert.deepEqual(
      (one.apps as Array<{ id: string }>).map((a) => a.id),
      ['/prod/db/pg'],
    );
    const again = await call('POST', '/v2/groups', { id: 'prod' });
    assert.equal(again.statusCode, 409);
    assert.match(body<{ message: string }>(again).message, /Group \/prod is already created/);
    assert.equal((await call('GET', '/v2/groups/nope')).statusCode, 404);
  });

  it('embeds: only group.apps, and apps with their tasks', async () => {
    await start();
    await call('POST', '/v2/groups', { id: 'g', apps: [app('a')], groups: [{ id: 'sub' }] });
    await settle();
    const appsOnly = body(await call('GET', '/v2/groups/g?embed=group.apps'));
    assert.ok(appsOnly.apps);
    assert.equal(appsOnly.groups, undefined);
    const withTasks = body(await call('GET', '/v2/groups/g?embed=group.apps&embed=group.apps.tasks'));
    const a = (withTasks.apps as Array<Record<string, unknown>>)[0]!;
    assert.equal((a.tasks as unknown[]).length, 1);
  });

  it('dryRun answers the plan and changes nothing', async () => {
    await start();
    const res = await call('PUT', '/v2/groups/shop?dryRun=true', {
      apps: [app('db'), app('web', { dependencies: ['db'] })],
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(body(res), {
      steps: [
        {
          actions: [
            { action: 'StartApplication', app: '/shop/db' },
            { action: 'StartApplication', app: '/shop/web' },
          ],
        },
        { actions: [{ action: 'ScaleApplication', app: '/shop/db' }] },
        { actions: [{ action: 'ScaleApplication', app: '/shop/web' }] },
      ],
    });
    assert.equal(sim.master.listApps().length, 0);
    assert.equal((await call('GET', '/v2/groups/shop')).statusCode, 404);
  });

  it('scaleBy scales every app below the group; DELETE stops them', async () => {
    await start();
    await call('POST', '/v2/groups', {
      id: 'g',
      apps: [app('a', { instances: 2 }), app('b', { instances: 1 })],
    });
    await settle();
    const res = await call('PUT', '/v2/groups/g', { scaleBy: 1.5 });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(sim.master.getApp('/g/a')?.instances, 3);
    assert.equal(sim.master.getApp('/g/b')?.instances, 2);
    await settle();
    const del = await call('DELETE', '/v2/groups/g');
    assert.equal(del.statusCode, 200);
    assert.ok(body(del).deploymentId);
    await sim.until(() => sim.tasks().length === 0 && sim.settled());
    assert.equal((await call('GET', '/v2/groups/g')).statusCode, 404);
  });

  it('lists group versions and rolls a group back with {"version"}', async () => {
    await start();
    await call('POST', '/v2/groups', { id: 'g', apps: [app('a', { cmd: 'v1' })] });
    await settle();
    const [v1] = body<string[]>(await call('GET', '/v2/groups/g/versions'));
    await call('PUT', '/v2/groups/g', { apps: [app('a', { cmd: 'v2' }), app('b')] });
    await settle();
    const versions = body<string[]>(await call('GET', '/v2/groups/g/versions'));
    assert.equal(versions.length, 2);
    assert.equal(versions[1], v1);
    const old = body(await call('GET', `/v2/groups/g/versions/${v1}`));
    assert.deepEqual(
      (old.apps as Array<{ id: string; cmd: string }>).map((a) => [a.id, a.cmd]),
      [['/g/a', 'v1']],
    );
    const rb = await call('PUT', '/v2/groups/g', { version: v1 });
    assert.equal(rb.statusCode, 200, rb.body);
    assert.equal(sim.master.getApp('/g/a')?.cmd, 'v1');
    assert.equal(sim.master.getApp('/g/b'), undefined);
    const missing = await call('PUT', '/v2/groups/g', { version: '2001-01-01T00:00:00.000Z' });
    assert.equal(missing.statusCode, 404);
  });

  it('refuses bad groups with 422 and paths: cycles, unknown dependencies, apps outside the group', async () => {
    await start();
    const cycle = await call('POST', '/v2/groups', {
      id: 'c',
      apps: [app('a', { dependencies: ['b'] }), app('b', { dependencies: ['a'] })],
    });
    assert.equal(cycle.statusCode, 422);
    const cd = body<{ details: Array<{ path: string; errors: string[] }> }>(cycle).details;
    assert.match(cd[0]!.path, /^\/apps\([01]\)\/dependencies\(0\)$/);
    assert.match(cd[0]!.errors[0]!, /Dependency graph has cyclic dependencies: \/c\/(a|b) -> /);

    const unknown = await call('POST', '/v2/groups', { id: 'u', dependencies: ['/nope'], apps: [app('a')] });
    assert.equal(unknown.statusCode, 422);
    assert.deepEqual(body<{ details: unknown }>(unknown).details, [
      { path: '/dependencies(0)', errors: ['Dependency /nope does not exist: no app or group has this id'] },
    ]);

    const outside = await call('POST', '/v2/groups', { id: 'o', apps: [app('/elsewhere/a')] });
    assert.equal(outside.statusCode, 422);
    assert.deepEqual(body<{ details: unknown }>(outside).details, [
      {
        path: '/apps(0)/id',
        errors: ['identifier /elsewhere/a is not child of /o. Hint: use relative paths.'],
      },
    ]);

    const badStrategy = await call('POST', '/v2/groups', {
      id: 's',
      apps: [app('a', { upgradeStrategy: { minimumHealthCapacity: 1.5 } })],
    });
    assert.equal(badStrategy.statusCode, 422);
    assert.equal(
      body<{ details: Array<{ path: string }> }>(badStrategy).details[0]?.path,
      '/apps(0)/upgradeStrategy/minimumHealthCapacity',
    );
    assert.equal(sim.master.listApps().length, 0, 'nothing was deployed');
  });

  it('lists deployments in Marathon’s shape, shows them on apps, and locks apps (409 with ids)', async () => {
    await start();
    await call('POST', '/v2/apps', app('/web', { instances: 2 }));
    await settle();
    const put = await call('PUT', '/v2/apps/web', { cmd: 'v2', ...stuck });
    assert.equal(put.statusCode, 200);
    const { deploymentId } = body<{ deploymentId: string }>(put);

    const list = body<Array<Record<string, unknown>>>(await call('GET', '/v2/deployments'));
    assert.equal(list.length, 1);
    assert.deepEqual(list[0], {
      id: deploymentId,
      version: sim.master.getApp('/web')!.version,
      affectedApps: ['/web'],
      affectedPods: [],
      steps: [{ actions: [{ action: 'RestartApplication', app: '/web' }] }],
      currentActions: [{ action: 'RestartApplication', app: '/web', readinessCheckResults: [] }],
      currentStep: 1,
      totalSteps: 1,
    });
    const apps = body<{ apps: Array<{ deployments: unknown }> }>(await call('GET', '/v2/apps'));
    assert.deepEqual(apps.apps[0]?.deployments, [{ id: deploymentId }]);

    const locked = await call('PUT', '/v2/apps/web', { instances: 3 });
    assert.equal(locked.statusCode, 409);
    assert.deepEqual(body(locked), {
      message:
        "App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/<DEPLOYMENT_ID>'.",
      deployments: [{ id: deploymentId }],
    });
    const restartLocked = await call('POST', '/v2/apps/web/restart');
    assert.equal(restartLocked.statusCode, 409);
  });

  it('DELETE /v2/deployments/{id} rolls back (200, new deployment); force only stops it (202)', async () => {
    await start();
    await call('POST', '/v2/apps', app('/web', { instances: 2, cmd: 'v1' }));
    await settle();
    const first = body<{ deploymentId: string }>(await call('PUT', '/v2/apps/web', { cmd: 'v2', ...stuck }));
    const rollback = await call('DELETE', `/v2/deployments/${first.deploymentId}`);
    assert.equal(rollback.statusCode, 200, rollback.body);
    const revert = body<{ deploymentId: string; version: string }>(rollback);
    assert.notEqual(revert.deploymentId, first.deploymentId);
    assert.equal(rollback.headers['marathon-deployment-id'], revert.deploymentId);
    assert.equal(sim.master.getApp('/web')?.cmd, 'v1');
    await settle();

    const second = body<{ deploymentId: string }>(await call('PUT', '/v2/apps/web', { cmd: 'v3', ...stuck }));
    const stop = await call('DELETE', `/v2/deployments/${second.deploymentId}?force=true`);
    assert.equal(stop.statusCode, 202);
    assert.equal(stop.body, '');
    assert.equal(sim.master.getApp('/web')?.cmd, 'v3', 'a forced stop keeps the new definition');
    assert.deepEqual(body(await call('GET', '/v2/deployments')), []);

    const gone = await call('DELETE', '/v2/deployments/nope');
    assert.equal(gone.statusCode, 404);
    assert.deepEqual(body(gone), { message: 'DeploymentPlan nope does not exist' });
  });

  it('PUT with force cancels the deployment holding the app', async () => {
    await start();
    await call('POST', '/v2/apps', app('/web'));
    await settle();
    await call('PUT', '/v2/apps/web', { cmd: 'v2', ...stuck });
    const forced = await call('PUT', '/v2/apps/web?force=true', { cmd: 'v3', healthChecks: [] });
    assert.equal(forced.statusCode, 200, forced.body);
    const list = body<Array<{ id: string }>>(await call('GET', '/v2/deployments'));
    assert.deepEqual(
      list.map((d) => d.id),
      [body<{ deploymentId: string }>(forced).deploymentId],
    );
  });

  it('PATCH on a group patches listed apps and keeps the rest', async () => {
    await start();
    await call('POST', '/v2/groups', { id: 'g', apps: [app('a'), app('b')] });
    await settle();
    const res = await call('PATCH', '/v2/groups/g', { apps: [{ id: 'a', instances: 2 }] });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(sim.master.getApp('/g/a')?.instances, 2);
    assert.equal(sim.master.getApp('/g/a')?.cmd, 'serve');
    assert.ok(sim.master.getApp('/g/b'));
  });
  it('PUT /v2/apps with several apps is one deployment, dependencies first', async () => {
    await start();
    const res = await call('PUT', '/v2/apps', [app('/web', { dependencies: ['/db'] }), app('/db')]);
    assert.equal(res.statusCode, 200, res.body);
    const [d] = sim.master.deployments();
    assert.equal(d?.id, body<{ deploymentId: string }>(res).deploymentId);
    assert.deepEqual(
      d?.steps.map((st) => st.actions.map((a) => `${a.action} ${a.app}`)),
      [
        ['StartApplication /db', 'StartApplication /web'],
        ['ScaleApplication /db'],
        ['ScaleApplication /web'],
      ],
    );
    const bad = await call('PUT', '/v2/apps', [app('/x', { dependencies: ['/nope'] })]);
    assert.equal(bad.statusCode, 422);
    assert.deepEqual(body<{ details: unknown }>(bad).details, [
      {
        path: '/0/dependencies(0)',
        errors: ['Dependency /nope does not exist: no app or group has this id'],
      },
    ]);
  });

  it('POST /v2/apps refuses an unknown dependency and a cycle with 422 at /dependencies', async () => {
    await start();
    const unknown = await call('POST', '/v2/apps', app('/a', { dependencies: ['/b'] }));
    assert.equal(unknown.statusCode, 422);
    assert.deepEqual(body<{ details: unknown }>(unknown).details, [
      { path: '/dependencies(0)', errors: ['Dependency /b does not exist: no app or group has this id'] },
    ]);
    assert.equal((await call('POST', '/v2/apps', app('/b', { dependencies: [] }))).statusCode, 201);
    assert.equal((await call('POST', '/v2/apps', app('/a', { dependencies: ['/b'] }))).statusCode, 201);
    await settle();
    const cycle = await call('PUT', '/v2/apps/b', { dependencies: ['/a'] });
    assert.equal(cycle.statusCode, 422);
    assert.deepEqual(body<{ details: unknown }>(cycle).details, [
      { path: '/dependencies(0)', errors: ['Dependency graph has cyclic dependencies: /a -> /b -> /a'] },
    ]);
  });
});
