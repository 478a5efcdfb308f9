import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppDefinition } from '../../domain/app.js';
import { json, storedApp, testApi } from '../test-support/fixtures.js';

const post = (body: unknown) => ({
  method: 'POST' as const,
  url: '/v2/apps',
  headers: { 'content-type': 'application/json' },
  payload: JSON.stringify(body),
});

const put = (url: string, body: unknown) => ({
  method: 'PUT' as const,
  url,
  headers: { 'content-type': 'application/json' },
  payload: JSON.stringify(body),
});

test('POST /v2/apps creates: 201, Location, deployment header, app with defaults and read-only fields', async () => {
  const { server, master } = testApi();
  const res = await server.inject(
    post({ id: 'web', cmd: 'node server.js', instances: 3, cpus: 0.1, mem: 32 }),
  );
  assert.equal(res.statusCode, 201);
  assert.equal(res.headers.location, '/v2/apps/web');
  const body = json(res);
  assert.equal(body.id, '/web');
  assert.equal(body.instances, 3);
  assert.equal(body.disk, 0, 'defaults are filled in');
  assert.equal(typeof body.version, 'string');
  assert.deepEqual(body.tasks, []);
  assert.equal(body.tasksRunning, 0);
  assert.deepEqual(body.deployments, [{ id: res.headers['marathon-deployment-id'] }]);
  assert.equal(master.calls[0]?.method, 'createApp');
  assert.equal((master.calls[0]?.args[0] as AppDefinition | undefined)?.id, '/web');
});

test('POST of an existing id is a 409 in Marathon words', async () => {
  const { server, master } = testApi();
  master.seedApp(storedApp({ id: '/web' }));
  const res = await server.inject(post({ id: '/web', cmd: 'x' }));
  assert.equal(res.statusCode, 409);
  assert.deepEqual(json(res), { message: 'An app with id [/web] already exists.' });
  assert.equal(master.calls.length, 0);
});

test('PUT /v2/apps/{id} on a missing app creates it (201) with the path id', async () => {
  const { server, master } = testApi();
  const res = await server.inject(put('/v2/apps/group/web', { cmd: 'sleep 1', instances: 2 }));
  assert.equal(res.statusCode, 201);
  assert.equal(res.headers.location, '/v2/apps/group/web');
  assert.deepEqual(Object.keys(json(res)).sort(), ['deploymentId', 'version']);
  assert.equal(res.headers['marathon-deployment-id'], json(res).deploymentId);
  assert.equal(master.apps.get('/group/web')?.instances, 2);
});

test('PUT /v2/apps/{id} on an existing app is a partial update by default (python3-marathon scale)', async () => {
  const { server, master } = testApi();
  master.seedApp(storedApp({ id: '/web', cmd: 'node server.js', mem: 64, instances: 1 }));
  const res = await server.inject(put('/v2/apps/web?force=true', { instances: 5 }));
  assert.equal(res.statusCode, 200);
  const stored = master.apps.get('/web');
  assert.equal(stored?.instances, 5);
  assert.equal(stored?.mem, 64, 'fields left out keep their values');
  assert.equal(stored?.cmd, 'node server.js');
  assert.deepEqual(master.calls[0]?.args[1], { force: true });
});

test('PUT with partialUpdate=false replaces the definition', async () => {
  const { server, master } = testApi();
  master.seedApp(storedApp({ id: '/web', cmd: 'node server.js', mem: 64 }));
  const res = await server.inject(put('/v2/apps/web?partialUpdate=false', { cmd: 'node other.js' }));
  assert.equal(res.statusCode, 200);
  assert.equal(master.apps.get('/web')?.mem, 128, 'back to the default');
});

test('a GET-modify-PUT round trip of a whole app works, its version echo ignored', async () => {
  const { server, master } = testApi();
  await server.inject(post({ id: '/web', cmd: 'node server.js', instances: 1 }));
  const got = json<{ app: Record<string, unknown> }>(
    await server.inject({ method: 'GET', url: '/v2/apps/web' }),
  ).app;
  const res = await server.inject(put('/v2/apps/web', { ...got, instances: 4 }));
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(master.apps.get('/web')?.instances, 4);
});

