import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import {
  compileSchedule,
  firstAtOrAfter,
  type Schedule,
  scheduleError,
  scheduleTimeZoneError,
} from './schedule.js';

const NY = 'America/New_York';
const local = (ms: number, zone = NY) =>
  DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true });

/** Every due time from `from` (inclusive) for `n` occurrences. */
function occurrences(s: Schedule, from: number, n: number): number[] {
  const out: number[] = [];
  let o = firstAtOrAfter(s, from);
  while (o && out.length < n) {
    out.push(o.at);
    o = s.firstAfter(o.at);
  }
  return out;
}

describe('ISO 8601 repeating intervals', () => {
  it('R5 gives five occurrences, then none', () => {
    const s = compileSchedule('R5/2026-01-01T00:00:00Z/PT1M', undefined, 0);
    const all = occurrences(s, 0, 10);
    assert.equal(all.length, 5);
    assert.deepEqual(
      all.map((t) => new Date(t).toISOString()),
      ['00', '01', '02', '03', '04'].map((m) => `2026-01-01T00:${m}:00.000Z`),
    );
    assert.equal(s.firstAfter(all[3]!)?.remainingAfter, 0);
    assert.equal(s.firstAfter(all[4]!), undefined);
  });

  it('R0 never runs; R runs forever', () => {
    assert.equal(firstAtOrAfter(compileSchedule('R0/2026-01-01T00:00:00Z/PT1M', undefined, 0), 0), undefined);
    const forever = compileSchedule('R/2026-01-01T00:00:00Z/PT1M', undefined, 0);
    assert.equal(occurrences(forever, 0, 500).length, 500);
    assert.equal(forever.firstAfter(0)?.remainingAfter, undefined);
  });

  it('an empty start means the anchor (the time the job was created)', () => {
    const anchor = Date.UTC(2026, 4, 5, 10, 11, 12);
    const s = compileSchedule('R3//PT2M', undefined, anchor);
    assert.deepEqual(occurrences(s, anchor, 5), [anchor, anchor + 120_000, anchor + 240_000]);
  });

  it('P1D keeps the wall time across spring-forward; PT24H does not', () => {
    const daily = compileSchedule('R/2026-03-06T09:00:00/P1D', NY, 0);
    const hours = compileSchedule('R/2026-03-06T09:00:00/PT24H', NY, 0);
    const from = Date.UTC(2026, 2, 6);
    assert.deepEqual(
      occurrences(daily, from, 4).map((t) => local(t)),
      [
        '2026-03-06T09:00:00-05:00',
        '2026-03-07T09:00:00-05:00',
        '2026-03-08T09:00:00-04:00',
        '2026-03-09T09:00:00-04:00',
      ],
    );
    assert.deepEqual(
      occurrences(hours, from, 4).map((t) => local(t)),
      [
        '2026-03-06T09:00:00-05:00',
        '2026-03-07T09:00:00-05:00',
        '2026-03-08T10:00:00-04:00',
        '2026-03-09T10:00:00-04:00',
      ],
    );
  });

  it('DST rule, spring-forward: a skipped local time runs once, shifted forward by the gap', () => {
    const s = compileSchedule('R/2026-03-07T02:30:00/P1D', NY, 0);
    assert.deepEqual(
      occurrences(s, Date.UTC(2026, 2, 7), 3).map((t) => local(t)),
      ['2026-03-07T02:30:00-05:00', '2026-03-08T03:30:00-04:00', '2026-03-09T02:30:00-04:00'],
    );
  });

  it('DST rule, fall-back: a repeated local time runs once, at its first (daylight) instance', () => {
    const s = compileSchedule('R/2026-10-31T01:30:00/P1D', NY, 0);
    const all = occurrences(s, Date.UTC(2026, 9, 31), 3);
    assert.deepEqual(
      all.map((t) => local(t)),
      ['2026-10-31T01:30:00-04:00', '2026-11-01T01:30:00-04:00', '2026-11-02T01:30:00-05:00'],
    );
    // Hourly through the fall-back night: every instant once, 01:xx twice (both offsets).
    const hourly = compileSchedule('R/2026-11-01T00:00:00/PT1H', NY, 0);
    assert.deepEqual(
      occurrences(hourly, 0, 4).map((t) => local(t)),
      [
        '2026-11-01T00:00:00-04:00',
        '2026-11-01T01:00:00-04:00',
        '2026-11-01T01:00:00-05:00',
        '2026-11-01T02:00:00-05:00',
      ],
    );
  });

  it('scheduleTimeZone takes precedence over an offset written in the start', () => {
    const s = compileSchedule('R1/2026-01-10T18:32:00Z/PT1H', 'America/Los_Angeles', 0);
    assert.equal(local(firstAtOrAfter(s, 0)!.at, 'America/Los_Angeles'), '2026-01-10T18:32:00-08:00');
  });

  it('P1M counts from the start, so months do not drift', () => {
    const s = compileSchedule('R/2026-01-31T00:00:00Z/P1M', undefined, 0);
    assert.deepEqual(
      occurrences(s, 0, 3).map((t) => new Date(t).toISOString().slice(0, 10)),
      ['2026-01-31', '2026-02-28', '2026-03-31'],
    );
  });

  it('finds the next occurrence far from the start quickly', () => {
    const s = compileSchedule('R/2000-01-31T00:00:00Z/P1M', undefined, 0);
    const o = s.firstAfter(Date.UTC(2026, 5, 15));
    assert.equal(new Date(o!.at).toISOString(), '2026-06-30T00:00:00.000Z');
  });
});

