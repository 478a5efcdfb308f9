/**
 * Issue 15: a rolling upgrade of 10 instances under continuous load through the router, with
 * default settings (default upgrade strategy, default kill grace and drain), fails no request.
 * Each request is a fresh connection with a 1 s timeout (support/router-load.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DroverProcess, waitFor } from './support/drover-process.js';
import { freeServicePort, getOnce, RouterLoad } from './support/router-load.js';

const N = 10;

test('rolling upgrade of 10 instances through the router: 0 failed requests', {
  timeout: 300_000,
}, async (t) => {
  const drover = await DroverProcess.startFor(t, { agents: 2 });
  const { api } = drover;
  const port = await freeServicePort();
  const app = (message: string) => ({
    id: '/upgrade',
    cmd: 'node examples/http-echo.js',
    instances: N,
    cpus: 0.01,
    mem: 16,
    env: { MESSAGE: message },
    portDefinitions: [{ port }],
    healthChecks: [
      {
        protocol: 'HTTP',
        path: '/health',
        portIndex: 0,
        gracePeriodSeconds: 30,
        intervalSeconds: 1,
        timeoutSeconds: 5,
        maxConsecutiveFailures: 3,
      },
    ],
  });
  const routed = async () => {
    const { routes } = await api.get<{ routes: Array<{ backends: unknown[] }> }>('/v2/routes/upgrade');
    return routes[0]?.backends.length ?? 0;
  };
  const idle = async () => (await api.get<unknown[]>('/v2/deployments')).length === 0;
  await api.json('POST', '/v2/apps', app('v1'), [201]);
  await waitFor(async () => (await routed()) === N && (await idle()), {
    what: `${N} routed v1 tasks`,
    timeoutMs: 120_000,
  });
  const load = RouterLoad.start('127.0.0.1', port, { concurrency: 4 });
  try {
    await api.json('PUT', '/v2/apps/upgrade', app('v2'));
    await waitFor(
      async () => {
        const { tasks } = await api.get<{ tasks: Array<{ id: string }> }>('/v2/apps/upgrade/tasks');
        return tasks.length === N && (await idle()) && (await routed()) === N;
      },
      { what: 'the upgrade done', timeoutMs: 240_000 },
    );
    // The new version answers through the router.
    await waitFor(async () => (await getOnce('127.0.0.1', port)).message === 'v2', { what: 'v2 answers' });
  } finally {
    await load.stop();
  }
  const summary = load.summary();
  t.diagnostic(summary);
  const messages = new Set(load.requests.map((r) => r.message));
  assert.ok(messages.has('v1') && messages.has('v2'), `load saw both versions: ${summary}`);
  assert.ok(load.requests.length > 100, summary);
  assert.deepEqual(load.failed(), [], summary);
});
