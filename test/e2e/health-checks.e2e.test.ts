/**
 * Issue 3, health checks on real processes: two instances of examples/http-echo.js with an HTTP
 * health check on GET /health become healthy; when one's endpoint turns bad (its $UNHEALTHY_FILE
 * appears) its agent kills it after maxConsecutiveFailures failed probes, the event stream says
 * so, and a replacement takes its place and becomes healthy.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DroverProcess, liveTaskIds, waitFor } from './support/drover-process.js';
import { EventStream } from './support/event-stream.js';

interface Task {
  id: string;
  host: string;
  ports: number[];
  state: string;
  healthCheckResults: Array<{ alive: boolean; consecutiveFailures: number; lastFailureCause: string | null }>;
}

const APP = {
  id: '/hc',
  // Each task has its own switch in its sandbox.
  cmd: 'UNHEALTHY_FILE="$MESOS_SANDBOX/unhealthy" exec node examples/http-echo.js',
  instances: 2,
  cpus: 0.1,
  mem: 32,
  healthChecks: [
    {
      protocol: 'HTTP',
      path: '/health',
      portIndex: 0,
      gracePeriodSeconds: 10,
      intervalSeconds: 1,
      timeoutSeconds: 1,
      maxConsecutiveFailures: 3,
    },
  ],
};

function sandboxOf(dataDir: string, taskId: string): string {
  const agents = join(dataDir, 'agents');
  for (const agent of readdirSync(agents)) {
    const dir = join(agents, agent, 'sandboxes', taskId);
    if (existsSync(dir)) return dir;
  }
  throw new Error(`no sandbox for ${taskId}`);
}

test('health checks: an endpoint turning bad gets its task killed by the agent and replaced', {
  timeout: 120_000,
}, async (t) => {
  const drover = await DroverProcess.startFor(t);
  const { api, dataDir } = drover;
  const tasks = async () => (await api.get<{ tasks: Task[] }>('/v2/apps/hc/tasks')).tasks;
  const allHealthy = async (n: number) => {
    const ts = await tasks();
    return ts.length === n &&
      ts.every(
        (x) =>
          x.state === 'TASK_RUNNING' && x.healthCheckResults.length === 1 && x.healthCheckResults[0]!.alive,
      )
      ? ts
      : false;
  };

  await api.json('POST', '/v2/apps', APP, [201]);
  const healthy = await waitFor(() => allHealthy(2), { what: '2 healthy tasks', timeoutMs: 60_000 });
  const { app } = await api.get<{ app: { tasksHealthy: number; tasksUnhealthy: number } }>('/v2/apps/hc');
  assert.deepEqual([app.tasksHealthy, app.tasksUnhealthy], [2, 0]);

  const events = await EventStream.open(drover.url, [
    'failed_health_check_event',
    'unhealthy_instance_kill_event',
    'instance_health_changed_event',
  ]);
  t.after(() => events.close());

  const victim = healthy[0]!;
  const survivor = healthy[1]!;
  writeFileSync(join(sandboxOf(dataDir, victim.id), 'unhealthy'), '');

  const kill = await waitFor(
    () => events.ofType('unhealthy_instance_kill_event').find((e) => e.data.taskId === victim.id),
    { what: 'unhealthy_instance_kill_event for the victim', timeoutMs: 30_000 },
  );
  assert.equal(kill.data.reason, '503 Service Unavailable');
  assert.equal(kill.data.appId, '/hc');
  assert.equal(
    events.ofType('failed_health_check_event').filter((e) => e.data.instanceId === victim.id).length,
    3,
  );
  assert.ok(
    events
      .ofType('instance_health_changed_event')
      .some((e) => e.data.instanceId === victim.id && e.data.healthy === false),
  );

  const after = await waitFor(
    async () => {
      const ts = await allHealthy(2);
      return ts && !ts.some((x) => x.id === victim.id) ? ts : false;
    },
    { what: 'a healthy replacement', timeoutMs: 60_000 },
  );
  assert.ok(
    after.some((x) => x.id === survivor.id),
    'the healthy task was left alone',
  );
  await waitFor(() => !liveTaskIds(dataDir).has(victim.id), { what: "the victim's process gone" });
});
