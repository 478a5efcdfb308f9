// The run-time chart's axes. uPlot fits the x scale to the data, so one point (or all points at
// one time) gives it a zero-width range that it widens by years; a span is chosen here instead.

const HOUR_S = 3600;

/** X range in seconds: an hour either side of a lone point, else the points plus 5% each side. */
export function timeRange(xs: readonly number[]): [number, number] | undefined {
  if (xs.length === 0) return undefined;
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const span = hi - lo;
  if (span === 0) return [lo - HOUR_S, hi + HOUR_S];
  const pad = Math.max(span * 0.05, 1);
  return [lo - pad, hi + pad];
}

/** The run-time axis' unit: milliseconds while every run is under 2 s, else seconds. */
export function valueUnit(msValues: readonly number[]): { label: 'ms' | 's'; perMs: number } {
  const max = msValues.length === 0 ? 0 : Math.max(...msValues);
  return max < 2000 ? { label: 'ms', perMs: 1 } : { label: 's', perMs: 1 / 1000 };
}

/** Y range in the axis' unit: from 0 to a little above the longest run. */
export function valueRange(ys: readonly number[]): [number, number] {
  const max = ys.length === 0 ? 0 : Math.max(...ys);
  return [0, max > 0 ? max * 1.15 : 1];
}
