/**
 * The arithmetic path of IsoOccurrences (periods of a fixed length: schedule-iso8601.ts) gives the
 * same instants as luxon's calendar walk, which it replaces only for speed: for random starts,
 * zones (fixed and with DST), periods and occurrence numbers, `at(k)` and `firstAfter` agree with
 * luxon's `start.plus(k x period)`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { type DurationParts, scaled } from './iso8601-duration.js';
import { IsoOccurrences, resolveStart } from './schedule-iso8601.js';

const zones = [undefined, 'UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'];

const period = fc
  .record({
    years: fc.constant(0),
    months: fc.constant(0),
    weeks: fc.integer({ min: 0, max: 3 }),
    days: fc.integer({ min: 0, max: 10 }),
    hours: fc.integer({ min: 0, max: 48 }),
    minutes: fc.integer({ min: 0, max: 120 }),
    seconds: fc.integer({ min: 0, max: 120 }),
  })
  .filter((p) => p.weeks + p.days + p.hours + p.minutes + p.seconds > 0);

describe('ISO 8601 occurrences: arithmetic path = luxon', () => {
  it('at(k) and firstAfter agree with start.plus(k x period) in every zone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.constantFrom(...zones),
        period,
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: -5_000_000, max: 5_000_000 }),
        (startMs, zone, p: DurationParts, k, jitter) => {
          const start = resolveStart(new Date(startMs).toISOString(), zone, 0);
          const occ = new IsoOccurrences(start, p, undefined);
          const luxonAt = (i: number) => start.plus(scaled(p, i)).toMillis();
          assert.equal(occ.at(k), luxonAt(k));
          const probe = luxonAt(k) + jitter;
          const next = occ.firstAfter(probe);
          assert.ok(next !== undefined);
          // The first occurrence strictly after `probe`, by luxon's instants.
          assert.ok(luxonAt(next.index) > probe);
          assert.ok(next.index === 0 || luxonAt(next.index - 1) <= probe);
          assert.equal(next.at, luxonAt(next.index));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('periods with days keep the wall time across DST in a zone with DST (luxon path)', () => {
    const start = resolveStart('2026-03-28T02:30:00', 'Europe/Berlin', 0);
    const occ = new IsoOccurrences(
      start,
      { years: 0, months: 0, weeks: 0, days: 1, hours: 0, minutes: 0, seconds: 0 },
      undefined,
    );
    const wall = (k: number) => DateTime.fromMillis(occ.at(k), { zone: 'Europe/Berlin' }).toFormat('HH:mm');
    // 29 March 2026 has no 02:30 in Berlin (spring-forward): shifted by the gap, then 02:30 again.
    assert.deepEqual([0, 1, 2].map(wall), ['02:30', '03:30', '02:30']);
  });
});
