/**
 * Every timer in Drover goes through here. Node's setTimeout takes at most 2^31 - 1 ms; a longer
 * delay (a health-check interval of 2,147,484 s, say) overflows and fires after 1 ms, which turned
 * one app definition into a probe loop. Delays are clamped into [0, MAX_TIMER_MS]; NaN or an
 * infinite delay means "as late as a timer can be", never "now". scripts/check-purity.mjs fails
 * the build when src/ calls setTimeout or setInterval anywhere else.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function cappedDelay(ms: number): number {
  if (Number.isNaN(ms) || ms === Number.POSITIVE_INFINITY) return MAX_TIMER_MS;
  return Math.min(MAX_TIMER_MS, Math.max(0, ms));
}

export function setCappedTimeout(fn: () => void, ms: number): NodeJS.Timeout {
  return setTimeout(fn, cappedDelay(ms));
}

/** An interval of at least 1 ms (0 would spin). */
export function setCappedInterval(fn: () => void, ms: number): NodeJS.Timeout {
  return setInterval(fn, Math.max(1, cappedDelay(ms)));
}
