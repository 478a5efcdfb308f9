import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DroverError } from '../domain/errors.js';
import { json, storedApp, testApi } from './test-support/fixtures.js';

test('an empty body with Content-Type application/json is accepted on DELETE', async () => {
  const { server, master } = testApi();
  master.seedApp(storedApp({ id: '/web' }));
  const res = await server.inject({
    method: 'DELETE',
    url: '/v2/apps/web',
    headers: { 'content-type': 'application/json' },
    payload: '',
  });
  assert.equal(res.statusCode, 200);
  assert.equal(master.apps.has('/web'), false);
});

test('an empty JSON body is accepted on POST .../restart, as python3-marathon sends it', async () => {
  const { server, master } = testApi();
  master.seedApp(storedApp({ id: '/web' }));
  const res = await server.inject({
    method: 'POST',
    url: '/v2/apps/web/restart?force=False',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(Object.keys(json(res)).sort(), ['deploymentId', 'version']);
  assert.equal(master.calls[0]?.method, 'restartApp');
});

test('invalid JSON is a 400 in Marathon shape', async () => {
  const { server } = testApi();
  const res = await server.inject({
    method: 'POST',
    url: '/v2/apps',
    headers: { 'content-type': 'application/json' },
    payload: '{"id": "/web", ',
  });
  assert.equal(res.statusCode, 400);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = json<{ message: string; details: Array<{ path: string; errors: string[] }> }>(res);
  assert.equal(body.message, 'Invalid JSON');
  assert.equal(body.details[0]?.path, '/');
  assert.equal(body.details[0]?.errors.length, 1);
});

test('a body over the limit is a 413 with a JSON message', async () => {
  const { server } = testApi({ bodyLimit: 100 });
  const res = await server.inject({
    method: 'POST',
    url: '/v2/apps',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ id: '/web', cmd: 'x'.repeat(200) }),
  });
  assert.equal(res.statusCode, 413);
  assert.match(json<{ message: string }>(res).message, /too large.*100 bytes/);
});

test('a body that is not JSON is a 415', async () => {
  const { server } = testApi();
  const res = await server.inject({
    method: 'POST',
    url: '/v2/apps',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'id=web',
  });
  assert.equal(res.statusCode, 415);
  assert.match(json<{ message: string }>(res).message, /application\/json/);
});

test('an unknown route is a JSON 404', async () => {
  const { server } = testApi();
  const res = await server.inject({ method: 'GET', url: '/v2/nothing-here?x=1' });
  assert.equal(res.statusCode, 404);
  assert.deepEqual(json(res), { message: 'No route for GET /v2/nothing-here' });
});

test('a DroverError keeps its status; details only for validation errors', async () => {
  const { server, master } = testApi();
  master.listApps = () => {
    throw new DroverError('NOT_LEADER', 'Not the leader; try 10.0.0.2:8080');
  };
  const res = await server.inject({ method: 'GET', url: '/v2/apps' });
  assert.equal(res.statusCode, 503);
  assert.deepEqual(json(res), { message: 'Not the leader; try 10.0.0.2:8080' });
});

test('an unexpected error is a generic 500 that leaks nothing', async () => {
  const { server, master } = testApi();
  master.listApps = () => {
    throw new Error('db password is hunter2');
  };
  const res = await server.inject({ method: 'GET', url: '/v2/apps' });
  assert.equal(res.statusCode, 500);
  assert.doesNotMatch(res.body, /hunter2/);
  assert.ok(json<{ message: string }>(res).message.length > 0);
});

test('a bad boolean query parameter is a 400, python-style True/False are fine', async () => {
  const { server, master } = testApi();
  master.seedApp(storedApp({ id: '/web' }));
  const bad = await server.inject({ method: 'DELETE', url: '/v2/apps/web?force=maybe' });
  assert.equal(bad.statusCode, 400);
  assert.equal(master.apps.has('/web'), true);
  const ok = await server.inject({ method: 'DELETE', url: '/v2/apps/web?force=False' });
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(master.calls.at(-1), { method: 'deleteApp', args: ['/web', { force: false }] });
});

test('a trailing slash names the same resource', async () => {
  const { server, master } = testApi();
  master.seedApp(storedApp({ id: '/web' }));
  assert.equal((await server.inject({ method: 'GET', url: '/v2/apps/' })).statusCode, 200);
  assert.equal((await server.inject({ method: 'GET', url: '/v2/apps/web/' })).statusCode, 200);
});
