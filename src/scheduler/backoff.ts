/**
 * Marathon's launch backoff (docs/backoff.md): a failed or finished task delays the app's next
 * launch; each further failure multiplies the delay by backoffFactor up to maxLaunchDelaySeconds.
 * A kill never counts. The delay resets on a new config version, on `DELETE /v2/queue/{id}/delay`,
 * and once the app has gone `delay + maxLaunchDelay` without a failure.
 */

export interface BackoffPolicy {
  backoffSeconds: number;
  backoffFactor: number;
  maxLaunchDelaySeconds: number;
}

export interface LaunchDelay {
  /** The delay that was applied at the last failure. */
  delayMs: number;
  /** No launch before this epoch ms. */
  until: number;
  lastFailureAt: number;
}

export function delayAfterFailure(
  prev: LaunchDelay | undefined,
  policy: BackoffPolicy,
  now: number,
): LaunchDelay {
  const current = prev && !hasExpired(prev, policy, now) ? prev : undefined;
  const maxMs = policy.maxLaunchDelaySeconds * 1000;
  const delayMs = current
    ? Math.min(maxMs, current.delayMs * policy.backoffFactor)
    : Math.min(maxMs, policy.backoffSeconds * 1000);
  return { delayMs, until: now + delayMs, lastFailureAt: now };
}

/** The delay still in force at `now`, or undefined when launches may go ahead. */
export function activeDelay(d: LaunchDelay | undefined, now: number): LaunchDelay | undefined {
  return d && d.until > now ? d : undefined;
}

/** True once the app has been quiet long enough that the next failure starts from backoffSeconds. */
export function hasExpired(d: LaunchDelay, policy: BackoffPolicy, now: number): boolean {
  return now - d.lastFailureAt >= d.delayMs + policy.maxLaunchDelaySeconds * 1000;
}
