/** Summaries for alternating A/B runs: medians, spread, and the median of the per-pair ratios. */

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export interface Comparison {
  runs: number;
  droverMs: number[];
  peerMs: number[];
  droverMedianMs: number;
  peerMedianMs: number;
  /** Each pair's drover/peer ratio (runs alternate A B A B, so pair i ran back to back). */
  ratios: number[];
  medianRatio: number;
  ratioMin: number;
  ratioMax: number;
  /** median(drover) / median(peer), a check on the pairwise median. */
  ratioOfMedians: number;
}

export function compare(droverMs: number[], peerMs: number[]): Comparison {
  const ratios = droverMs.map((d, i) => d / peerMs[i]!);
  return {
    runs: droverMs.length,
    droverMs: droverMs.map((x) => round(x, 1)),
    peerMs: peerMs.map((x) => round(x, 1)),
    droverMedianMs: round(median(droverMs), 1),
    peerMedianMs: round(median(peerMs), 1),
    ratios: ratios.map((r) => round(r, 3)),
    medianRatio: round(median(ratios), 3),
    ratioMin: round(Math.min(...ratios), 3),
    ratioMax: round(Math.max(...ratios), 3),
    ratioOfMedians: round(median(droverMs) / median(peerMs), 3),
  };
}
