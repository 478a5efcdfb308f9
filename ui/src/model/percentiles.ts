// Nearest-rank percentiles of run times, for the chart's p50/p95/p99 lines.
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function runTimePercentiles(values: readonly number[]): { p50?: number; p95?: number; p99?: number } {
  const s = [...values].sort((a, b) => a - b);
  const out: { p50?: number; p95?: number; p99?: number } = {};
  const p50 = percentile(s, 50);
  const p95 = percentile(s, 95);
  const p99 = percentile(s, 99);
  if (p50 !== undefined) out.p50 = p50;
  if (p95 !== undefined) out.p95 = p95;
  if (p99 !== undefined) out.p99 = p99;
  return out;
}
