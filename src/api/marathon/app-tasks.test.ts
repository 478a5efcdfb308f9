import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json, storedApp, taskOf, testApi } from '../test-support/fixtures.js';

function seeded() {
  const api = testApi();
  const web = storedApp({ id: '/web', instances: 3 });
  api.master.seedApp(web);
  api.master.seedTask(taskOf(web, 1, { host: '10.0.0.1', agentId: 'a1' }));
  api.master.seedTask(taskOf(web, 2, { host: '10.0.0.2', agentId: 'a2' }));
  api.master.seedTask(taskOf(web, 3, { host: '10.0.0.2', agentId: 'a2' }));
  api.master.seedTask(taskOf(web, 4, { state: 'TASK_FINISHED' }));
  api.master.agentList = [
    {
      id: 'a2',
      hostname: 'node-b',
      address: '10.0.0.2',
      resources: { cpus: 4, mem: 4096, disk: 0, ports: [[31000, 32000]] },
      attributes: {},
      capabilities: { docker: false },
      registeredAt: 0,
      lastHeartbeatAt: 0,
      connected: true,
    },
  ];
  return { ...api, web };
}

type Tasks = { tasks: Array<Record<string, unknown>> };

test('GET /v2/apps/{id}/tasks lists live tasks in Marathon shape', async () => {
  const { server } = seeded();
  const res = await server.inject({ method: 'GET', url: '/v2/apps/web/tasks' });
  assert.equal(res.statusCode, 200);
  const tasks = json<Tasks>(res).tasks;
  assert.deepEqual(
    tasks.map((t) => t.id),
    ['web.task-1', 'web.task-2', 'web.task-3'],
  );
  const t = tasks[0] as Record<string, unknown>;
  assert.equal(t.appId, '/web');
  assert.equal(t.slaveId, 'a1');
  assert.deepEqual(t.ports, [31010]);
  assert.deepEqual(t.servicePorts, [10000]);
  assert.equal(t.state, 'TASK_RUNNING');
  assert.equal(t.startedAt, '2026-01-02T03:03:15.000Z');
  assert.deepEqual(t.ipAddresses, [{ ipAddress: '10.0.0.1', protocol: 'IPv4' }]);
  assert.deepEqual(t.localVolumes, []);
});

test('GET /v2/apps/{id}/tasks as text/plain', async () => {
  const { server } = seeded();
  const res = await server.inject({
    method: 'GET',
    url: '/v2/apps/web/tasks',
    headers: { accept: 'text/plain' },
  });
  assert.match(String(res.headers['content-type']), /^text\/plain/);
  assert.equal(res.body, 'web\t10000\t10.0.0.1:31010\t10.0.0.2:31020\t10.0.0.2:31030\t\n');
});

test('DELETE /v2/apps/{id}/tasks kills all live tasks and returns them', async () => {
  const { server, master } = seeded();
  const res = await server.inject({
    method: 'DELETE',
    url: '/v2/apps/web/tasks',
    headers: { 'content-type': 'application/json' },
    payload: '',
  });
  assert.equal(res.statusCode, 200);
  assert.equal(json<Tasks>(res).tasks.length, 3);
  assert.deepEqual(master.calls[0], {
    method: 'killTasks',
    args: [['web.task-1', 'web.task-2', 'web.task-3'], { scale: false, force: false }],
  });
});

test('DELETE /v2/apps/{id}/tasks?host= kills only tasks on that host (hostname or address)', async () => {
  for (const host of ['node-b', '10.0.0.2']) {
    const { server, master } = seeded();
    const res = await server.inject({ method: 'DELETE', url: `/v2/apps/web/tasks?host=${host}` });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(master.calls[0]?.args[0], ['web.task-2', 'web.task-3']);
  }
});

test('DELETE /v2/apps/{id}/tasks?scale=true answers with the deployment', async () => {
  const { server, master } = seeded();
  const res = await server.inject({ method: 'DELETE', url: '/v2/apps/web/tasks?host=10.0.0.1&scale=true' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(Object.keys(json(res)).sort(), ['deploymentId', 'version']);
  assert.ok(res.headers['marathon-deployment-id']);
  assert.equal(master.apps.get('/web')?.instances, 2);
});

test('scale and wipe together are a 400 and kill nothing', async () => {
  const { server, master } = seeded();
  const res = await server.inject({ method: 'DELETE', url: '/v2/apps/web/tasks?scale=true&wipe=true' });
  assert.equal(res.statusCode, 400);
  assert.equal(master.calls.length, 0);
});

test('DELETE /v2/apps/{id}/tasks/{taskId}: {task} without scale, deployment with scale', async () => {
  const { server, master } = seeded();
  const one = await server.inject({ method: 'DELETE', url: '/v2/apps/web/tasks/web.task-1' });
  assert.equal(one.statusCode, 200);
  assert.equal(json<{ task: { id: string; state: string } }>(one).task.id, 'web.task-1');
  assert.equal(json<{ task: { id: string; state: string } }>(one).task.state, 'TASK_KILLING');
  const scaled = await server.inject({ method: 'DELETE', url: '/v2/apps/web/tasks/web.task-2?scale=True' });
  assert.deepEqual(Object.keys(json(scaled)).sort(), ['deploymentId', 'version']);
  assert.equal(master.apps.get('/web')?.instances, 2);
});

test('killing an unknown task, or one of another app, is a 404', async () => {
  const { server, master } = seeded();
  master.seedApp(storedApp({ id: '/other' }));
  const unknown = await server.inject({ method: 'DELETE', url: '/v2/apps/web/tasks/nope.1' });
  assert.equal(unknown.statusCode, 404);
  assert.deepEqual(json(unknown), { message: "Task 'nope.1' does not exist" });
  const wrongApp = await server.inject({ method: 'DELETE', url: '/v2/apps/other/tasks/web.task-1' });
  assert.equal(wrongApp.statusCode, 404);
  assert.equal(master.calls.length, 0);
});

test('tasks of an unknown app are a 404', async () => {
  const { server } = seeded();
  assert.equal((await server.inject({ method: 'GET', url: '/v2/apps/nope/tasks' })).statusCode, 404);
  assert.equal((await server.inject({ method: 'DELETE', url: '/v2/apps/nope/tasks' })).statusCode, 404);
});
