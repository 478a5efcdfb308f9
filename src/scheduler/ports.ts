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

/**
 * One agent's ports. The index (merged ranges, set of used ports) is built on first use: most
 * agents are never looked at in a call that places a few tasks on a large cluster.
 */
export class PortPool {
  private index: PortIndex | undefined;

  constructor(
    private readonly offered: ReadonlyArray<readonly [number, number]>,
    private readonly usedPorts: Iterable<number>,
  ) {}

  private get ix(): PortIndex {
    if (!this.index) this.index = buildIndex(this.offered, this.usedPorts);
    return this.index;
  }

  get freeCount(): number {
    return this.ix.free;
  }

  contains(port: number): boolean {
    return inRanges(this.ix.ranges, port);
  }

  fits(d: PortDemand): boolean {
    const needed = d.fixed.length + d.anyCount;
    if (needed === 0) return true;
    const ix = this.ix;
    if (!d.satisfiable || ix.free < needed) return false;
    for (const p of d.fixed) {
      if (ix.used.has(p) || !inRanges(ix.ranges, p)) return false;
    }
    return true;
  }

  /** Reserves the demand's ports and returns the host ports in request order. Call only if fits(). */
  take(d: PortDemand, random: Rng): number[] {
    const ix = this.ix;
    for (const p of d.fixed) reserve(ix, p);
    const out = d.wanted.slice();
    for (let i = 0; i < out.length; i++) {
      if (out[i] !== 0) continue;
      const p = pickFree(ix, random);
      reserve(ix, p);
      out[i] = p;
    }
    return out;
  }
}

interface PortIndex {
  readonly ranges: Array<[number, number]>;
  readonly used: Set<number>;
  /** Ports in the ranges. */
  readonly size: number;
  /** Ports in the ranges not in use. */
  free: number;
}

function buildIndex(
  offered: ReadonlyArray<readonly [number, number]>,
  usedPorts: Iterable<number>,
): PortIndex {
  const ranges = normaliseRanges(offered);
  const size = ranges.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
  const index: PortIndex = { ranges, used: new Set(), size, free: size };
  for (const p of usedPorts) {
    if (index.used.has(p)) continue;
    index.used.add(p);
    if (inRanges(ranges, p)) index.free--;
  }
  return index;
}

function inRanges(ranges: ReadonlyArray<readonly [number, number]>, port: number): boolean {
  for (const [lo, hi] of ranges) {
    if (port < lo) return false;
    if (port <= hi) return true;
  }
  return false;
}

function reserve(ix: PortIndex, port: number): void {
  ix.used.add(port);
  ix.free--;
}

function pickFree(ix: PortIndex, random: Rng): number {
  for (let i = 0; i < RANDOM_PROBES; i++) {
    const p = portAt(ix, Math.min(ix.size - 1, Math.floor(random() * ix.size)));
    if (!ix.used.has(p)) return p;
  }
  // Crowded ranges: pick uniformly among the free ports instead of probing forever.
  let k = Math.min(ix.free - 1, Math.floor(random() * ix.free));
  for (const [lo, hi] of ix.ranges) {
    for (let p = lo; p <= hi; p++) {
      if (ix.used.has(p)) continue;
      if (k === 0) return p;
      k--;
    }
  }
  throw new Error('pickFree called with no free port');
}

function portAt(ix: PortIndex, index: number): number {
  let i = index;
  for (const [lo, hi] of ix.ranges) {
    const n = hi - lo + 1;
    if (i < n) return lo + i;
    i -= n;
  }
  throw new Error(`port index ${index} outside ranges`);
}
