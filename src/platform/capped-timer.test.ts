import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cappedDelay, MAX_TIMER_MS, setCappedTimeout } from './capped-timer.js';
import { systemClock } from './clock.js';

test('delays are clamped into [0, 2^31-1] ms; NaN and Infinity mean "as late as possible"', () => {
  assert.equal(cappedDelay(5), 5);
  assert.equal(cappedDelay(-5), 0);
  assert.equal(cappedDelay(2_147_484 * 1000), MAX_TIMER_MS);
  assert.equal(cappedDelay(Number.POSITIVE_INFINITY), MAX_TIMER_MS);
  assert.equal(cappedDelay(Number.NaN), MAX_TIMER_MS);
});

test('a health-check interval of 2,147,484 s does not fire after 1 ms (raw setTimeout would)', async () => {
  let fired = 0;
  const t = setCappedTimeout(() => fired++, 2_147_484 * 1000);
  const cancel = systemClock.setTimer(2_147_484 * 1000, () => fired++);
  await new Promise((r) => setTimeout(r, 100));
  clearTimeout(t);
  cancel();
  assert.equal(fired, 0);
});
