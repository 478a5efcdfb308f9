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
 * maxCompletionTime is in seconds, Chronos's unit (its MesosTaskBuilder multiplies by 10^9 for
 * Mesos's nanoseconds): an attempt running longer is killed and counts as failed. 0 or undefined =
 * no limit. Returns the epoch ms after which the attempt is overdue, or undefined.
 */
export function overdueAfter(
  attemptStartedAt: number,
  maxCompletionSeconds: number | undefined,
): number | undefined {
  if (maxCompletionSeconds === undefined || !(maxCompletionSeconds > 0)) return undefined;
  return attemptStartedAt + maxCompletionSeconds * 1000;
}

export function isOverdue(
  attemptStartedAt: number,
  maxCompletionSeconds: number | undefined,
  now: number,
): boolean {
  const after = overdueAfter(attemptStartedAt, maxCompletionSeconds);
  return after !== undefined && now > after;
}
