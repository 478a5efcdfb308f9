/**
 * Health checks in simulation (fake clock, fake probes): a task whose endpoint turns bad is
 * killed by its agent and replaced through the launch backoff after interval x
 * maxConsecutiveFailures (within one interval); failures inside the grace period do not count;
 * maxConsecutiveFailures 0 never kills; only changes travel to the master.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { countTasks } from '../../src/api/views/task-counts.js';
import { taskView } from '../../src/api/views/task-view.js';
import type { BusEvent } from '../../src/control-plane/events/event-bus.js';
import type { TaskRecord } from '../../src/domain/task.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { createSim, type Sim } from './harness.js';

const INTERVAL = 10;
const MAX_FAILURES = 3;

const app = (over: Record<string, unknown> = {}, check: Record<string, unknown> = {}) => ({
  id: '/web',
  cmd: 'serve',
  instances: 1,
  cpus: 0.1,
  mem: 32,
  backoffSeconds: 1,
  healthChecks: [
    {
      protocol: 'HTTP',
      path: '/health',
      gracePeriodSeconds: 30,
      intervalSeconds: INTERVAL,
      timeoutSeconds: 5,
      maxConsecutiveFailures: MAX_FAILURES,
      delaySeconds: INTERVAL,
      ...check,
    },
  ],
  ...over,
});

const healthy = (t: TaskRecord) => t.state === 'TASK_RUNNING' && t.healthy === true;

describe('health checks in simulation', () => {
  let sim: Sim;
  afterEach(async () => {
    await sim?.stop();
  });

  function record(): BusEvent[] {
    const events: BusEvent[] = [];
    sim.master.events.subscribe((e) => events.push(e));
    return events;
  }

  it('a health endpoint that starts failing: killed after interval x maxConsecutiveFailures, then replaced', async () => {
    sim = await createSim();
    await sim.deploy(app());
    await sim.until(() => sim.tasks('/web').some(healthy), { what: 'a healthy task' });
    const [first] = sim.tasks('/web');
    const events = record();

    // Between two probes, as an endpoint really fails: the next probe is the first to see it.
    await sim.clock.advance(INTERVAL * 1000 * 2.5);
    const badAt = sim.clock.now();
    sim.probes.set(first!.id, 'unhealthy');
    await sim.until(() => events.some((e) => e.eventType === 'unhealthy_instance_kill_event'), {
      stepMs: 100,
      what: 'the unhealthy kill',
    });
    const kill = events.find((e) => e.eventType === 'unhealthy_instance_kill_event')!;
    const tookMs = Date.parse(kill.timestamp) - badAt;
    const target = INTERVAL * MAX_FAILURES * 1000;
    assert.ok(
      tookMs <= target && tookMs > target - INTERVAL * 1000,
      `killed ${tookMs} ms after turning bad; expected within one interval below ${target}`,
    );
    assert.deepEqual(kill.payload, {
      appId: '/web',
      taskId: first!.id,
      instanceId: first!.id,
      version: first!.version,
      reason: '503 Service Unavailable',
      host: first!.host,
      slaveId: first!.agentId,
    });

    // Every failure was announced; the check and the instance went unhealthy.
    const types = events.map((e) => e.eventType);
    assert.equal(types.filter((t) => t === 'failed_health_check_event').length, MAX_FAILURES);
    const failed = events.find((e) => e.eventType === 'failed_health_check_event')!;
    assert.equal((failed.payload as { healthCheck: { path: string } }).healthCheck.path, '/health');
    assert.ok(
      events.some(
        (e) =>
          e.eventType === 'health_status_changed_event' && (e.payload as { alive: boolean }).alive === false,
      ),
    );
    assert.ok(
      events.some(
        (e) =>
          e.eventType === 'instance_health_changed_event' &&
          (e.payload as { healthy: boolean | null }).healthy === false,
      ),
    );

    // Replaced through the backoff (1 s), and the replacement becomes healthy.
    await sim.until(() => sim.tasks('/web').some((t) => t.id !== first!.id && healthy(t)), {
      stepMs: 100,
      what: 'a healthy replacement',
    });
    assert.ok(!sim.tasks('/web').some((t) => t.id === first!.id), 'the unhealthy task is gone');
    const launched = sim.tasks('/web').find((t) => t.id !== first!.id)!;
    const waited = launched.stagedAt - Date.parse(kill.timestamp);
    assert.ok(
      waited >= 1_000 && waited < 2_000,
      `launch backoff applied: replacement staged ${waited} ms after the kill`,
    );
  });

  it('failures inside the grace period do not count; after it they do', async () => {
    sim = await createSim();
    sim.probes.fallback = 'unhealthy';
    const events = record();
    await sim.deploy(app({}, { gracePeriodSeconds: 60 }));
    await sim.until(() => sim.tasks('/web').some((t) => t.state === 'TASK_RUNNING'), { what: 'running' });
    const [task] = sim.tasks('/web');
    const runningAt = task!.startedAt!;
    await sim.until(() => events.some((e) => e.eventType === 'unhealthy_instance_kill_event'), {
      stepMs: 500,
      what: 'the kill after the grace period',
    });
    const kill = events.find((e) => e.eventType === 'unhealthy_instance_kill_event')!;
    const firstCounted = events.find((e) => e.eventType === 'failed_health_check_event')!;
    assert.ok(Date.parse(firstCounted.timestamp) - runningAt >= 60_000, 'no failure counted during grace');
    const killAfter = Date.parse(kill.timestamp) - runningAt;
    assert.ok(
      killAfter >= 60_000 + (MAX_FAILURES - 1) * INTERVAL * 1000,
      `killed ${killAfter} ms after start`,
    );
    assert.ok(killAfter <= 60_000 + MAX_FAILURES * INTERVAL * 1000, `killed ${killAfter} ms after start`);
  });

  it('maxConsecutiveFailures 0: an unhealthy task is reported, never killed', async () => {
    sim = await createSim();
    const events = record();
    await sim.deploy(app({ instances: 2 }, { maxConsecutiveFailures: 0, gracePeriodSeconds: 0 }));
    await sim.until(() => sim.tasks('/web').filter(healthy).length === 2, { what: '2 healthy' });
    const [bad] = sim.tasks('/web');
    sim.probes.set(bad!.id, 'unhealthy');
    await sim.clock.advance(600_000);
    await sim.until(() => true);
    const tasks = sim.tasks('/web');
    assert.equal(tasks.length, 2);
    assert.ok(tasks.some((t) => t.id === bad!.id && t.state === 'TASK_RUNNING' && t.healthy === false));
    assert.deepEqual(countTasks(tasks), { staged: 0, running: 2, healthy: 1, unhealthy: 1 });
    assert.ok(!events.some((e) => e.eventType === 'unhealthy_instance_kill_event'));
    const view = taskView(tasks.find((t) => t.id === bad!.id)!);
    assert.equal(view.healthCheckResults.length, 1);
    assert.equal(view.healthCheckResults[0]!.alive, false);
    assert.equal(view.healthCheckResults[0]!.taskId, bad!.id);
    assert.equal(view.healthCheckResults[0]!.consecutiveFailures, 60);
  });

  it('only changes travel: a task healthy for an hour costs a handful of updates', async () => {
    const store = createMemoryStore();
    const writes = new Map<string, number>();
    const putTask = store.putTask.bind(store);
    store.putTask = async (t) => {
      writes.set(t.id, (writes.get(t.id) ?? 0) + 1);
      return putTask(t);
    };
    sim = await createSim({ store });
    await sim.deploy(app({}, { intervalSeconds: 1, delaySeconds: 1, gracePeriodSeconds: 0 }));
    await sim.until(() => sim.tasks('/web').some(healthy), { what: 'healthy' });
    const [task] = sim.tasks('/web');
    const before = writes.get(task!.id)!;
    await sim.clock.advance(3_600_000);
    assert.ok(sim.probes.probesOf(task!.id).length >= 3_599, 'probed every second');
    assert.equal(writes.get(task!.id), before, 'no update for probes that changed nothing');
    // STAGING, STARTING, RUNNING, healthy: each one write.
    assert.ok(before <= 4, `${before} writes to reach healthy`);
  });
});
