import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram, Meter, Timer } from './dropwizard-instruments.js';

describe('Meter', () => {
  it('reports the 5 s tick rate at once, then decays by the 1/5/15-minute weights', () => {
    let now = 0;
    const m = new Meter(() => now);
    m.mark(60);
    now = 5_000;
    const first = m.json();
    assert.equal(first.count, 60);
    assert.equal(first.m1_rate, 12, 'the first tick sets the rate to the instant rate (60 / 5 s)');
    assert.equal(first.m5_rate, 12);
    assert.equal(first.mean_rate, 12);
    now = 65_000; // 12 idle ticks later
    const later = m.json();
    assert.ok(Math.abs(later.m1_rate - 12 * Math.exp(-1)) < 1e-9, `m1 ${later.m1_rate}`);
    assert.ok(Math.abs(later.m5_rate - 12 * Math.exp(-1 / 5)) < 1e-9, `m5 ${later.m5_rate}`);
    assert.ok(Math.abs(later.m15_rate - 12 * Math.exp(-1 / 15)) < 1e-9, `m15 ${later.m15_rate}`);
    assert.equal(later.units, 'events/second');
  });
});

describe('Histogram', () => {
  it('gives Dropwizard percentiles over its window', () => {
    const h = new Histogram(1028);
    for (let i = 1; i <= 100; i++) h.update(i);
    const s = h.json();
    assert.equal(s.count, 100);
    assert.equal(s.min, 1);
    assert.equal(s.max, 100);
    assert.equal(s.mean, 50.5);
    assert.equal(s.p50, 50.5);
    assert.equal(s.p99, 99.99);
    assert.equal(s.p999, 100);
  });

  it('keeps only the most recent samples but counts all of them', () => {
    const h = new Histogram(3);
    for (const v of [100, 100, 1, 2, 3]) h.update(v);
    const s = h.json();
    assert.equal(s.count, 5);
    assert.equal(s.max, 3);
  });

  it('reports zeros when empty', () => {
    assert.deepEqual(new Histogram().json(), {
      count: 0,
      max: 0,
      mean: 0,
      min: 0,
      p50: 0,
      p75: 0,
      p95: 0,
      p98: 0,
      p99: 0,
      p999: 0,
      stddev: 0,
    });
  });
});

describe('Timer', () => {
  it('combines a duration snapshot with call rates', () => {
    const t = new Timer(() => 0);
    t.update(0.25);
    const j = t.json();
    assert.equal(j.count, 1);
    assert.equal(j.max, 0.25);
    assert.equal(j.duration_units, 'seconds');
    assert.equal(j.rate_units, 'calls/second');
    assert.equal('units' in j, false);
    for (const k of [
      'm1_rate',
      'm5_rate',
      'm15_rate',
      'mean_rate',
      'p50',
      'p75',
      'p95',
      'p98',
      'p99',
      'p999',
      'stddev',
      'mean',
      'min',
    ])
      assert.equal(typeof (j as unknown as Record<string, unknown>)[k], 'number', k);
  });
});
