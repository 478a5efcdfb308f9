/**
 * The Dropwizard instruments Marathon's `/metrics` JSON reports and Prometheus cannot give us:
 * meters (count plus 1/5/15-minute exponentially weighted rates) and timers (a meter plus a
 * percentile snapshot). Rates follow Dropwizard's algorithm (5 s ticks, EWMA alpha = 1 - e^(-5/60/m)),
 * ticked lazily on use, so no timer runs. Time comes from the injected `now`.
 */

const TICK_MS = 5_000;
/** Dropwizard's SlidingWindowReservoir default size for histograms is 1028 samples. */
const RESERVOIR_SIZE = 1028;

class Ewma {
  private rate = 0;
  private uncounted = 0;
  private initialized = false;
  private readonly alpha: number;

  constructor(minutes: number) {
    this.alpha = 1 - Math.exp(-TICK_MS / 1000 / 60 / minutes);
  }

  update(n: number): void {
    this.uncounted += n;
  }

  tick(): void {
    const instant = this.uncounted / (TICK_MS / 1000);
    this.uncounted = 0;
    if (this.initialized) this.rate += this.alpha * (instant - this.rate);
    else {
      this.rate = instant;
      this.initialized = true;
    }
  }

  /** Events per second. */
  perSecond(): number {
    return this.rate;
  }
}

export interface MeterJson {
  count: number;
  m15_rate: number;
  m1_rate: number;
  m5_rate: number;
  mean_rate: number;
  units: 'events/second';
}

export class Meter {
  private count = 0;
  private readonly m1 = new Ewma(1);
  private readonly m5 = new Ewma(5);
  private readonly m15 = new Ewma(15);
  private readonly start: number;
  private lastTick: number;

  constructor(private readonly now: () => number) {
    this.start = now();
    this.lastTick = this.start;
  }

  mark(n = 1): void {
    this.tickIfDue();
    this.count += n;
    this.m1.update(n);
    this.m5.update(n);
    this.m15.update(n);
  }

  json(): MeterJson {
    this.tickIfDue();
    const elapsedS = (this.now() - this.start) / 1000;
    return {
      count: this.count,
      m15_rate: this.m15.perSecond(),
      m1_rate: this.m1.perSecond(),
      m5_rate: this.m5.perSecond(),
      mean_rate: elapsedS > 0 ? this.count / elapsedS : 0,
      units: 'events/second',
    };
  }

  private tickIfDue(): void {
    const age = this.now() - this.lastTick;
    if (age < TICK_MS) return;
    const ticks = Math.floor(age / TICK_MS);
    this.lastTick += ticks * TICK_MS;
    // After a long idle spell every rate has decayed to ~0; cap the work like Dropwizard's loop.
    for (let i = 0; i < Math.min(ticks, 1000); i++) {
      this.m1.tick();
      this.m5.tick();
      this.m15.tick();
    }
  }
}

export interface SnapshotJson {
  count: number;
  max: number;
  mean: number;
  min: number;
  p50: number;
  p75: number;
  p95: number;
  p98: number;
  p99: number;
  p999: number;
  stddev: number;
}

/** A histogram over the most recent samples (Dropwizard's sliding window reservoir). */
export class Histogram {
  private count = 0;
  private readonly window: number[] = [];
  private next = 0;

  constructor(private readonly size = RESERVOIR_SIZE) {}

  update(v: number): void {
    this.count++;
    if (this.window.length < this.size) this.window.push(v);
    else this.window[this.next] = v;
    this.next = (this.next + 1) % this.size;
  }

  json(): SnapshotJson {
    const s = [...this.window].sort((a, b) => a - b);
    const n = s.length;
    const mean = n > 0 ? s.reduce((a, b) => a + b, 0) / n : 0;
    const variance = n > 1 ? s.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
    return {
      count: this.count,
      max: n > 0 ? (s[n - 1] as number) : 0,
      mean,
      min: n > 0 ? (s[0] as number) : 0,
      p50: quantile(s, 0.5),
      p75: quantile(s, 0.75),
      p95: quantile(s, 0.95),
      p98: quantile(s, 0.98),
      p99: quantile(s, 0.99),
      p999: quantile(s, 0.999),
      stddev: Math.sqrt(variance),
    };
  }
}

export type TimerJson = SnapshotJson &
  Omit<MeterJson, 'units'> & { duration_units: 'seconds'; rate_units: 'calls/second' };

export class Timer {
  private readonly meter: Meter;
  private readonly histogram = new Histogram();

  constructor(now: () => number) {
    this.meter = new Meter(now);
  }

  update(seconds: number): void {
    this.meter.mark();
    this.histogram.update(seconds);
  }

  json(): TimerJson {
    const { units: _units, ...rates } = this.meter.json();
    return { ...this.histogram.json(), ...rates, duration_units: 'seconds', rate_units: 'calls/second' };
  }
}

/** Dropwizard's Snapshot.getValue: linear interpolation between the closest ranks. */
function quantile(sorted: number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const pos = q * (n + 1);
  if (pos < 1) return sorted[0] as number;
  if (pos >= n) return sorted[n - 1] as number;
  const lower = sorted[Math.floor(pos) - 1] as number;
  const upper = sorted[Math.floor(pos)] as number;
  return lower + (pos - Math.floor(pos)) * (upper - lower);
}
