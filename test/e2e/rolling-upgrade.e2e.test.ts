/**
 * Issue 3's end-to-end acceptance for rolling upgrades: a 10-instance Node HTTP app
 * (examples/http-echo.js) with an HTTP health check is upgraded to a new version while a load loop
 * hits every routable task's port directly (test/e2e/support/load-loop.ts). At no point are fewer
 * than ceil(n x minimumHealthCapacity) tasks healthy, neither in any task list the API gave nor in
 * any round of direct requests (a task being replaced drains in TASK_KILLING, still answering,
 * before SIGTERM). In the end every task runs the new version and answers as it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DroverProcess, echo, waitFor } from './support/drover-process.js';
import { LoadLoop, type LoopTask, routable } from './support/load-loop.js';

const N = 10;
const STRATEGY = { minimumHealthCapacity: 0.8, maximumOverCapacity: 0.2 };
const MIN_HEALTHY = Math.ceil(N * STRATEGY.minimumHealthCapacity);

const app = (message: string) => ({
  id: '/rolling',
  cmd: 'node examples/http-echo.js',
  instances: N,
  cpus: 0.01,
  mem: 16,
  env: { MESSAGE: message },
  upgradeStrategy: STRATEGY,
  healthChecks: [
    {
      protocol: 'HTTP',
      path: '/health',
      portIndex: 0,
      gracePeriodSeconds: 30,
      intervalSeconds: 1,
      // Generous: a loaded CI machine must not make a healthy old task look unhealthy.
      timeoutSeconds: 5,
      maxConsecutiveFailures: 3,
    },
  ],
});

test('rolling upgrade under direct load keeps ceil(n x minimumHealthCapacity) tasks healthy', {
  timeout: 240_000,
}, async (t) => {
  const drover = await DroverProcess.startFor(t);
  const { api } = drover;
  const tasks = async () => (await api.get<{ tasks: LoopTask[] }>('/v2/apps/rolling/tasks')).tasks;

  await api.json('POST', '/v2/apps', app('v1'), [201]);
  await waitFor(
    async () => {
      const ts = await tasks();
      return ts.length === N && ts.every(routable);
    },
    { what: `${N} healthy v1 tasks`, timeoutMs: 90_000 },
  );

  const load = await LoadLoop.start(api, '/rolling', { requestTimeoutMs: 5_000 });
  t.after(() => load.stop());
  const { version } = await api.json<{ version: string }>('PUT', '/v2/apps/rolling', app('v2'));
  const upgraded = await waitFor(
    async () => {
      const ts = await tasks();
      return ts.length === N && ts.every((x) => routable(x) && x.version === version) ? ts : false;
    },
    { what: 'every task replaced by a healthy v2 task', timeoutMs: 150_000 },
  );
  const stats = await load.stop();

  const seen = `load: ${JSON.stringify(stats)}`;
  t.diagnostic(seen);
  assert.ok(stats.listReads > 10 && stats.rounds > 10, `the load loop ran throughout; ${seen}`);
  assert.ok(
    stats.minRoutable >= MIN_HEALTHY,
    `never fewer than ${MIN_HEALTHY} healthy in a task list; ${seen}`,
  );
  assert.ok(
    stats.minAnsweringInRound >= MIN_HEALTHY,
    `never fewer than ${MIN_HEALTHY} tasks answering in a round of direct requests; ${seen}`,
  );
  for (const x of upgraded) {
    const a = (await echo(x.host, x.ports[0]!)) as { task: string; message?: string };
    assert.equal(a.task, x.id);
    assert.equal(a.message, 'v2');
  }
});
