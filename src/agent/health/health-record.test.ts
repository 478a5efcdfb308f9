import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HealthCheckResult } from '../../domain/task.js';
import { emptyResult, type RecordContext, recordOutcome, taskHealthy } from './health-record.js';
import type { HealthOutcome } from './health-verdict.js';

const T0 = Date.UTC(2026, 0, 1);
const ok: HealthOutcome = { kind: 'healthy' };
const bad: HealthOutcome = { kind: 'unhealthy', cause: '503 Service Unavailable' };
const ctx = (over: Partial<RecordContext> = {}): RecordContext => ({
  now: T0 + 100_000,
  runningSince: T0,
  gracePeriodSeconds: 10,
  maxConsecutiveFailures: 3,
  ...over,
});

/** Feeds outcomes one second apart from `start`, returning every step. */
function run(outcomes: HealthOutcome[], over: Partial<RecordContext> = {}, start = T0 + 100_000) {
  let r: HealthCheckResult = emptyResult('t.1');
  return outcomes.map((o, i) => {
    const rec = recordOutcome(r, o, ctx({ ...over, now: start + i * 1000 }));
    r = rec.result;
    return rec;
  });
}

describe('health record (Marathon Health semantics)', () => {
  test('a success sets firstSuccess/lastSuccess and alive; only the first of a streak is a change', () => {
    const [a, b] = run([ok, ok]);
    assert.equal(a!.result.alive, true);
    assert.equal(a!.result.firstSuccess, new Date(T0 + 100_000).toISOString());
    assert.equal(a!.changed, true);
    assert.equal(b!.changed, false, 'another success in a row is not sent');
    assert.equal(b!.result.lastSuccess, new Date(T0 + 101_000).toISOString());
    assert.equal(b!.result.firstSuccess, a!.result.firstSuccess);
  });

  test('failures count up, each is a change, and the max-th in a row kills', () => {
    const steps = run([ok, bad, bad, bad]);
    assert.deepEqual(
      steps.map((s) => [s.result.consecutiveFailures, s.changed, s.kill]),
      [
        [0, true, false],
        [1, true, false],
        [2, true, false],
        [3, true, true],
      ],
    );
    const last = steps[3]!.result;
    assert.equal(last.alive, false);
    assert.equal(last.lastFailureCause, '503 Service Unavailable');
  });

  test('a success resets the count, so failures must be consecutive', () => {
    const steps = run([bad, bad, ok, bad, bad]);
    assert.deepEqual(
      steps.map((s) => s.kill),
      [false, false, false, false, false],
    );
    assert.equal(steps[4]!.result.consecutiveFailures, 2);
  });

  test('maxConsecutiveFailures 0 never kills', () => {
    const steps = run(Array(50).fill(bad), { maxConsecutiveFailures: 0 });
    assert.ok(steps.every((s) => !s.kill));
    assert.equal(steps[49]!.result.consecutiveFailures, 50);
  });

  test('failures inside the grace period are not counted until the first success', () => {
    // Running since T0, grace 10 s: failures at 1..9 s do not count; at 10 s they do.
    const steps = run(Array(12).fill(bad), { gracePeriodSeconds: 10 }, T0 + 1000);
    assert.deepEqual(
      steps.map((s) => s.result.consecutiveFailures),
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3],
    );
    assert.ok(
      steps.slice(0, 9).every((s) => !s.changed),
      'ignored failures are not sent',
    );
    assert.equal(steps[11]!.kill, true);
  });

  test('after the first success the grace period no longer protects the task', () => {
    const steps = run([ok, bad, bad, bad], { gracePeriodSeconds: 300 }, T0 + 1000);
    assert.equal(steps[3]!.kill, true);
  });

  test('an ignored outcome (1xx with ignoreHttp1xx) changes nothing', () => {
    const [first, second] = run([bad, { kind: 'ignored' }]);
    assert.deepEqual(second!.result, first!.result);
    assert.equal(second!.changed, false);
  });

  test('task verdict: unhealthy on a counted failure, healthy when all alive, else unknown', () => {
    const alive = run([ok])[0]!.result;
    const failing = run([bad])[0]!.result;
    const none = emptyResult('t.1');
    assert.equal(taskHealthy([alive, alive]), true);
    assert.equal(taskHealthy([alive, failing]), false);
    assert.equal(taskHealthy([alive, none]), undefined);
    assert.equal(taskHealthy([none]), undefined);
    assert.equal(taskHealthy([]), undefined);
  });
});
