/**
 * Issue 15's acceptance for the embedded router, against a real `drover up`: an app's service
 * port answers on 127.0.0.1 (curl), and keeps answering while the app scales, loses a task to a
 * kill and is upgraded; a task that fails a health check leaves the pool after that one check; a
 * kill -9 of a task fails only the requests that were in flight to it. Load goes through the
 * router with fresh connections and 1 s timeouts (support/router-load.ts).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { DroverProcess, waitFor } from './support/drover-process.js';
import { freeServicePort, getOnce, RouterLoad } from './support/router-load.js';
import { deployEcho, killNineUnderLoad } from './support/router-scenarios.js';

const run = promisify(execFile);

interface Task {
  id: string;
  state: string;
  version: string;
  agentId?: string;
  slaveId?: string;
  healthCheckResults?: Array<{ alive: boolean; consecutiveFailures: number }>;
}
interface RouteJson {
  appId: string;
  servicePort: number;
  backends: Array<{ taskId: string }>;
  bindFailures: unknown[];
}

const healthCheck = (intervalSeconds: number, maxConsecutiveFailures: number) => ({
  protocol: 'HTTP',
  path: '/health',
  portIndex: 0,
  gracePeriodSeconds: 30,
  intervalSeconds,
  timeoutSeconds: 2,
  maxConsecutiveFailures,
});

let drover: DroverProcess;
before(async () => {
  drover = await DroverProcess.start({ agents: 2 });
});
after(() => drover?.cleanup());

const tasksOf = async (app: string) =>
  (await drover.api.get<{ tasks: Task[] }>(`/v2/apps/${app}/tasks`)).tasks;
const backendsOf = async (app: string) => {
  const { routes } = await drover.api.get<{ routes: RouteJson[] }>(`/v2/routes/${app}`);
  return routes[0]?.backends.map((b) => b.taskId) ?? [];
};
const deployed = async () => (await drover.api.get<unknown[]>('/v2/deployments')).length === 0;

/** examples/http-echo.js on service port `port`, `cmdPrefix` before its command. */
async function postEchoApp(
  id: string,
  port: number,
  instances: number,
  check: ReturnType<typeof healthCheck>,
  cmdPrefix = '',
): Promise<void> {
  await drover.api.json(
    'POST',
    '/v2/apps',
    {
      id,
      cmd: `${cmdPrefix}node examples/http-echo.js`,
      instances,
      cpus: 0.01,
      mem: 16,
      portDefinitions: [{ port }],
      healthChecks: [check],
    },
    [201],
  );
}

async function waitRouted(app: string, n: number): Promise<void> {
  await waitFor(
    async () =>
      (await backendsOf(app)).length === n && (await tasksOf(app)).length === n && (await deployed()),
    { what: `${n} routed tasks of ${app}`, timeoutMs: 90_000 },
  );
}

test('service port 10555 answers curl 127.0.0.1:10555; scaling, killing and upgrading keep it answering', {
  timeout: 240_000,
}, async () => {
  const app = (message: string, instances: number) => ({
    id: '/web',
    cmd: 'node examples/http-echo.js',
    instances,
    cpus: 0.01,
    mem: 16,
    env: { MESSAGE: message },
    portDefinitions: [{ port: 10555, name: 'http' }],
    healthChecks: [healthCheck(1, 3)],
  });
  await drover.api.json('POST', '/v2/apps', app('v1', 2), [201]);
  await waitRouted('web', 2);
  await waitFor(
    async () =>
      (await drover.api.get<{ routes: RouteJson[] }>('/v2/routes/web')).routes[0]?.bindFailures.length === 0,
    { what: 'service port 10555 bound' },
  );
  const { stdout } = await run('curl', ['-s', '-m', '5', 'http://127.0.0.1:10555/']);
  const answer = JSON.parse(stdout) as { app: string; message: string };
  assert.equal(answer.app, '/web');
  assert.equal(answer.message, 'v1');

  const load = RouterLoad.start('127.0.0.1', 10555);
  try {
    await drover.api.json('PUT', '/v2/apps/web', { instances: 4 });
    await waitRouted('web', 4);
    const victim = (await tasksOf('web'))[0]!;
    await drover.api.json('DELETE', `/v2/apps/web/tasks/${victim.id}`, undefined, [200]);
    await waitFor(
      async () => {
        const ts = await tasksOf('web');
        return (
          ts.length === 4 && !ts.some((t) => t.id === victim.id) && (await backendsOf('web')).length === 4
        );
      },
      { what: 'the killed task replaced and routed', timeoutMs: 90_000 },
    );
    await drover.api.json('PUT', '/v2/apps/web', app('v2', 4));
    await waitFor(
      async () => {
        const r = await getOnce('127.0.0.1', 10555);
        return r.message === 'v2' && (await deployed()) && (await backendsOf('web')).length === 4;
      },
      { what: 'v2 routed', timeoutMs: 120_000 },
    );
  } finally {
    await load.stop();
  }
  const summary = load.summary();
  assert.ok(load.requests.length > 50, `the load ran throughout: ${summary}`);
  assert.deepEqual(load.failed(), [], summary);
  const answered = new Set(load.requests.map((r) => r.task));
  assert.ok(answered.size >= 5, `requests were spread over old and new tasks: ${summary}`);
  await drover.api.json('DELETE', '/v2/apps/web', undefined, [200]);
});

test('a task whose health check fails leaves the pool after that one check, and comes back', {
  timeout: 180_000,
}, async () => {
  const port = await freeServicePort();
  // Checks 3 s apart, never killed: the test sees how many checks failed when it left.
  await postEchoApp('/sick', port, 2, healthCheck(3, 1000), 'UNHEALTHY_FILE=$MESOS_SANDBOX/unhealthy exec ');
  await waitRouted('sick', 2);
  const [sick, well] = await tasksOf('sick');
  const agentDir = (id: string) =>
    join(drover.dataDir, 'agents', id.replace('local-agent-', 'agent-'), 'sandboxes');
  const flag = join(agentDir(sick!.slaveId ?? sick!.agentId ?? ''), sick!.id, 'unhealthy');
  writeFileSync(flag, '');
  const failuresWhenGone = await waitFor(
    async () => {
      if ((await backendsOf('sick')).includes(sick!.id)) return false;
      const t = (await tasksOf('sick')).find((x) => x.id === sick!.id);
      return { n: t?.healthCheckResults?.[0]?.consecutiveFailures };
    },
    { what: 'the failing task out of the pool', timeoutMs: 60_000, intervalMs: 50 },
  );
  assert.equal(failuresWhenGone.n, 1, 'out of the pool after its first failed check');
  for (let i = 0; i < 10; i++) {
    const r = await getOnce('127.0.0.1', port, 2_000);
    assert.equal(r.task, well!.id, 'only the healthy task answers');
  }
  rmSync(flag);
  await waitFor(async () => (await backendsOf('sick')).includes(sick!.id), {
    what: 'the task back in the pool',
    timeoutMs: 60_000,
  });
  await drover.api.json('DELETE', '/v2/apps/sick', undefined, [200]);
});

test('kill -9 of a task fails only the requests in flight to it', { timeout: 180_000 }, async (t) => {
  const port = await freeServicePort();
  await deployEcho(drover, '/crash', port, 3);
  t.diagnostic(await killNineUnderLoad(drover, '/crash', port, 3));
});
