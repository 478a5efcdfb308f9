/**
 * TaskChecks on a manual clock with a fake prober: when probes run, what is reported (changes
 * only), when the task is given up as unhealthy, grace periods, readiness, and the timeout guard.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TaskSpec } from '../../domain/agent-protocol.js';
import type { HealthCheck, ReadinessCheck } from '../../domain/app.js';
import { HEALTH_CHECK_DEFAULTS, READINESS_CHECK_DEFAULTS } from '../../domain/app-defaults.js';
import { silentLogger } from '../../platform/logger.js';
import { FakeClock } from '../../platform/testing/fake-clock.js';
import type { RunningTask } from '../executors/executor.js';
import { shellTask } from '../testing/task-spec.js';
import { FakeProber } from './fake-prober.js';
import type { ProbeAnswer, ProbeContext, ProbeTarget } from './prober.js';
import { type CheckReport, TaskChecks } from './task-checks.js';

const hc = (over: Partial<HealthCheck> = {}): HealthCheck => ({
  ...HEALTH_CHECK_DEFAULTS,
  gracePeriodSeconds: 0,
  intervalSeconds: 10,
  timeoutSeconds: 2,
  maxConsecutiveFailures: 3,
  delaySeconds: 15,
  ...over,
});
const rc = (over: Partial<ReadinessCheck> = {}): ReadinessCheck => ({
  ...READINESS_CHECK_DEFAULTS,
  httpStatusCodesForReady: [200],
  portName: 'http',
  intervalSeconds: 5,
  timeoutSeconds: 1,
  ...over,
});

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

/** Also records the timeout each probe was given. */
class TimeoutRecordingProber extends FakeProber {
  readonly timeouts: number[] = [];
  override probe(target: ProbeTarget, ctx: ProbeContext): Promise<ProbeAnswer> {
    this.timeouts.push(ctx.timeoutMs);
    return super.probe(target, ctx);
  }
}

function setup(spec: Partial<TaskSpec>) {
  const clock = new FakeClock();
  const prober = new TimeoutRecordingProber();
  const reports: CheckReport[] = [];
  const kills: Array<{ cause: string; failures: number; at: number }> = [];
  const start = clock.now();
  const checks = new TaskChecks({
    spec: shellTask('web.1', 'serve', { ports: [31000], portNames: ['http'], ...spec }),
    host: '127.0.0.1',
    sandbox: '/tmp',
    env: {},
    running: {} as RunningTask,
    clock,
    prober,
    logger: silentLogger(),
    onChange: (r) => reports.push(r),
    onUnhealthy: (cause, failures) => kills.push({ cause, failures, at: clock.now() - start }),
  });
  checks.start();
  /** Moves fake time in 1 s steps, letting each probe's answer settle. */
  const advance = async (ms: number) => {
    for (let t = 0; t < ms; t += 1000) {
      clock.advanceSync(1000);
      await flush();
    }
  };
  return { clock, prober, reports, kills, checks, advance, start };
}

