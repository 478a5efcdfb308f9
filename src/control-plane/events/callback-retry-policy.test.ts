import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterDelivery, type DeliveryHealth, DROP_AFTER_MS, HEALTHY } from './callback-retry-policy.js';

const T0 = 1_000_000;

/** Fails every POST, each taking `postMs`, and returns the times it tried and how it ended. */
function failUntilDropped(postMs: number) {
  let health: DeliveryHealth = HEALTHY;
  let now = T0;
  const tries: number[] = [];
  for (let i = 0; i < 1000; i++) {
    tries.push(now);
    now += postMs;
    const step = afterDelivery(health, false, now);
    health = step.health;
    if (step.kind === 'drop') return { tries, droppedAt: now, step };
    assert.equal(step.kind, 'retry');
    if (step.kind === 'retry') now += step.inMs;
  }
  throw new Error('never dropped');
}

describe('callback retry policy', () => {
  it('a success delivers the next event and clears the failure record', () => {
    assert.deepEqual(afterDelivery(HEALTHY, true, T0), { kind: 'next', health: HEALTHY });
    assert.deepEqual(afterDelivery({ failingSince: T0, failures: 5 }, true, T0 + 30_000), {
      kind: 'next',
      health: HEALTHY,
    });
  });

  it('retries the same event with a delay doubling from 500 ms up to 10 s', () => {
    const delays: number[] = [];
    let health: DeliveryHealth = HEALTHY;
    let now = T0;
    for (let i = 0; i < 7; i++) {
      const step = afterDelivery(health, false, now);
      assert.equal(step.kind, 'retry');
      if (step.kind !== 'retry') return;
      delays.push(step.inMs);
      health = step.health;
      now += step.inMs;
    }
    assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    assert.equal(health.failingSince, T0);
  });

  it('drops a subscriber failing for 60 s, not before, and tries at the deadline', () => {
    const { tries, droppedAt, step } = failUntilDropped(0);
    assert.equal(droppedAt, T0 + DROP_AFTER_MS);
    assert.equal(step.kind === 'drop' && step.failingForMs, DROP_AFTER_MS);
    assert.deepEqual(
      tries.map((t) => t - T0),
      [0, 500, 1500, 3500, 7500, 15_500, 25_500, 35_500, 45_500, 55_500, 60_000],
    );
    // Slow failures (each POST times out after 5 s): 60 s from the first failure reported.
    const slow = failUntilDropped(5_000);
    // the last try starts at the deadline and is dropped when it fails, one POST later.
    const failingFor = slow.step.kind === 'drop' ? slow.step.failingForMs : 0;
    assert.ok(failingFor >= DROP_AFTER_MS && failingFor <= DROP_AFTER_MS + 5_000, String(failingFor));
    assert.equal(slow.tries.at(-1), T0 + 5_000 + DROP_AFTER_MS);
  });

  it('a success within the 60 s starts the count again', () => {
    let step = afterDelivery(HEALTHY, false, T0);
    step = afterDelivery(step.health, false, T0 + 50_000);
    assert.equal(step.kind, 'retry');
    step = afterDelivery(step.health, true, T0 + 55_000);
    step = afterDelivery(step.health, false, T0 + 70_000);
    assert.equal(step.kind, 'retry', 'failing for 0 s, not 70 s');
    step = afterDelivery(step.health, false, T0 + 129_999);
    assert.equal(step.kind, 'retry');
    step = afterDelivery(step.health, false, T0 + 130_000);
    assert.equal(step.kind, 'drop');
  });
});
