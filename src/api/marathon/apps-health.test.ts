/** Health and readiness as the apps and tasks endpoints show them (results reported by agents). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HealthCheckResult } from '../../domain/task.js';
import { json, storedApp, taskOf, testApi } from '../test-support/fixtures.js';

const result = (taskId: string, alive: boolean): HealthCheckResult => ({
  alive,
  consecutiveFailures: alive ? 0 : 2,
  firstSuccess: '2026-01-01T00:00:10.000Z',
  lastFailure: alive ? null : '2026-01-01T00:01:00.000Z',
  lastSuccess: '2026-01-01T00:00:50.000Z',
  lastFailureCause: alive ? null : '503 Service Unavailable',
  instanceId: taskId,
});

function seeded() {
  const api = testApi();
  const web = storedApp({ id: '/web', cmd: 'serve' });
  api.master.seedApp(web);
  const healthy = taskOf(web, 1, { healthy: true });
  healthy.healthCheckResults = [result(healthy.id, true)];
  const sick = taskOf(web, 2, { healthy: false });
  sick.healthCheckResults = [result(sick.id, false)];
  const fresh = taskOf(web, 3, { ready: false });
  fresh.readinessCheckResults = [{ name: 'readinessCheck', taskId: fresh.id, ready: false }];
  for (const t of [healthy, sick, fresh]) api.master.seedTask(t);
  return { ...api, healthy, sick, fresh };
}

test('tasks show their healthCheckResults (with taskId) and apps count healthy and unhealthy', async () => {
  const { server, sick } = seeded();
  const app = json<{ app: Record<string, unknown> }>(
    await server.inject({ method: 'GET', url: '/v2/apps/web?embed=app.tasks&embed=app.counts' }),
  ).app;
  assert.deepEqual([app.tasksHealthy, app.tasksUnhealthy, app.tasksRunning], [1, 1, 3]);
  const tasks = app.tasks as Array<{ id: string; healthCheckResults: Array<Record<string, unknown>> }>;
  const shown = tasks.find((t) => t.id === sick.id)!;
  assert.deepEqual(shown.healthCheckResults, [{ ...result(sick.id, false), taskId: sick.id }]);
});

test('embed=app.readiness lists the readiness results of the tasks being checked', async () => {
  const { server, fresh } = seeded();
  const app = json<{ app: Record<string, unknown> }>(
    await server.inject({ method: 'GET', url: '/v2/apps/web?embed=app.readiness' }),
  ).app;
  assert.deepEqual(app.readinessCheckResults, [{ name: 'readinessCheck', taskId: fresh.id, ready: false }]);
});
