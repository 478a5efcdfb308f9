/**
 * Polling for e2e tests: wait for what the test needs, never for a fixed time. The timeout only
 * turns a hang into a readable failure (with the last value or error seen); it is not a timing
 * assertion.
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  /** What is awaited, for the failure message. */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Calls `condition` until it returns something other than `undefined`/`false` and returns that.
 * A throwing condition counts as "not yet" (a task that does not answer yet throws ECONNREFUSED).
 */
export async function waitFor<T>(
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  { what, timeoutMs = 30_000, intervalMs = 50 }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await condition();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${seen}`);
    }
    await delay(intervalMs);
  }
}
