import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  firstHealthProbeMs,
  firstReadinessProbeMs,
  nextProbeMs,
  probeIntervalMs,
  probeTimeoutMs,
} from './probe-schedule.js';

describe('probe schedule', () => {
  test('intervals and timeouts below 1 s count as 1 s; longer ones as given', () => {
    assert.equal(probeIntervalMs(0), 1_000);
    assert.equal(probeTimeoutMs(0), 1_000);
    assert.equal(probeIntervalMs(-3), 1_000);
    assert.equal(probeIntervalMs(10), 10_000);
    assert.equal(probeTimeoutMs(20), 20_000);
  });

  test('first probes: min(delay, interval) for health, one interval for readiness, floored', () => {
    assert.equal(firstHealthProbeMs({ intervalSeconds: 10, delaySeconds: 3 }), 3_000);
    assert.equal(firstHealthProbeMs({ intervalSeconds: 10 }), 10_000);
    assert.equal(firstHealthProbeMs({ intervalSeconds: 0 }), 1_000);
    assert.equal(firstHealthProbeMs({ intervalSeconds: 0, delaySeconds: 15 }), 1_000);
    assert.equal(firstHealthProbeMs({ intervalSeconds: 0, delaySeconds: 0 }), 0, 'delay 0: at once');
    assert.equal(firstReadinessProbeMs({ intervalSeconds: 0 }), 1_000);
  });

  test('next probe one (floored) interval after the start of the previous one', () => {
    assert.equal(nextProbeMs(10, 1_000, 3_000), 8_000);
    assert.equal(nextProbeMs(0, 1_000, 1_000), 1_000);
    assert.equal(nextProbeMs(0, 1_000, 5_000), 0, 'a slow probe: the next one at once');
  });
});