describe('cron schedules', () => {
  it('5 and 6 fields and nicknames, in the zone', () => {
    const five = compileSchedule('0 9 * * *', NY, 0);
    assert.equal(local(five.firstAfter(Date.UTC(2026, 0, 1))!.at), '2026-01-01T09:00:00-05:00');
    const six = compileSchedule('*/5 * * * * *', undefined, 0);
    assert.equal(six.firstAfter(Date.UTC(2026, 0, 1, 0, 0, 1))!.at, Date.UTC(2026, 0, 1, 0, 0, 5));
    const hourly = compileSchedule('@hourly', undefined, 0);
    assert.equal(hourly.firstAfter(Date.UTC(2026, 0, 1, 0, 10))!.at, Date.UTC(2026, 0, 1, 1));
  });

  it('never fires before its anchor', () => {
    const anchor = Date.UTC(2026, 0, 1, 12);
    const s = compileSchedule('@hourly', undefined, anchor);
    assert.equal(firstAtOrAfter(s, 0)!.at, anchor);
  });

  it('DST rule, spring-forward: 02:30 daily runs once, at 03:30', () => {
    const s = compileSchedule('30 2 * * *', NY, 0);
    assert.deepEqual(
      occurrences(s, Date.UTC(2026, 2, 7), 3).map((t) => local(t)),
      ['2026-03-07T02:30:00-05:00', '2026-03-08T03:30:00-04:00', '2026-03-09T02:30:00-04:00'],
    );
  });

  it('DST rule, fall-back: 01:30 daily runs once, at its first instance', () => {
    const s = compileSchedule('30 1 * * *', NY, 0);
    assert.deepEqual(
      occurrences(s, Date.UTC(2026, 9, 31), 3).map((t) => local(t)),
      ['2026-10-31T01:30:00-04:00', '2026-11-01T01:30:00-04:00', '2026-11-02T01:30:00-05:00'],
    );
  });
});

describe('scheduleError', () => {
  it('accepts good schedules and names the problem in bad ones', () => {
    assert.equal(scheduleError('R/2026-01-01T00:00:00Z/PT2M', undefined), undefined);
    assert.equal(scheduleError('R//PT2M', 'Europe/Berlin'), undefined);
    assert.equal(scheduleError('*/5 * * * *', undefined), undefined);
    assert.match(scheduleError('R/2026-01-01/2M', undefined)!, /bad period/);
    assert.match(scheduleError('R/notadate/PT2M', undefined)!, /bad start/);
    assert.match(scheduleError('R//PT0S', undefined)!, /at least one second/);
    assert.match(scheduleError('* * * *', undefined)!, /expected/);
    assert.match(scheduleError('* * * * * * *', undefined)!, /5 or 6 fields/);
    assert.match(scheduleError('@sometimes', undefined)!, /nickname/);
    assert.match(scheduleError('R//PT1M', 'Mars/Olympus')!, /scheduleTimeZone/);
    assert.equal(scheduleTimeZoneError(undefined), undefined);
    assert.equal(scheduleTimeZoneError('America/New_York'), undefined);
    assert.equal(scheduleTimeZoneError('Mars/Olympus'), "Unknown scheduleTimeZone 'Mars/Olympus'");
  });
});
