/**
 * Retries after a failed attempt: `retries` more attempts (Chronos default 2, so 3 in all), each
 * after a delay that grows by `factor` per failure (Drover: default 60 s, factor 1 = constant).
 */

/** A delay never grows past a day, however large the factor. */
const MAX_DELAY_MS = 24 * 3600_000;

/** Whether attempt `attempt` (1-based) failing leaves another attempt. */
export function hasRetryLeft(attempt: number, retries: number): boolean {
  return attempt <= retries;
}

/** Delay before the attempt after failed attempt `attempt` (1-based). */
export function retryDelayMs(attempt: number, baseMs: number, factor: number): number {
  const d = baseMs * factor ** Math.max(0, attempt - 1);
  return Number.isFinite(d) ? Math.min(MAX_DELAY_MS, Math.max(0, d)) : MAX_DELAY_MS;
}

/**
 * maxCompletionTime (ms, Chronos's unit): an attempt running longer is killed and counts as
 * failed. 0 or undefined = no limit.
 */
export function isOverdue(
  attemptStartedAt: number,
  maxCompletionMs: number | undefined,
  now: number,
): boolean {
  return maxCompletionMs !== undefined && maxCompletionMs > 0 && now - attemptStartedAt > maxCompletionMs;
}
