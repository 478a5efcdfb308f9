/** Marathon's launch backoff as pure functions: growth, the maxLaunchDelaySeconds cap, expiry. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  activeDelay,
  type BackoffPolicy,
  delayAfterFailure,
  hasExpired,
  type LaunchDelay,
} from './backoff.js';

const T = Date.UTC(2026, 0, 1);
const policy = (over: Partial<BackoffPolicy> = {}): BackoffPolicy => ({
  backoffSeconds: 1,
  backoffFactor: 2,
  maxLaunchDelaySeconds: 10,
  ...over,
});

/** The delays of `n` failures, each `gapMs` after the previous one. */
function delays(p: BackoffPolicy, n: number, gapMs = 0): LaunchDelay[] {
  const out: LaunchDelay[] = [];
  let d: LaunchDelay | undefined;
  for (let i = 0; i < n; i++) {
    d = delayAfterFailure(d, p, T + i * gapMs);
    out.push(d);
  }
  return out;
}

describe('delayAfterFailure', () => {
  it('starts at backoffSeconds and multiplies by backoffFactor on each further failure', () => {
    const [a, b, c] = delays(policy(), 3, 100);
    assert.deepEqual(a, { delayMs: 1_000, until: T + 1_000, lastFailureAt: T });
    assert.deepEqual(b, { delayMs: 2_000, until: T + 100 + 2_000, lastFailureAt: T + 100 });
    assert.deepEqual(c, { delayMs: 4_000, until: T + 200 + 4_000, lastFailureAt: T + 200 });
  });

  it('caps the delay at maxLaunchDelaySeconds and stays there', () => {
    const ds = delays(policy({ backoffSeconds: 1, backoffFactor: 2, maxLaunchDelaySeconds: 10 }), 8);
    assert.deepEqual(
      ds.map((d) => d.delayMs),
      [1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000, 10_000],
    );
  });

  it('caps even the first delay when backoffSeconds exceeds maxLaunchDelaySeconds', () => {
    const d = delayAfterFailure(undefined, policy({ backoffSeconds: 60, maxLaunchDelaySeconds: 5 }), T);
    assert.equal(d.delayMs, 5_000);
    assert.equal(d.until, T + 5_000);
  });

  it('a backoffFactor of 1 keeps the delay constant; backoffSeconds 0 never delays', () => {
    assert.deepEqual(
      delays(policy({ backoffSeconds: 3, backoffFactor: 1 }), 4).map((d) => d.delayMs),
      [3_000, 3_000, 3_000, 3_000],
    );
    const zero = delays(policy({ backoffSeconds: 0 }), 3);
    assert.ok(zero.every((d) => d.delayMs === 0 && activeDelay(d, d.lastFailureAt) === undefined));
  });

  it('starts again from backoffSeconds after a quiet period of delay + maxLaunchDelaySeconds', () => {
    const p = policy({ backoffSeconds: 1, backoffFactor: 2, maxLaunchDelaySeconds: 10 });
    const grown = delays(p, 4).at(-1)!; // 8 s, at T
    const quiet = grown.delayMs + p.maxLaunchDelaySeconds * 1000; // 18 s
    const justBefore = delayAfterFailure(grown, p, T + quiet - 1);
    assert.equal(justBefore.delayMs, 10_000, 'still growing (capped) 1 ms before the quiet period ends');
    const after = delayAfterFailure(grown, p, T + quiet);
    assert.deepEqual(after, { delayMs: 1_000, until: T + quiet + 1_000, lastFailureAt: T + quiet });
  });
});

describe('hasExpired', () => {
  const p = policy({ maxLaunchDelaySeconds: 10 });
  const d: LaunchDelay = { delayMs: 4_000, until: T + 4_000, lastFailureAt: T };

  it('is false until delay + maxLaunchDelaySeconds have passed since the last failure, true from then on', () => {
    assert.equal(hasExpired(d, p, T), false);
    assert.equal(hasExpired(d, p, T + 4_000), false, 'the delay being over is not enough');
    assert.equal(hasExpired(d, p, T + 13_999), false);
    assert.equal(hasExpired(d, p, T + 14_000), true);
    assert.equal(hasExpired(d, p, T + 1_000_000), true);
  });

  it('depends on the policy in force: a shorter maxLaunchDelaySeconds expires sooner', () => {
    assert.equal(hasExpired(d, policy({ maxLaunchDelaySeconds: 1 }), T + 5_000), true);
    assert.equal(hasExpired(d, policy({ maxLaunchDelaySeconds: 2 }), T + 5_000), false);
  });
});

describe('activeDelay', () => {
  const d: LaunchDelay = { delayMs: 2_000, until: T + 2_000, lastFailureAt: T };
  it('holds launches strictly before `until` and releases them at `until`', () => {
    assert.equal(activeDelay(undefined, T), undefined);
    assert.equal(activeDelay(d, T), d);
    assert.equal(activeDelay(d, T + 1_999), d);
    assert.equal(activeDelay(d, T + 2_000), undefined);
  });
});

const policyArb = fc.record({
  backoffSeconds: fc.integer({ min: 0, max: 3_600 }),
  backoffFactor: fc.double({ min: 1, max: 10, noNaN: true }),
  maxLaunchDelaySeconds: fc.integer({ min: 0, max: 3_600 }),
});
const gapsArb = fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 40 });

describe('backoff properties', () => {
  it('every delay is within [0, maxLaunchDelaySeconds] and `until` is the failure time plus the delay', () => {
    fc.assert(
      fc.property(policyArb, gapsArb, (p, gaps) => {
        let d: LaunchDelay | undefined;
        let now = T;
        for (const gap of gaps) {
          now += gap;
          d = delayAfterFailure(d, p, now);
          assert.ok(d.delayMs >= 0 && d.delayMs <= p.maxLaunchDelaySeconds * 1000, `${d.delayMs}`);
          assert.equal(d.until, now + d.delayMs);
          assert.equal(d.lastFailureAt, now);
        }
      }),
    );
  });

  it('a failure within the window never shortens the delay; after the window it restarts from backoffSeconds', () => {
    fc.assert(
      fc.property(policyArb, gapsArb, (p, gaps) => {
        const first = Math.min(p.backoffSeconds, p.maxLaunchDelaySeconds) * 1000;
        let d: LaunchDelay | undefined;
        let now = T;
        for (const gap of gaps) {
          now += gap;
          const next = delayAfterFailure(d, p, now);
          if (d === undefined || hasExpired(d, p, now)) assert.equal(next.delayMs, first);
          else assert.ok(next.delayMs >= d.delayMs, `${next.delayMs} >= ${d.delayMs}`);
          d = next;
        }
      }),
    );
  });

  it('failures back to back reach the cap, and only the cap, after enough of them', () => {
    fc.assert(
      fc.property(
        fc.record({
          backoffSeconds: fc.integer({ min: 1, max: 60 }),
          backoffFactor: fc.double({ min: 1.5, max: 4, noNaN: true }),
          maxLaunchDelaySeconds: fc.integer({ min: 1, max: 3_600 }),
        }),
        (p) => {
          // 1.5^25 > 3600: 25 failures are enough from any backoffSeconds >= 1.
          const last = delays(p, 25).at(-1)!;
          assert.equal(last.delayMs, p.maxLaunchDelaySeconds * 1000);
        },
      ),
    );
  });
});
