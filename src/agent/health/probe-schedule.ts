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
 */
import type { HealthCheck, ReadinessCheck } from '../../domain/app.js';

export function firstHealthProbeMs(check: Pick<HealthCheck, 'intervalSeconds' | 'delaySeconds'>): number {
  const delay = check.delaySeconds ?? check.intervalSeconds;
  return Math.max(0, Math.min(delay, check.intervalSeconds)) * 1000;
}

export function firstReadinessProbeMs(check: Pick<ReadinessCheck, 'intervalSeconds'>): number {
  return Math.max(0, check.intervalSeconds) * 1000;
}

export function nextProbeMs(intervalSeconds: number, startedAt: number, now: number): number {
  return Math.max(0, startedAt + intervalSeconds * 1000 - now);
}
