/**
 * Issue 3's end-to-end acceptance for rolling upgrades: a 10-instance Node HTTP app
 * (examples/http-echo.js) with an HTTP health check is upgraded to a new version while a load loop
 * hits every routable task's port directly (test/e2e/support/load-loop.ts). At no point are fewer
 * than ceil(n x minimumHealthCapacity) tasks healthy, neither in any task list the API gave nor in
 * any round of direct requests (a task being replaced drains in TASK_KILLING, still answering,
 * before SIGTERM). The app's readiness check gates the new tasks, and its results, as the agents
 * report them, show in `/v2/deployments` `currentActions[].readinessCheckResults`; the event
 * stream shows deployment_info ... deployment_success. In the end every task runs the new version
 * and answers as it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { DroverProcess, echo, waitFor } from './support/drover-process.js';
import { EventStream } from './support/event-stream.js';
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
  portDefinitions: [{ port: 0, name: 'http' }],
  readinessChecks: [
    {
      name: 'ready',
      protocol: 'HTTP',
      path: '/',
      portName: 'http',
      intervalSeconds: 2,
      timeoutSeconds: 1,
      httpStatusCodesForReady: [200],
      preserveLastResponse: true,
    },
  ],
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
      const running = await api.get<unknown[]>('/v2/deployments');
      return ts.length === N && ts.every(routable) && running.length === 0;
    },
    { what: `${N} healthy v1 tasks, deployed`, timeoutMs: 90_000 },
  );

  const events = await EventStream.open(drover.url, [
    'deployment_info',
    'deployment_step_success',
    'deployment_success',
    'deployment_failed',
  ]);
  t.after(() => events.close());
  const load = await LoadLoop.start(api, '/rolling', { requestTimeoutMs: 5_000 });
  t.after(() => load.stop());
  const { version, deploymentId } = await api.json<{ version: string; deploymentId: string }>(
    'PUT',
    '/v2/apps/rolling',
    app('v2'),
  );
  // What /v2/deployments shows of the new tasks' readiness while the deployment runs.
  const readiness: Array<{ taskId: string; ready: boolean; lastResponse?: { status: number } }> = [];
  let watching = true;
  const watch = (async () => {
    while (watching) {
      const list = await api
        .get<Array<{ id: string; currentActions: Array<{ readinessCheckResults: typeof readiness }> }>>(
          '/v2/deployments',
        )
        .catch(() => []);
      for (const d of list.filter((x) => x.id === deploymentId))
        for (const a of d.currentActions) readiness.push(...a.readinessCheckResults);
      await delay(100);
    }
  })();
  const upgraded = await waitFor(
    async () => {
      const ts = await tasks();
      return ts.length === N && ts.every((x) => routable(x) && x.version === version) ? ts : false;
    },
    { what: 'every task replaced by a healthy v2 task', timeoutMs: 150_000 },
  );
  const stats = await load.stop();
  await waitFor(() => events.ofType('deployment_success').some((e) => e.data.id === deploymentId), {
    what: 'deployment_success',
  });
  watching = false;
  await watch;

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

  // The deployment, as the event stream told it: info for each step, then success, nothing failed.
  const ours = events.events.filter(
    (e) => (e.data.id ?? (e.data.plan as { id?: string } | undefined)?.id) === deploymentId,
  );
  assert.equal(ours[0]?.type, 'deployment_info', 'starts with deployment_info');
  assert.equal(ours.at(-1)?.type, 'deployment_success', 'ends with deployment_success');
  assert.ok(!ours.some((e) => e.type === 'deployment_failed'));
  assert.deepEqual(await api.get('/v2/deployments'), [], 'nothing left running');

  // Readiness as the agents reported it (with the preserved response), for the new tasks.
  const newIds = new Set(upgraded.map((x) => x.id));
  assert.ok(
    readiness.some((r) => newIds.has(r.taskId) && r.ready && r.lastResponse?.status === 200),
    `reported readiness of a new task in /v2/deployments; saw ${JSON.stringify(readiness.slice(-3))}`,
  );

  for (const x of upgraded) {
    const a = (await echo(x.host, x.ports[0]!)) as { task: string; message?: string };
    assert.equal(a.task, x.id);
    assert.equal(a.message, 'v2');
  }
});
