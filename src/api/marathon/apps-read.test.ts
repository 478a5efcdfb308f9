import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAKE_NOW } from '../test-support/fake-master.js';
import { json, storedApp, taskOf, testApi } from '../test-support/fixtures.js';

type Apps = { apps: Array<Record<string, unknown>> };

function seeded() {
  const api = testApi();
  const web = storedApp({ id: '/prod/web', cmd: 'node server.js', labels: { env: 'prod', tier: 'web' } });
  const db = storedApp({ id: '/prod/db', cmd: 'postgres', labels: { env: 'prod', tier: 'db' } });
  const tool = storedApp({ id: '/tools/cron', cmd: 'crond -f', labels: { env: 'qa' } });
  for (const a of [web, db, tool]) api.master.seedApp(a);
  api.master.seedTask(taskOf(web, 1, { healthy: true }));
  api.master.seedTask(taskOf(web, 2, { state: 'TASK_STAGING', startedAt: undefined }));
  api.master.seedTask(taskOf(web, 3, { healthy: false }));
  api.master.seedTask(taskOf(web, 4, { state: 'TASK_FAILED' }));
  return { ...api, web, db, tool };
}

const ids = (body: Apps) => body.apps.map((a) => a.id);

test('GET /v2/apps lists apps with counts and deployments by default (Marathon 1.x)', async () => {
  const { server } = seeded();
  const res = await server.inject({ method: 'GET', url: '/v2/apps' });
  assert.equal(res.statusCode, 200);
  const body = json<Apps>(res);
  assert.deepEqual(ids(body), ['/prod/db', '/prod/web', '/tools/cron']);
  const web = body.apps[1] as Record<string, unknown>;
  assert.equal(web.cmd, 'node server.js');
  assert.deepEqual(
    [web.tasksStaged, web.tasksRunning, web.tasksHealthy, web.tasksUnhealthy],
    [1, 2, 1, 1],
    'terminal tasks are not counted',
  );
  assert.deepEqual(web.deployments, []);
  assert.equal(web.tasks, undefined);
  assert.equal(web.lastTaskFailure, undefined);
});

test('embed=apps.tasks adds tasks in Marathon shape; app.failures adds lastTaskFailure', async () => {
  const { server, master, web } = seeded();
  master.failures.set(web.id, {
    appId: web.id,
    host: '127.0.0.1',
    message: 'exit 1',
    state: 'TASK_FAILED',
    taskId: 'prod_web.task-4',
    timestamp: new Date(FAKE_NOW).toISOString(),
    version: web.version,
    slaveId: 'agent-1',
  });
  const res = await server.inject({
    method: 'GET',
    url: '/v2/apps?embed=apps.tasks&embed=app.failures&id=web',
  });
  const [app] = json<Apps>(res).apps as Array<Record<string, unknown>>;
  const tasks = app?.tasks as Array<Record<string, unknown>>;
  assert.equal(tasks.length, 3);
  assert.deepEqual(Object.keys(tasks[0] ?? {}).sort(), [
    'appId',
    'healthCheckResults',
    'host',
    'id',
    'ipAddresses',
    'localVolumes',
    'ports',
    'servicePorts',
    'slaveId',
    'stagedAt',
    'startedAt',
    'state',
    'version',
  ]);
  assert.equal((app?.lastTaskFailure as { message?: string } | undefined)?.message, 'exit 1');
});

test('embed=apps.taskStats adds Marathon task statistics', async () => {
  const { server } = seeded();
  const res = await server.inject({ method: 'GET', url: '/v2/apps?embed=apps.taskStats&id=/prod/web' });
  const [app] = json<Apps>(res).apps;
  const stats = app?.taskStats as Record<
    string,
    { stats: { counts: unknown; lifeTime?: { medianSeconds: number } } }
  >;
  assert.deepEqual(stats.totalSummary?.stats.counts, { staged: 1, running: 2, healthy: 1, unhealthy: 1 });
  assert.equal(stats.totalSummary?.stats.lifeTime?.medianSeconds, 50);
  assert.equal(stats.withOutdatedConfig, undefined);
});