test('the path id wins over a different id in the body (Marathon 1.5+)', async () => {
  const { server, master } = testApi();
  const res = await server.inject(put('/v2/apps/web', { id: '/other', cmd: 'sleep 1' }));
  assert.equal(res.statusCode, 201);
  assert.ok(master.apps.has('/web'));
  assert.ok(!master.apps.has('/other'));
});

test('PUT {"version": v} rolls back to that stored version; unknown version is a 404', async () => {
  const { server, master } = testApi();
  const v1 = storedApp({ id: '/web', instances: 1, cmd: 'v1' });
  master.seedApp(v1);
  master.seedApp({ ...v1, cmd: 'v2', version: '2026-01-01T02:00:00.000Z' });
  const res = await server.inject(put('/v2/apps/web', { version: v1.version }));
  assert.equal(res.statusCode, 200);
  assert.equal(master.apps.get('/web')?.cmd, 'v1');
  const before = master.snapshot();
  const missing = await server.inject(put('/v2/apps/web', { version: '1999-01-01T00:00:00.000Z' }));
  assert.equal(missing.statusCode, 404);
  assert.equal(master.snapshot(), before);
  const noApp = await server.inject(put('/v2/apps/nope', { version: v1.version }));
  assert.equal(noApp.statusCode, 404);
});

test('PATCH updates given fields only and never creates', async () => {
  const { server, master } = testApi();
  master.seedApp(storedApp({ id: '/web', labels: { a: '1' } }));
  const res = await server.inject({
    method: 'PATCH',
    url: '/v2/apps/web',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ labels: { b: '2' } }),
  });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(master.apps.get('/web')?.labels, { b: '2' });
  assert.equal(master.apps.get('/web')?.cmd, 'sleep 1000');
  const missing = await server.inject({
    method: 'PATCH',
    url: '/v2/apps/nope',
    headers: { 'content-type': 'application/json' },
    payload: '{"instances": 2}',
  });
  assert.equal(missing.statusCode, 404);
});

test('DELETE /v2/apps/{id}: deployment result; force defaults to true as in Marathon', async () => {
  const { server, master } = testApi();
  master.seedApp(storedApp({ id: '/web' }));
  const res = await server.inject({ method: 'DELETE', url: '/v2/apps/web' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(Object.keys(json(res)).sort(), ['deploymentId', 'version']);
  assert.deepEqual(master.calls[0], { method: 'deleteApp', args: ['/web', { force: true }] });
  assert.equal((await server.inject({ method: 'DELETE', url: '/v2/apps/web' })).statusCode, 404);
});

test('PUT /v2/apps creates and updates several apps', async () => {
  const { server, master } = testApi();
  master.seedApp(storedApp({ id: '/a', mem: 64 }));
  const res = await server.inject(
    put('/v2/apps', [
      { id: '/a', instances: 2 },
      { id: 'b', cmd: 'sleep 1' },
    ]),
  );
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(Object.keys(json(res)).sort(), ['deploymentId', 'version']);
  assert.equal(master.apps.get('/a')?.instances, 2);
  assert.equal(master.apps.get('/a')?.mem, 64);
  assert.ok(master.apps.has('/b'));
});

test('PUT /v2/apps validates every app before changing any; paths carry the index', async () => {
  const { server, master } = testApi();
  const before = master.snapshot();
  const res = await server.inject(
    put('/v2/apps', [
      { id: '/ok', cmd: 'sleep 1' },
      { id: '/bad', cpus: -1 },
    ]),
  );
  assert.equal(res.statusCode, 422);
  const details = json<{ details: Array<{ path: string }> }>(res).details;
  assert.ok(
    details.some((d) => d.path.startsWith('/1')),
    res.body,
  );
  assert.equal(master.snapshot(), before);
});

test('restart answers with the deployment', async () => {
  const { server, master } = testApi();
  master.seedApp(storedApp({ id: '/web' }));
  const res = await server.inject({ method: 'POST', url: '/v2/apps/web/restart?force=true' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(master.calls[0], { method: 'restartApp', args: ['/web', { force: true }] });
  assert.equal((await server.inject({ method: 'POST', url: '/v2/apps/nope/restart' })).statusCode, 404);
});
