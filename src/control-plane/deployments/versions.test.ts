import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { nextVersion } from './versions.js';

const T = Date.UTC(2026, 0, 1);

test('the first version is the current time', () => {
  assert.equal(nextVersion(T), new Date(T).toISOString());
});

test('a version taken in the same millisecond as the previous one is 1 ms after it', () => {
  const first = nextVersion(T);
  const second = nextVersion(T, first);
  assert.equal(second, new Date(T + 1).toISOString());
  assert.equal(nextVersion(T, second), new Date(T + 2).toISOString());
});

test('a clock that stepped back still gives a later version', () => {
  assert.equal(nextVersion(T - 5_000, new Date(T).toISOString()), new Date(T + 1).toISOString());
});

test('property: any sequence of clock readings gives strictly increasing versions, never behind the clock', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: T - 10_000, max: T + 10_000 }), { minLength: 1, maxLength: 50 }),
      (nows) => {
        let prev: string | undefined;
        for (const now of nows) {
          const v = nextVersion(now, prev);
          if (prev !== undefined) assert.ok(v > prev, `${v} > ${prev}`);
          assert.ok(Date.parse(v) >= now);
          prev = v;
        }
      },
    ),
  );
});
