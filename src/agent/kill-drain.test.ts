import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock } from '../platform/testing/fake-clock.js';
import { drainMs, killDrainCap, NO_DRAIN_CAP, startDrain } from './kill-drain.js';

describe('kill drain', () => {
  test('without --kill-drain-ms the drain is what the master asks; with it, at most the flag', () => {
    assert.equal(killDrainCap(undefined), NO_DRAIN_CAP);
    assert.equal(drainMs(3_000, killDrainCap(undefined)), 3_000);
    assert.equal(drainMs(600_000, killDrainCap(undefined)), 600_000);
    assert.equal(drainMs(3_000, killDrainCap(5_000)), 3_000);
    assert.equal(drainMs(10_000, killDrainCap(5_000)), 5_000);
    assert.equal(drainMs(10_000, killDrainCap(0)), 0);
  });

  test('no drain when none is asked, and none below 0 or for a bad value', () => {
    assert.equal(drainMs(0, NO_DRAIN_CAP), 0);
    assert.equal(drainMs(-5, NO_DRAIN_CAP), 0);
    assert.equal(drainMs(Number.NaN, NO_DRAIN_CAP), 0);
  });

  test('a drain longer than a Node timer can wait is cut to the longest timer, not fired at once', () => {
    assert.equal(drainMs(30 * 24 * 3_600_000, NO_DRAIN_CAP), 2 ** 31 - 1);
  });

  test('startDrain terminates at once without a drain, else when the drain ends; cancellable', () => {
    const clock = new FakeClock();
    let ended = 0;
    assert.equal(
      startDrain(clock, 0, NO_DRAIN_CAP, () => ended++),
      undefined,
    );
    assert.equal(ended, 1);

    const cancel = startDrain(clock, 1_000, NO_DRAIN_CAP, () => ended++);
    assert.ok(cancel);
    clock.advanceSync(999);
    assert.equal(ended, 1);
    clock.advanceSync(1);
    assert.equal(ended, 2);

    const cancel2 = startDrain(clock, 1_000, NO_DRAIN_CAP, () => ended++);
    cancel2?.();
    clock.advanceSync(5_000);
    assert.equal(ended, 2);
  });
});
