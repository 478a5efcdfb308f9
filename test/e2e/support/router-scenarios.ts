/**
 * The router acceptance scenarios of issue 15, shared by the embedded router's e2e tests and the
 * haproxy mode's: whatever listens on the service port (the agents' routers or HAProxy), a
 * rolling upgrade of N instances under continuous load fails no request, and a kill -9 of one
 * task fails only the requests in flight to it. Load: support/router-load.ts (a fresh connection
 * per request, 1 s timeout).
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import type { DroverProcess } from './drover-process.js';
import { getOnce, RouterLoad } from './router-load.js';
import { waitFor } from './wait-for.js';

const healthCheck = {
  protocol: 'HTTP',
  path: '/health',
  portIndex: 0,
  gracePeriodSeconds: 30,
  intervalSeconds: 1,
  timeoutSeconds: 5,
  maxConsecutiveFailures: 3,
};

/** examples/http-echo.js answering MESSAGE on service port `port`. */
export function echoApp(
  id: string,
  port: number,
  instances: number,
  message = 'v1',
  labels: Record<string, string> = {},
) {
  return {
    labels,
    id,
    cmd: 'node examples/http-echo.js',
    instances,
    cpus: 0.01,
    mem: 16,
    env: { MESSAGE: message },
    portDefinitions: [{ port }],
    healthChecks: [healthCheck],
  };
}

async function routed(drover: DroverProcess, id: string): Promise<string[]> {
  const { routes } = await drover.api.get<{ routes: Array<{ backends: Array<{ taskId: string }> }> }>(
    `/v2/routes${id}`,
  );
  return routes[0]?.backends.map((b) => b.taskId) ?? [];
}

const idle = async (drover: DroverProcess) =>
  (await drover.api.get<unknown[]>('/v2/deployments')).length === 0;

/** Posts the app and waits for its `instances` tasks to be routed and answering on `host:port`. */
export async function deployEcho(
  drover: DroverProcess,
  id: string,
  port: number,
  instances: number,
  host = '127.0.0.1',
  labels: Record<string, string> = {},
): Promise<void> {
  await drover.api.json('POST', '/v2/apps', echoApp(id, port, instances, 'v1', labels), [201]);
  await waitFor(
    async () =>
      (await routed(drover, id)).length === instances &&
      (await idle(drover)) &&
      (await getOnce(host, port)).ok,
    { what: `${instances} routed tasks of ${id}`, timeoutMs: 120_000 },
  );
}

/**
 * Upgrades the deployed app to MESSAGE=v2 under load through `host:port`; returns the load's
 * summary after asserting that both versions answered and nothing failed.
 */
export async function upgradeUnderLoad(
  drover: DroverProcess,
  id: string,
  port: number,
  instances: number,
  opts: { host?: string; labels?: Record<string, string>; minRequests?: number } = {},
): Promise<string> {
  const host = opts.host ?? '127.0.0.1';
  const load = RouterLoad.start(host, port, { concurrency: 4 });
  try {
    await drover.api.json('PUT', `/v2/apps${id}`, echoApp(id, port, instances, 'v2', opts.labels));
    await waitFor(
      async () => {
        const { tasks } = await drover.api.get<{ tasks: unknown[] }>(`/v2/apps${id}/tasks`);
        return (
          tasks.length === instances &&
          (await idle(drover)) &&
          (await routed(drover, id)).length === instances
        );
      },
      { what: 'the upgrade done', timeoutMs: 240_000 },
    );
    await waitFor(async () => (await getOnce(host, port)).message === 'v2', { what: 'v2 answers' });
  } finally {
    await load.stop();
  }
  const summary = load.summary();
  const messages = new Set(load.requests.map((r) => r.message));
  assert.ok(messages.has('v1') && messages.has('v2'), `load saw both versions: ${summary}`);
  assert.ok(load.requests.length > (opts.minRequests ?? 100), summary);
  assert.deepEqual(load.failed(), [], summary);
  return summary;
}

/**
 * Kills one task of the deployed app with SIGKILL under load through `host:port` and waits for
 * its replacement; asserts that at most the requests in flight failed and none started after.
 */
export async function killNineUnderLoad(
  drover: DroverProcess,
  id: string,
  port: number,
  instances: number,
  host = '127.0.0.1',
): Promise<string> {
  const concurrency = 4;
  const load = RouterLoad.start(host, port, { concurrency });
  let killedAt = 0;
  let victim = '';
  try {
    await delay(1_000);
    const own = new Set(await routed(drover, id));
    const proc = drover
      .taskProcesses()
      .find(
        (p) =>
          own.has(p.taskId) &&
          p.cmdline.some((a) => a.endsWith('http-echo.js')) &&
          p.cmdline[0]?.endsWith('node'),
      );
    assert.ok(proc, 'found a task process to kill');
    victim = proc.taskId;
    process.kill(proc.pid, 'SIGKILL');
    killedAt = Date.now();
    await waitFor(
      async () => {
        const ids = await routed(drover, id);
        return !ids.includes(victim) && ids.length === instances;
      },
      { what: 'the killed task replaced', timeoutMs: 90_000 },
    );
    await delay(1_000);
  } finally {
    await load.stop();
  }
  const summary = load.summary();
  const failed = load.failed();
  assert.ok(failed.length <= concurrency, `at most the requests in flight failed: ${summary}`);
  // A request started once the process was gone (a moment after the signal) never fails: the
  // router skips a task that refuses until the master takes it out of the table.
  const late = failed.filter((r) => r.start > killedAt + 500);
  assert.deepEqual(late, [], summary);
  const afterKill = load.requests.filter((r) => r.start > killedAt + 500);
  assert.ok(afterKill.length > 20, `requests ran after the kill: ${summary}`);
  assert.ok(!afterKill.some((r) => r.task === victim));
  return summary;
}
