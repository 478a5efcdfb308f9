import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { drainMs, killDrainCap, startDrain, WHOLE_GRACE } from './kill-drain.js';
import { ManualClock } from './testing/manual-clock.js';

describe('kill drain', () => {
  test('without --kill-drain-ms the drain is the whole grace; with it, at most the flag', () => {
    assert.equal(killDrainCap(undefined), WHOLE_GRACE);
    assert.equal(drainMs(3_000, killDrainCap(undefined)), 3_000);
    assert.equal(drainMs(600_000, killDrainCap(undefined)), 600_000);
    assert.equal(drainMs(3_000, killDrainCap(5_000)), 3_000);
    assert.equal(drainMs(10_000, killDrainCap(5_000)), 5_000);
    assert.equal(drainMs(10_000, killDrainCap(0)), 0);
  });

  test('no drain for a kill without grace, and none below 0 or for a bad grace', () => {
    assert.equal(drainMs(0, WHOLE_GRACE), 0);
    assert.equal(drainMs(-5, WHOLE_GRACE), 0);
    assert.equal(drainMs(Number.NaN, WHOLE_GRACE), 0);
  });

  test('a grace longer than a Node timer can wait is cut to the longest timer, not fired at once', () => {
    assert.equal(drainMs(30 * 24 * 3_600_000, WHOLE_GRACE), 2 ** 31 - 1);
  });

  test('startDrain terminates at once without a drain, else when the drain ends; cancellable', () => {
    const clock = new ManualClock();
    let ended = 0;
    assert.equal(
      startDrain(clock, 0, WHOLE_GRACE, () => ended++),
      undefined,
    );
    assert.equal(ended, 1);

    const cancel = startDrain(clock, 1_000, WHOLE_GRACE, () => ended++);
    assert.ok(cancel);
    clock.advance(999);
    assert.equal(ended, 1);
    clock.advance(1);
    assert.equal(ended, 2);

    const cancel2 = startDrain(clock, 1_000, WHOLE_GRACE, () => ended++);
    cancel2?.();
    clock.advance(5_000);
    assert.equal(ended, 2);
  });
});
