import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasRetryLeft, isOverdue, overdueAfter, retryDelayMs } from './retry-policy.js';
import { quantile, runTimings, summarize } from './run-stats.js';

describe('run stats', () => {
  it('zeros when never ran', () => {
    assert.deepEqual(summarize([]), {
      count: 0,
      mean: 0,
      median: 0,
      p75: 0,
      p95: 0,
      p98: 0,
      p99: 0,
      min: 0,
      max: 0,
    });
  });

  it('true mean and exact percentiles', () => {
    const s = summarize([1, 2, 3, 4, 100]);
    assert.equal(s.mean, 22);
    assert.equal(s.median, 3);
    assert.equal(s.max, 100);
    assert.equal(quantile([10, 20], 0.5), 15);
    assert.equal(quantile([10, 20, 30, 40], 0.99), 40);
    assert.equal(quantile([10, 20, 30, 40], 0.01), 10);
  });

  it('run time is start to end, queue delay due to start', () => {
    const t = runTimings([
      {
        dueAt: 0,
        attempts: [
          { startedAt: 500, endedAt: 2500 },
          { startedAt: 70_000, endedAt: 71_000 },
        ],
      },
      { dueAt: 100, attempts: [{ startedAt: 400 }] },
      { dueAt: 200, attempts: [] },
    ]);
    assert.deepEqual(t.runTimes, [2000, 1000]);
    assert.deepEqual(t.queueDelays, [500, 300]);
  });
});

describe('retry policy', () => {
  it('retries `retries` times with a growing delay', () => {
    assert.equal(hasRetryLeft(1, 2), true);
    assert.equal(hasRetryLeft(2, 2), true);
    assert.equal(hasRetryLeft(3, 2), false);
    assert.equal(retryDelayMs(1, 60_000, 1), 60_000);
    assert.equal(retryDelayMs(3, 10_000, 2), 40_000);
    assert.equal(retryDelayMs(200, 10_000, 10), 24 * 3600_000);
  });

  it('maxCompletionTime is in seconds, as in Chronos', () => {
    assert.equal(isOverdue(0, undefined, 1e9), false);
    assert.equal(isOverdue(0, 0, 1e9), false);
    assert.equal(isOverdue(0, 3600, 3_600_000), false);
    assert.equal(isOverdue(0, 3600, 3_600_001), true);
    // 3600 is an hour, not 3.6 s.
    assert.equal(isOverdue(0, 3600, 3601), false);
    assert.equal(overdueAfter(1000, 2.5), 3500);
    assert.equal(overdueAfter(1000, 0), undefined);
  });
});