describe('health checks of one task', () => {
  test('first probe after min(delay, interval), then every interval', async () => {
    const s = setup({ healthChecks: [hc({ intervalSeconds: 10, delaySeconds: 3 })] });
    await s.advance(2_000);
    assert.equal(s.prober.probes.length, 0);
    await s.advance(1_000);
    assert.equal(s.prober.probes.length, 1, 'first probe at 3 s');
    await s.advance(10_000);
    assert.equal(s.prober.probes.length, 2, 'next 10 s later');
    s.checks.stop();
  });

  test('intervalSeconds 0 and timeoutSeconds 0 count as 1 s: no back-to-back probes, no instant failures', async () => {
    const s = setup({ healthChecks: [hc({ intervalSeconds: 0, timeoutSeconds: 0, delaySeconds: 0 })] });
    // Fine steps, so each answer settles well before a timer at the same instant could race it.
    for (let t = 0; t < 3_900; t += 100) {
      s.clock.advanceSync(100);
      await flush();
    }
    assert.equal(s.prober.probes.length, 4, 'probes at 0, 1, 2 and 3 s, not back to back');
    assert.deepEqual(s.prober.timeouts, [1_000, 1_000, 1_000, 1_000], 'timeout floored to 1 s');
    assert.equal(s.kills.length, 0);
    assert.equal(s.reports.at(-1)?.healthy, true);
    s.checks.stop();
  });

  test('timeoutSeconds 0: a probe that never answers fails after 1 s, not at once', async () => {
    const s = setup({ healthChecks: [hc({ intervalSeconds: 10, delaySeconds: 10, timeoutSeconds: 0 })] });
    s.prober.set('web.1', 'hang');
    await s.advance(10_000);
    assert.equal(s.reports.length, 0, 'no result while the probe may still answer');
    await s.advance(1_000);
    assert.equal(s.reports.at(-1)?.healthCheckResults?.[0]?.lastFailureCause, 'Timed out after 1 s');
    s.checks.stop();
  });

  test('readiness intervalSeconds 0 and timeoutSeconds 0 count as 1 s', async () => {
    const s = setup({ readinessChecks: [rc({ intervalSeconds: 0, timeoutSeconds: 0 })] });
    s.prober.set('web.1', 'unhealthy');
    await flush();
    assert.equal(s.prober.probes.length, 0, 'first readiness probe one (floored) interval in');
    await s.advance(3_000);
    assert.equal(s.prober.probes.length, 3);
    assert.deepEqual(s.prober.timeouts, [1_000, 1_000, 1_000]);
    s.checks.stop();
  });

  test('only changes are reported: first success, then nothing while healthy', async () => {
    const s = setup({ healthChecks: [hc({ intervalSeconds: 1, delaySeconds: 1 })] });
    await s.advance(30_000);
    assert.equal(s.prober.probes.length, 30);
    assert.equal(s.reports.length, 1, 'one update for 30 healthy probes');
    assert.equal(s.reports[0]!.healthy, true);
    assert.equal(s.reports[0]!.healthCheckResults?.[0]?.alive, true);
    s.checks.stop();
  });

  test('an endpoint turning bad: one report per failure, killed at the max-th within interval x max', async () => {
    const s = setup({
      healthChecks: [hc({ intervalSeconds: 10, delaySeconds: 10, maxConsecutiveFailures: 3 })],
    });
    await s.advance(35_000);
    const badAt = s.clock.now() - s.start;
    s.prober.set('web.1', 'unhealthy');
    await s.advance(40_000);
    assert.equal(s.kills.length, 1);
    const { cause, failures, at } = s.kills[0]!;
    assert.equal(cause, '503 Service Unavailable');
    assert.equal(failures, 3);
    const took = at - badAt;
    assert.ok(took > 20_000 && took <= 30_000, `killed ${took} ms after turning bad`);
    assert.deepEqual(
      s.reports.map((r) => [r.healthy, r.healthCheckResults?.[0]?.consecutiveFailures]),
      [
        [true, 0],
        [false, 1],
        [false, 2],
      ],
      'the 3rd failure travels with the kill, not as a report of its own',
    );
    const probes = s.prober.probes.length;
    await s.advance(60_000);
    assert.equal(s.prober.probes.length, probes, 'no probes after the kill');
    assert.equal(s.checks.report().healthCheckResults?.[0]?.consecutiveFailures, 3);
  });

  test('maxConsecutiveFailures 0: failing forever, never killed', async () => {
    const s = setup({
      healthChecks: [hc({ intervalSeconds: 1, delaySeconds: 1, maxConsecutiveFailures: 0 })],
    });
    s.prober.set('web.1', 'unhealthy');
    await s.advance(100_000);
    assert.equal(s.kills.length, 0);
    assert.equal(s.checks.report().healthCheckResults?.[0]?.consecutiveFailures, 100);
    s.checks.stop();
  });

  test('failing inside the grace period costs nothing; after it, failures count', async () => {
    const s = setup({
      healthChecks: [
        hc({ intervalSeconds: 1, delaySeconds: 1, gracePeriodSeconds: 20, maxConsecutiveFailures: 3 }),
      ],
    });
    s.prober.set('web.1', 'unhealthy');
    await s.advance(19_000);
    assert.equal(s.reports.length, 0, 'nothing to say during grace');
    assert.deepEqual(s.checks.report(), {});
    await s.advance(10_000);
    assert.equal(s.kills.length, 1);
    assert.equal(s.kills[0]!.at, 22_000, 'failures at 20, 21, 22 s count');
  });

  test('a probe that never answers fails by the timeout (on the injected clock)', async () => {
    const s = setup({ healthChecks: [hc({ intervalSeconds: 10, delaySeconds: 10, timeoutSeconds: 2 })] });
    s.prober.set('web.1', 'hang');
    await s.advance(12_000);
    assert.equal(s.reports.at(-1)?.healthCheckResults?.[0]?.lastFailureCause, 'Timed out after 2 s');
    s.checks.stop();
  });

  test('the task verdict needs every check: one failing check makes it unhealthy', async () => {
    const s = setup({
      healthChecks: [
        hc({ intervalSeconds: 1, delaySeconds: 1, protocol: 'TCP' }),
        hc({ intervalSeconds: 1, delaySeconds: 1, protocol: 'COMMAND', command: { value: 'x' } }),
      ],
    });
    s.prober.set('web.1', (t) => (t.kind === 'tcp' ? { kind: 'tcp' } : { kind: 'command', exitCode: 1 }));
    await s.advance(1_000);
    const last = s.checks.report();
    assert.equal(last.healthy, false);
    assert.deepEqual(
      last.healthCheckResults?.map((r) => r.alive),
      [true, false],
    );
    s.checks.stop();
  });
});

describe('readiness checks of one task', () => {
  test('probed every interval until ready, then no more; results reported on change', async () => {
    const s = setup({ readinessChecks: [rc({ intervalSeconds: 5 })] });
    s.prober.set('web.1', 'unhealthy');
    await s.advance(15_000);
    assert.equal(s.prober.probes.length, 3);
    assert.equal(s.reports.length, 1, 'the same "not ready" is sent once');
    assert.deepEqual(s.reports[0], {
      ready: false,
      readinessCheckResults: [{ name: 'readinessCheck', taskId: 'web.1', ready: false }],
    });
    s.prober.set('web.1', 'healthy');
    await s.advance(5_000);
    assert.equal(s.reports.at(-1)?.ready, true);
    await s.advance(30_000);
    assert.equal(s.prober.probes.length, 4, 'no probes once ready');
    assert.equal(s.prober.probes[0]!.target.kind === 'http' && s.prober.probes[0]!.target.port, 31000);
  });

  test('preserveLastResponse reports each new response', async () => {
    const s = setup({ readinessChecks: [rc({ intervalSeconds: 5, preserveLastResponse: true })] });
    let n = 0;
    s.prober.set('web.1', () => ({
      kind: 'http',
      status: 503,
      contentType: 'text/plain',
      body: `step ${++n}`,
    }));
    await s.advance(10_000);
    assert.deepEqual(
      s.reports.map((r) => r.readinessCheckResults?.[0]?.lastResponse?.body),
      ['step 1', 'step 2'],
    );
    s.checks.stop();
  });
});
