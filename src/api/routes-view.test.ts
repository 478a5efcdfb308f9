/**
 * `GET /v2/routes` and `/v2/routes/{appId}` in-process: each route carries the agents that cannot
 * bind its service port, with `since` as ISO time; an unknown app is 404.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAKE_NOW } from './test-support/fake-master.js';
import { json, storedApp, taskOf, testApi } from './test-support/fixtures.js';

test('GET /v2/routes lists every route with its bind failures; /v2/routes/{id} one app', async () => {
  const { server, master } = testApi();
  const web = storedApp({ id: '/shop/web', portDefinitions: [{ port: 10001, protocol: 'tcp' }] });
  const db = storedApp({ id: '/db', portDefinitions: [{ port: 10002, protocol: 'tcp' }] });
  master.seedApp(web);
  master.seedApp(db);
  master.seedTask(taskOf(web, 1, { host: '127.0.0.2' }));
  master.seedTask(taskOf(web, 2, { state: 'TASK_STAGING' }));
  master.bindFailures = [
    {
      agentId: 'agent-2',
      servicePort: 10001,
      appId: '/shop/web',
      address: '127.0.0.3:10001',
      error: 'EADDRINUSE',
      since: FAKE_NOW,
    },
  ];

  const all = json<{ routes: Array<Record<string, unknown>> }>(await server.inject({ url: '/v2/routes' }));
  assert.deepEqual(
    all.routes.map((r) => [r.appId, r.servicePort]),
    [
      ['/shop/web', 10001],
      ['/db', 10002],
    ],
  );
  const [webRoute, dbRoute] = all.routes;
  assert.deepEqual(webRoute!.backends, [{ taskId: 'shop_web.task-1', host: '127.0.0.2', port: 31010 }]);
  assert.deepEqual(webRoute!.bindFailures, [
    {
      agentId: 'agent-2',
      address: '127.0.0.3:10001',
      error: 'EADDRINUSE',
      since: new Date(FAKE_NOW).toISOString(),
    },
  ]);
  assert.deepEqual(dbRoute!.backends, [], 'no task: connections are refused');
  assert.deepEqual(dbRoute!.bindFailures, []);

  const one = json<{ routes: Array<{ appId: string }> }>(await server.inject({ url: '/v2/routes/shop/web' }));
  assert.deepEqual(
    one.routes.map((r) => r.appId),
    ['/shop/web'],
  );

  const missing = await server.inject({ url: '/v2/routes/nope' });
  assert.equal(missing.statusCode, 404);
});
