/**
 * Run statistics from stored history. Run time is an attempt's start to its end (never from the
 * due time); queue delay, the due time to the first attempt's start, is kept apart so a busy
 * cluster does not look like a slow job. Percentiles are exact over the stored values, with
 * Dropwizard's definition (what Chronos's histograms reported): position q × (n + 1), linearly
 * interpolated. No data gives zeros, as Chronos does for a job that never ran.
 */

export interface Summary {
  count: number;
  mean: number;
  median: number;
  p75: number;
  p95: number;
  p98: number;
  p99: number;
  min: number;
  max: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const pos = q * (n + 1);
  if (pos < 1) return sorted[0]!;
  if (pos >= n) return sorted[n - 1]!;
  const lo = sorted[Math.floor(pos) - 1]!;
  const hi = sorted[Math.floor(pos)]!;
  return lo + (pos - Math.floor(pos)) * (hi - lo);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: n,
    mean: n === 0 ? 0 : sum / n,
    median: quantile(sorted, 0.5),
    p75: quantile(sorted, 0.75),
    p95: quantile(sorted, 0.95),
    p98: quantile(sorted, 0.98),
    p99: quantile(sorted, 0.99),
    min: n === 0 ? 0 : sorted[0]!,
    max: n === 0 ? 0 : sorted[n - 1]!,
  };
}

export interface TimedAttempt {
  startedAt?: number;
  endedAt?: number;
}

export interface TimedRun {
  dueAt: number;
  attempts: readonly TimedAttempt[];
}

/** Run times (each finished attempt) and queue delays (each run that started), in ms. */
export function runTimings(runs: readonly TimedRun[]): { runTimes: number[]; queueDelays: number[] } {
  const runTimes: number[] = [];
  const queueDelays: number[] = [];
  for (const r of runs) {
    const first = r.attempts[0];
    if (first?.startedAt !== undefined) queueDelays.push(Math.max(0, first.startedAt - r.dueAt));
    for (const a of r.attempts)
      if (a.startedAt !== undefined && a.endedAt !== undefined)
        runTimes.push(Math.max(0, a.endedAt - a.startedAt));
  }
  return { runTimes, queueDelays };
}