test('id and cmd filters are case-insensitive substrings', async () => {
  const { server } = seeded();
  const byId = json<Apps>(await server.inject({ method: 'GET', url: '/v2/apps?id=PROD' }));
  assert.deepEqual(ids(byId), ['/prod/db', '/prod/web']);
  const byCmd = json<Apps>(await server.inject({ method: 'GET', url: '/v2/apps?cmd=Cron' }));
  assert.deepEqual(ids(byCmd), ['/tools/cron']);
});

test('label filters: existence, equality, inequality, sets', async () => {
  const { server } = seeded();
  const q = async (label: string) =>
    ids(
      json<Apps>(await server.inject({ method: 'GET', url: `/v2/apps?label=${encodeURIComponent(label)}` })),
    );
  assert.deepEqual(await q('tier'), ['/prod/db', '/prod/web']);
  assert.deepEqual(await q('env==qa'), ['/tools/cron']);
  assert.deepEqual(await q('env!=qa'), ['/prod/db', '/prod/web']);
  assert.deepEqual(await q('tier in (web, cache)'), ['/prod/web']);
  assert.deepEqual(await q('env==prod, tier notin (web)'), ['/prod/db']);
  const bad = await server.inject({ method: 'GET', url: '/v2/apps?label=env%3D%3D' });
  assert.equal(bad.statusCode, 400);
});

test('GET /v2/apps/{id} embeds counts, tasks, deployments and lastTaskFailure', async () => {
  const { server } = seeded();
  const res = await server.inject({ method: 'GET', url: '/v2/apps/prod/web' });
  assert.equal(res.statusCode, 200);
  const app = json<{ app: Record<string, unknown> }>(res).app;
  assert.equal(app.id, '/prod/web');
  assert.equal((app.tasks as unknown[]).length, 3);
  assert.equal(app.tasksRunning, 2);
  assert.deepEqual(app.deployments, []);
});

test('unknown app is a 404 with Marathon message', async () => {
  const { server } = seeded();
  const res = await server.inject({ method: 'GET', url: '/v2/apps/nope' });
  assert.equal(res.statusCode, 404);
  assert.deepEqual(json(res), { message: "App '/nope' does not exist" });
});

test('GET /v2/apps/{group}/* lists the group under "*"', async () => {
  const { server } = seeded();
  const res = await server.inject({ method: 'GET', url: '/v2/apps/prod/*' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(
    json<{ '*': Array<{ id: string }> }>(res)['*'].map((a) => a.id),
    ['/prod/db', '/prod/web'],
  );
  assert.equal((await server.inject({ method: 'GET', url: '/v2/apps/nope/*' })).statusCode, 404);
});

test('versions: list and show', async () => {
  const { server, master, web } = seeded();
  const v2 = { ...web, instances: 3, version: '2026-01-01T01:00:00.000Z' };
  master.seedApp(v2);
  const list = await server.inject({ method: 'GET', url: '/v2/apps/prod/web/versions' });
  assert.equal(list.statusCode, 200);
  assert.deepEqual(json(list), { versions: [v2.version, web.version] });
  const one = await server.inject({ method: 'GET', url: `/v2/apps/prod/web/versions/${web.version}` });
  assert.equal(one.statusCode, 200);
  assert.equal(json(one).instances, 1);
  assert.equal(json(one).version, web.version);
  const missing = await server.inject({
    method: 'GET',
    url: '/v2/apps/prod/web/versions/2020-01-01T00:00:00.000Z',
  });
  assert.equal(missing.statusCode, 404);
  assert.equal((await server.inject({ method: 'GET', url: '/v2/apps/nope/versions' })).statusCode, 404);
});
