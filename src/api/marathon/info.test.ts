import assert from 'node:assert/strict';
import { test } from 'node:test';
import { droverVersion } from '../../platform/version.js';
import { json, storedApp, taskOf, testApi } from '../test-support/fixtures.js';
import { MARATHON_API_VERSION } from '../views/info-view.js';

test('/ping answers pong as text', async () => {
  const { server } = testApi();
  const res = await server.inject({ method: 'GET', url: '/ping' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.body, 'pong');
  assert.match(String(res.headers['content-type']), /^text\/plain/);
});

test('/v2/leader names the leader host:port', async () => {
  const { server } = testApi();
  assert.deepEqual(json(await server.inject({ method: 'GET', url: '/v2/leader' })), {
    leader: '127.0.0.1:8080',
  });
});

test('/v2/info has exactly the keys python3-marathon accepts, with its three config objects', async () => {
  const { server } = testApi();
  const body = json(await server.inject({ method: 'GET', url: '/v2/info' }));
  const accepted = [
    'event_subscriber',
    'frameworkId',
    'http_config',
    'leader',
    'marathon_config',
    'name',
    'version',
    'elected',
    'zookeeper_config',
    'buildref',
  ];
  for (const k of Object.keys(body)) assert.ok(accepted.includes(k), k);
  for (const k of ['marathon_config', 'zookeeper_config', 'http_config'])
    assert.equal(typeof body[k], 'object');
  assert.equal((body.http_config as { http_port: number }).http_port, 8080);
  assert.equal(body.leader, '127.0.0.1:8080');
});

test("/v2/info: version is the Marathon API (1.x) clients gate on; Drover's own is buildref and a header", async () => {
  const { server } = testApi();
  const res = await server.inject({ method: 'GET', url: '/v2/info' });
  const body = json(res);
  assert.equal(body.version, MARATHON_API_VERSION);
  assert.match(String(body.version), /^1\.\d+\.\d+$/);
  assert.equal(body.buildref, droverVersion());
  assert.equal(res.headers['x-drover-version'], droverVersion());
  const config = body.marathon_config as Record<string, unknown>;
  assert.equal(config.local_port_min, 10000);
  assert.equal(config.local_port_max, 20000);
  assert.equal(config.ha, false);
  assert.equal(config.reconciliation_interval, 1000);
  assert.equal(config.webui_url, 'http://127.0.0.1:8080/ui/');
  assert.deepEqual(body.event_subscriber, { type: 'http_callback', http_endpoints: [] });
});

test('GET /v2/tasks/{taskId}/logs returns the stream as text, tail applied', async () => {
  const { server, master } = testApi();
  const app = storedApp({ id: '/web' });
  const task = taskOf(app, 1);
  master.seedApp(app);
  master.seedTask(task);
  master.logs.set(task.id, { stdout: 'a\nb\nc\n', stderr: 'oops\n' });
  const all = await server.inject({ method: 'GET', url: `/v2/tasks/${task.id}/logs` });
  assert.equal(all.statusCode, 200);
  assert.match(String(all.headers['content-type']), /^text\/plain/);
  assert.equal(all.body, 'a\nb\nc\n');
  const tail = await server.inject({ method: 'GET', url: `/v2/tasks/${task.id}/logs?stream=stdout&tail=2` });
  assert.equal(tail.body, 'b\nc\n');
  const err = await server.inject({ method: 'GET', url: `/v2/tasks/${task.id}/logs?stream=stderr` });
  assert.equal(err.body, 'oops\n');
});

test('GET /v2/tasks/{taskId}/logs serves a task that has ended (gone from /v2/tasks)', async () => {
  const { server, master } = testApi();
  master.logs.set('web.ended', { stdout: '', stderr: 'exit 1: boom\n' });
  assert.equal((await server.inject({ method: 'GET', url: '/v2/tasks' })).json().tasks.length, 0);
  const err = await server.inject({ method: 'GET', url: '/v2/tasks/web.ended/logs?stream=stderr' });
  assert.equal(err.statusCode, 200, err.body);
  assert.equal(err.body, 'exit 1: boom\n');
});

test('task logs: unknown task 404, bad stream or tail 400', async () => {
  const { server, master } = testApi();
  const app = storedApp({ id: '/web' });
  const task = taskOf(app, 1);
  master.seedTask(task);
  assert.equal((await server.inject({ method: 'GET', url: '/v2/tasks/nope.1/logs' })).statusCode, 404);
  for (const q of ['stream=stdin', 'tail=-1', 'tail=abc', 'tail=100001', 'tail=1.5']) {
    const res = await server.inject({ method: 'GET', url: `/v2/tasks/${task.id}/logs?${q}` });
    assert.equal(res.statusCode, 400, q);
    assert.equal(typeof json(res).message, 'string');
  }
});
