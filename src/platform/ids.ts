import { randomUUID } from 'node:crypto';

/** Ids and randomness are injected so tests and simulations are reproducible. */
export interface Ids {
  uuid(): string;
}

export interface Random {
  /** Uniform float in [0, 1). */
  next(): number;
}

export const systemIds: Ids = { uuid: () => randomUUID() };

export const systemRandom: Random = { next: () => Math.random() };

/** Deterministic ids for tests: `prefix-1`, `prefix-2`, ... shaped like UUIDs where it matters. */
export function sequentialIds(): Ids {
  let n = 0;
  return {
    uuid() {
      n += 1;
      return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    },
  };
}

/** mulberry32: a small seeded PRNG for simulations and benchmarks. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}
