/**
 * When probes run. Pure: the shell (task-checks.ts) owns the timers.
 *
 * - First health probe: after min(delaySeconds, intervalSeconds) of TASK_RUNNING. Marathon's
 *   app-wide ticker reaches a new task within one interval; Mesos waits delaySeconds (default 15);
 *   taking the earlier never probes a task later than either would.
 * - First readiness probe: one interval after TASK_RUNNING, as Marathon's readiness executor.
 * - Later probes: every interval, counted from the start of the previous probe, so a slow answer
 *   does not stretch the period; probes of one check never overlap (a probe still running when
 *   the next is due delays it, and the next starts as soon as it ends).
 * - Floors: intervals and timeouts count as at least 1 s (MIN_PROBE_SECONDS). Marathon's schema
 *   accepts 0 for both (and so does ours, for its clients), but on the agent an interval of 0
 *   probes back to back (a fork storm with COMMAND checks) and a timeout of 0 fails every probe.
 */
import type { HealthCheck, ReadinessCheck } from '../../domain/app.js';

/** The shortest interval and timeout a probe gets, whatever the check says. */
export const MIN_PROBE_SECONDS = 1;

/** A check's `intervalSeconds` as used: in ms, at least MIN_PROBE_SECONDS. */
export function probeIntervalMs(intervalSeconds: number): number {
  return atLeastMinimum(intervalSeconds) * 1000;
}

/** A check's `timeoutSeconds` as used: in ms, at least MIN_PROBE_SECONDS. */
export function probeTimeoutMs(timeoutSeconds: number): number {
  return atLeastMinimum(timeoutSeconds) * 1000;
}

export function firstHealthProbeMs(check: Pick<HealthCheck, 'intervalSeconds' | 'delaySeconds'>): number {
  const intervalMs = probeIntervalMs(check.intervalSeconds);
  // delaySeconds 0 is meaningful (probe as soon as the task runs): not floored.
  const delayMs = check.delaySeconds !== undefined ? Math.max(0, check.delaySeconds) * 1000 : intervalMs;
  return Math.min(delayMs, intervalMs);
}

export function firstReadinessProbeMs(check: Pick<ReadinessCheck, 'intervalSeconds'>): number {
  return probeIntervalMs(check.intervalSeconds);
}

export function nextProbeMs(intervalSeconds: number, startedAt: number, now: number): number {
  return Math.max(0, startedAt + probeIntervalMs(intervalSeconds) - now);
}

function atLeastMinimum(seconds: number): number {
  return Math.max(seconds, MIN_PROBE_SECONDS);
}
