import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { launchShares } from './launch-shares.js';

test('launches under the cap all go now', () => {
  const plan = [
    { appId: '/a', count: 3 },
    { appId: '/b', count: 2 },
  ];
  assert.deepEqual(launchShares(plan, 5), { now: plan, later: [] });
});

test('the cap is shared round-robin: a big app does not starve a small one', () => {
  const { now, later } = launchShares(
    [
      { appId: '/big', count: 1_000 },
      { appId: '/small', count: 3 },
      { appId: '/mid', count: 10 },
    ],
    20,
  );
  assert.deepEqual(now, [
    { appId: '/big', count: 9 },
    { appId: '/small', count: 3 },
    { appId: '/mid', count: 8 },
  ]);
  assert.deepEqual(later, [
    { appId: '/big', count: 991 },
    { appId: '/mid', count: 2 },
  ]);
});

test('property: now + later is the plan, now is within the cap and as full as the plan allows', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.record({ appId: fc.string(), count: fc.integer({ min: 1, max: 500 }) }), {
        selector: (l) => l.appId,
        maxLength: 30,
      }),
      fc.integer({ min: 1, max: 3_000 }),
      (plan, cap) => {
        const { now, later } = launchShares(plan, cap);
        const sum = (ls: { count: number }[]) => ls.reduce((n, l) => n + l.count, 0);
        const total = sum(plan);
        assert.equal(sum(now), Math.min(cap, total));
        assert.equal(sum(now) + sum(later), total);
        for (const l of plan) assert.ok((now.find((x) => x.appId === l.appId)?.count ?? 0) <= l.count);
        // Fair: shares granted now differ by at most one between apps that still have some later.
        const waiting = new Set(later.map((l) => l.appId));
        const shares = now.filter((l) => waiting.has(l.appId)).map((l) => l.count);
        if (shares.length > 1) assert.ok(Math.max(...shares) - Math.min(...shares) <= 1);
      },
    ),
  );
});
