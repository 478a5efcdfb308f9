/**
 * Health checks, readiness and kill drains through a whole Agent: what reaches the master (only
 * changes, on the task's status updates), how an unhealthy task is killed and reported, and that
 * a killed task stays TASK_KILLING, still running, for its drain before SIGTERM.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { type TaskSpec, UNHEALTHY_KILL_REASON } from '../domain/agent-protocol.js';
import type { HealthCheck } from '../domain/app.js';
import { HEALTH_CHECK_DEFAULTS, READINESS_CHECK_DEFAULTS } from '../domain/app-defaults.js';
import { sequentialIds } from '../platform/ids.js';
import { silentLogger } from '../platform/logger.js';
import { FakeClock } from '../platform/testing/fake-clock.js';
import { Agent } from './agent.js';
import { FakeExecutor } from './executors/fake-executor.js';
import { FakeProber } from './health/fake-prober.js';
import { killDrainCap } from './kill-drain.js';
import { FakeMaster } from './testing/fake-master.js';
import { shellTask } from './testing/task-spec.js';
import { tempDir } from './testing/temp-dir.js';
import { waitFor } from './testing/wait-for.js';

let root: { path: string; remove: () => Promise<void> };
const agents: Agent[] = [];
let n = 0;
before(async () => {
  root = await tempDir();
});
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop({ killTasks: true })));
});
after(() => root.remove());

const check = (over: Partial<HealthCheck> = {}): HealthCheck => ({
  ...HEALTH_CHECK_DEFAULTS,
  gracePeriodSeconds: 0,
  intervalSeconds: 1,
  delaySeconds: 1,
  timeoutSeconds: 1,
  maxConsecutiveFailures: 3,
  ...over,
});

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

async function setup(opts: { maxKillDrainMs?: number } = {}) {
  const clock = new FakeClock();
  const executor = new FakeExecutor(clock);
  const prober = new FakeProber();
  const agent = new Agent({
    hostname: 'host-a',
    address: '127.0.0.1',
    resources: { cpus: 2, mem: 1024, disk: 1000, ports: [[31000, 31099]] },
    attributes: {},
    workDir: join(root.path, `agent${++n}`),
    executors: { process: executor },
    clock,
    ids: sequentialIds(),
    logger: silentLogger(),
    heartbeatIntervalMs: 3_600_000,
    prober,
    ...(opts.maxKillDrainMs !== undefined ? { maxKillDrainMs: opts.maxKillDrainMs } : {}),
  });
  agents.push(agent);
  const master = FakeMaster.connect(agent, { autoAck: true });
  await master.accept(agent, 'agent-1');
  const launch = async (spec: TaskSpec) => {
    master.send({ type: 'launch', task: spec });
    await master.untilState(spec.taskId, 'TASK_RUNNING');
  };
  /** Fake time in 1 s steps, letting probes settle in between. */
  const advance = async (ms: number) => {
    for (let t = 0; t < ms; t += 1000) {
      clock.advanceSync(Math.min(1000, ms - t));
      await flush();
    }
  };
  return { clock, executor, prober, agent, master, launch, advance };
}

describe('agent: health checks', () => {
  test('health reaches the master on TASK_RUNNING updates, and only when it changes', async () => {
    const s = await setup();
    await s.launch(shellTask('web.1', 'serve', { ports: [31000], healthChecks: [check()] }));
    await s.advance(30_000);
    assert.ok(s.prober.probesOf('web.1').length >= 29);
    const updates = s.master.updates('web.1');
    assert.deepEqual(
      updates.map((u) => [u.state, u.healthy]),
      [
        ['TASK_STARTING', undefined],
        ['TASK_RUNNING', undefined],
        ['TASK_RUNNING', true],
      ],
      '30 probes, one health update',
    );
    const results = updates[2]!.healthCheckResults!;
    assert.equal(results.length, 1);
    assert.equal(results[0]!.alive, true);
    assert.equal(results[0]!.instanceId, 'web.1');
  });

  test('an endpoint turning bad: failures reported, then the agent kills the task and says why', async () => {
    const s = await setup();
    await s.launch(
      shellTask('web.1', 'serve', { ports: [31000], killGracePeriodMs: 4_000, healthChecks: [check()] }),
    );
    await s.advance(5_000);
    s.prober.set('web.1', 'unhealthy');
    await s.advance(3_000);
    const killing = await s.master.untilState('web.1', 'TASK_KILLING');
    assert.equal(killing.reason, UNHEALTHY_KILL_REASON);
    assert.equal(killing.healthy, false);
    assert.equal(killing.healthCheckResults?.[0]?.consecutiveFailures, 3);
    assert.equal(killing.message, 'Failed 3 consecutive health checks: 503 Service Unavailable');
    const killed = await s.master.untilState('web.1', 'TASK_KILLED');
    assert.equal(killed.reason, UNHEALTHY_KILL_REASON);
    assert.match(
      killed.message ?? '',
      /^Failed 3 consecutive health checks: 503 Service Unavailable; Command/,
    );
    assert.equal(s.executor.tasks.get('web.1')?.killRequested, true);
    assert.deepEqual(
      s.master.updates('web.1').map((u) => [u.state, u.healthCheckResults?.[0]?.consecutiveFailures]),
      [
        ['TASK_STARTING', undefined],
        ['TASK_RUNNING', undefined],
        ['TASK_RUNNING', 0],
        ['TASK_RUNNING', 1],
        ['TASK_RUNNING', 2],
        ['TASK_KILLING', 3],
        ['TASK_KILLED', 3],
      ],
    );
  });

  test('readiness results and ready travel the same way', async () => {
    const s = await setup();
    await s.launch(
      shellTask('web.1', 'serve', {
        ports: [31000],
        portNames: ['http-api'],
        readinessChecks: [
          { ...READINESS_CHECK_DEFAULTS, httpStatusCodesForReady: [200], intervalSeconds: 2 },
        ],
      }),
    );
    s.prober.set('web.1', 'unhealthy');
    await s.advance(6_000);
    s.prober.set('web.1', 'healthy');
    await s.advance(2_000);
    const withReadiness = s.master.updates('web.1').filter((u) => u.readinessCheckResults);
    assert.deepEqual(
      withReadiness.map((u) => u.ready),
      [false, true],
    );
    assert.deepEqual(withReadiness[1]!.readinessCheckResults, [
      { name: 'readinessCheck', taskId: 'web.1', ready: true },
    ]);
  });
});

