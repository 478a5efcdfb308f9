/**
 * Host ports of one agent: which are free, and picking random ones. Port 0 in a request means "any
 * free port from the agent's ranges" (chosen with the injected rng, as Marathon picks random host
 * ports); a non-zero port means exactly that host port.
 */
import type { Rng } from './placement-types.js';

const MIN_PORT = 1;
const MAX_PORT = 65535;
/** Random probes before falling back to a scan of the free ports (only when ranges are crowded). */
const RANDOM_PROBES = 16;

/** A request's ports, split once per request. */
export interface PortDemand {
  /** As requested, in order: 0 = any. */
  readonly wanted: readonly number[];
  /** The exact host ports named. */
  readonly fixed: readonly number[];
  readonly anyCount: number;
  /** False when a port is named twice or is not a valid port number: no agent can serve it. */
  readonly satisfiable: boolean;
}

export function portDemand(wanted: readonly number[]): PortDemand {
  const fixed: number[] = [];
  let anyCount = 0;
  let satisfiable = true;
  for (const p of wanted) {
    if (p === 0) anyCount++;
    else if (!Number.isInteger(p) || p < MIN_PORT || p > MAX_PORT || fixed.includes(p)) satisfiable = false;
    else fixed.push(p);
  }
  return { wanted, fixed, anyCount, satisfiable };
}

/** Inclusive ranges, sorted, clamped to valid ports and merged where they overlap or touch. */
export function normaliseRanges(ranges: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const clean = ranges
    .map(([lo, hi]): [number, number] => [
      Math.max(MIN_PORT, Math.ceil(lo)),
      Math.min(MAX_PORT, Math.floor(hi)),
    ])
    .filter(([lo, hi]) => lo <= hi)
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of clean) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

export class PortPool {
  private readonly ranges: Array<[number, number]>;
  private readonly used = new Set<number>();
  /** Ports in the ranges. */
  private readonly size: number;
  /** Ports in the ranges not in use. */
  private free: number;

  constructor(ranges: ReadonlyArray<readonly [number, number]>, usedPorts: readonly number[]) {
    this.ranges = normaliseRanges(ranges);
    this.size = this.ranges.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
    this.free = this.size;
    for (const p of usedPorts) {
      if (this.used.has(p)) continue;
      this.used.add(p);
      if (this.contains(p)) this.free--;
    }
  }

  get freeCount(): number {
    return this.free;
  }

  contains(port: number): boolean {
    for (const [lo, hi] of this.ranges) {
      if (port < lo) return false;
      if (port <= hi) return true;
    }
    return false;
  }

  fits(d: PortDemand): boolean {
    const needed = d.fixed.length + d.anyCount;
    if (needed === 0) return true;
    if (!d.satisfiable || this.free < needed) return false;
    for (const p of d.fixed) {
      if (this.used.has(p) || !this.contains(p)) return false;
    }
    return true;
  }

  /** Reserves the demand's ports and returns the host ports in request order. Call only if fits(). */
  take(d: PortDemand, random: Rng): number[] {
    for (const p of d.fixed) this.reserve(p);
    const out = d.wanted.slice();
    for (let i = 0; i < out.length; i++) {
      if (out[i] !== 0) continue;
      const p = this.pickFree(random);
      this.reserve(p);
      out[i] = p;
    }
    return out;
  }

  private reserve(port: number): void {
    this.used.add(port);
    this.free--;
  }

  private pickFree(random: Rng): number {
    for (let i = 0; i < RANDOM_PROBES; i++) {
      const p = this.portAt(Math.min(this.size - 1, Math.floor(random() * this.size)));
      if (!this.used.has(p)) return p;
    }
    // Crowded ranges: pick uniformly among the free ports instead of probing forever.
    let k = Math.min(this.free - 1, Math.floor(random() * this.free));
    for (const [lo, hi] of this.ranges) {
      for (let p = lo; p <= hi; p++) {
        if (this.used.has(p)) continue;
        if (k === 0) return p;
        k--;
      }
    }
    throw new Error('PortPool.pickFree called with no free port');
  }

  private portAt(index: number): number {
    let i = index;
    for (const [lo, hi] of this.ranges) {
      const n = hi - lo + 1;
      if (i < n) return lo + i;
      i -= n;
    }
    throw new Error(`port index ${index} outside ranges`);
  }
}
