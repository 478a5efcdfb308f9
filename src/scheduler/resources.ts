/**
 * Scalar resources (cpus, mem, disk) in integer milli-units: sums of 0.1 cpus never drift, and
 * rounding always errs towards "does not fit", so no sequence of placements over-commits an agent.
 */
const SCALE = 1000;
/** Absorbs float noise such as 0.1 * 1000 = 100.00000000000001 before rounding. */
const NOISE = 1e-6;

/** A demand (request or already-used amount): rounded up. NaN stays NaN and then never fits. */
export function demandMilli(x: number): number {
  return Math.max(0, Math.ceil(x * SCALE - NOISE));
}

/** An agent's total: rounded down. */
export function capacityMilli(x: number): number {
  return Math.floor(x * SCALE + NOISE);
}

/** Share of a total in use; an agent with none of a resource counts as full once anything uses it. */
export function utilisation(used: number, total: number): number {
  if (total > 0) return used / total;
  return used > 0 ? 1 : 0;
}