describe('agent: graceful kill', () => {
  test('a killed task stays TASK_KILLING for the drain the master asks, then gets SIGTERM', async () => {
    const s = await setup();
    await s.launch(shellTask('web.1', 'serve', { ports: [31000], killGracePeriodMs: 10_000 }));
    s.master.send({ type: 'kill', taskId: 'web.1', gracePeriodMs: 10_000, drainMs: 2_000 });
    await s.master.untilState('web.1', 'TASK_KILLING');
    const task = s.executor.tasks.get('web.1')!;
    await s.advance(1_999);
    assert.equal(task.killRequested, false, 'still serving while draining');
    await s.advance(1);
    await waitFor(() => task.killRequested, 'SIGTERM after the drain, not after the grace');
    await s.master.untilState('web.1', 'TASK_KILLED');
  });

  test('the grace is not a drain: a kill without drainMs sends SIGTERM at once', async () => {
    const s = await setup();
    await s.launch(shellTask('web.1', 'serve', { ports: [31000], killGracePeriodMs: 30_000 }));
    s.master.send({ type: 'kill', taskId: 'web.1', gracePeriodMs: 30_000 });
    await s.master.untilState('web.1', 'TASK_KILLING');
    const task = s.executor.tasks.get('web.1')!;
    await waitFor(() => task.killRequested, 'SIGTERM without a drain');
  });

  test('the agent caps the drain (--kill-drain-ms): 0 sends SIGTERM at once', async () => {
    const capped = await setup({ maxKillDrainMs: 1_000 });
    await capped.launch(shellTask('web.1', 'serve', { ports: [31000], killGracePeriodMs: 30_000 }));
    capped.master.send({ type: 'kill', taskId: 'web.1', gracePeriodMs: 30_000, drainMs: 60_000 });
    await capped.master.untilState('web.1', 'TASK_KILLING');
    const task = capped.executor.tasks.get('web.1')!;
    await capped.advance(999);
    assert.equal(task.killRequested, false);
    await capped.advance(1);
    await waitFor(() => task.killRequested, 'SIGTERM after the capped drain');

    const none = await setup({ maxKillDrainMs: killDrainCap(0) });
    await none.launch(shellTask('web.2', 'serve', { ports: [31001], killGracePeriodMs: 30_000 }));
    none.master.send({ type: 'kill', taskId: 'web.2', gracePeriodMs: 30_000, drainMs: 60_000 });
    await none.master.untilState('web.2', 'TASK_KILLING');
    const task2 = none.executor.tasks.get('web.2')!;
    await waitFor(() => task2.killRequested, 'SIGTERM without a drain');
  });

  test('a re-sent kill asking for no grace ends the drain at once', async () => {
    const s = await setup();
    await s.launch(shellTask('web.1', 'serve', { ports: [31000], killGracePeriodMs: 30_000 }));
    s.master.send({ type: 'kill', taskId: 'web.1', gracePeriodMs: 30_000, drainMs: 60_000 });
    await s.master.untilState('web.1', 'TASK_KILLING');
    s.master.send({ type: 'kill', taskId: 'web.1', gracePeriodMs: 0 });
    await s.master.untilState('web.1', 'TASK_KILLED');
    assert.equal(s.master.states('web.1').filter((x) => x === 'TASK_KILLING').length, 1);
  });

  test('an agent shutting down does not drain', async () => {
    const s = await setup();
    await s.launch(shellTask('web.1', 'serve', { ports: [31000], killGracePeriodMs: 30_000 }));
    await s.agent.stop({ killTasks: true });
    assert.deepEqual(s.master.states('web.1').slice(-2), ['TASK_KILLING', 'TASK_KILLED']);
  });
});
