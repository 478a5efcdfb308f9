import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json, storedApp, taskOf, testApi } from '../test-support/fixtures.js';

function seeded() {
  const api = testApi();
  const web = storedApp({
    id: '/prod/web',
    portDefinitions: [
      { port: 10001, protocol: 'tcp' },
      { port: 10002, protocol: 'tcp' },
    ],
  });
  const worker = storedApp({ id: '/worker', portDefinitions: [] });
  api.master.seedApp(web);
  api.master.seedApp(worker);
  api.master.seedTask(taskOf(web, 2, { host: 'node-b' }));
  api.master.seedTask(taskOf(web, 1, { host: 'node-a' }));
  api.master.seedTask(taskOf(web, 3, { host: 'node-c', state: 'TASK_STAGING' }));
  api.master.seedTask(taskOf(worker, 1, { host: 'node-a', ports: [] }));
  api.master.seedTask(taskOf(worker, 2, { host: 'node-b', state: 'TASK_KILLED', ports: [] }));
  return { ...api, web, worker };
}

type Tasks = { tasks: Array<{ id: string; state: string }> };

test('GET /v2/tasks lists all live tasks as JSON (curl sends Accept: */*)', async () => {
  const { server } = seeded();
  const res = await server.inject({ method: 'GET', url: '/v2/tasks', headers: { accept: '*/*' } });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.equal(json<Tasks>(res).tasks.length, 4);
});

test('GET /v2/tasks?status= filters by Marathon status names', async () => {
  const { server } = seeded();
  const staging = json<Tasks>(await server.inject({ method: 'GET', url: '/v2/tasks?status=staging' }));
  assert.deepEqual(
    staging.tasks.map((t) => t.id),
    ['prod_web.task-3'],
  );
  const both = json<Tasks>(
    await server.inject({ method: 'GET', url: '/v2/tasks?status[]=running&status[]=staging' }),
  );
  assert.equal(both.tasks.length, 4);
  const unknownIgnored = json<Tasks>(await server.inject({ method: 'GET', url: '/v2/tasks?status=bogus' }));
  assert.equal(unknownIgnored.tasks.length, 4);
});

test('GET /v2/tasks as text/plain is the haproxy-marathon-bridge format', async () => {
  const { server } = seeded();
  const res = await server.inject({ method: 'GET', url: '/v2/tasks', headers: { accept: 'text/plain' } });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain/);
  assert.equal(
    res.body,
    [
      'prod_web\t10001\tnode-a:31010\tnode-b:31020\t\n',
      'prod_web\t10002\tnode-a:31011\tnode-b:31021\t\n',
      'worker\t \tnode-a\t\n',
    ].join(''),
  );
});

test('POST /v2/tasks/delete kills the given live tasks, skipping unknown ids', async () => {
  const { server, master } = seeded();
  const res = await server.inject({
    method: 'POST',
    url: '/v2/tasks/delete',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ ids: ['prod_web.task-1', 'gone.1', 'worker.task-2'] }),
  });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(
    json<Tasks>(res).tasks.map((t) => t.id),
    ['prod_web.task-1'],
  );
  assert.deepEqual(master.calls[0]?.args, [['prod_web.task-1'], { scale: false, force: false }]);
});

test('POST /v2/tasks/delete?scale=true answers with the deployment', async () => {
  const { server, master } = seeded();
  const res = await server.inject({
    method: 'POST',
    url: '/v2/tasks/delete?scale=true&force=true',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ ids: ['prod_web.task-1'] }),
  });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(Object.keys(json(res)).sort(), ['deploymentId', 'version']);
  assert.deepEqual(master.calls[0]?.args[1], { scale: true, force: true });
});

test('POST /v2/tasks/delete without a body is a 400 and kills nothing', async () => {
  const { server, master } = seeded();
  const res = await server.inject({
    method: 'POST',
    url: '/v2/tasks/delete',
    headers: { 'content-type': 'application/json' },
    payload: '',
  });
  assert.equal(res.statusCode, 400);
  assert.equal(json(res).message, 'Invalid JSON');
  assert.equal(master.calls.length, 0);
});

test('POST /v2/tasks/delete with valid JSON of the wrong shape is a 422 naming the path, and kills nothing', async () => {
  const { server, master } = seeded();
  const before = master.listTasks().length;
  const cases: Array<[string, Array<{ path: string; errors: string[] }>]> = [
    ['{"idz":1}', [{ path: '/ids', errors: ['error.path.missing'] }]],
    ['{}', [{ path: '/ids', errors: ['error.path.missing'] }]],
    ['{"ids": null}', [{ path: '/ids', errors: ['error.path.missing'] }]],
    ['{"ids": "prod_web.task-1"}', [{ path: '/ids', errors: ['error.expected.jsarray'] }]],
    [
      '{"ids": ["prod_web.task-1", 1, {}]}',
      [
        { path: '/ids(1)', errors: ['error.expected.jsstring'] },
        { path: '/ids(2)', errors: ['error.expected.jsstring'] },
      ],
    ],
    ['[]', [{ path: '/', errors: ['error.expected.jsobject'] }]],
    ['"prod_web.task-1"', [{ path: '/', errors: ['error.expected.jsobject'] }]],
  ];
  for (const [payload, details] of cases) {
    const res = await server.inject({
      method: 'POST',
      url: '/v2/tasks/delete',
      headers: { 'content-type': 'application/json' },
      payload,
    });
    assert.equal(res.statusCode, 422, payload);
    const body = json<{ message: string; details: unknown }>(res);
    assert.equal(body.message, 'Object is not valid', payload);
    assert.deepEqual(body.details, details, payload);
  }
  assert.equal(master.calls.length, 0);
  assert.equal(master.listTasks().length, before, 'nothing was killed');
});
