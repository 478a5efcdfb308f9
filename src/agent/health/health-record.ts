/**
 * How a health outcome changes one check's record (Marathon's `Health`, the
 * `healthCheckResults[]` entry), whether the master needs to hear about it, and whether the task
 * must now be killed. Pure: time comes in as `now`.
 *
 * - Failures are not recorded while the task is in its grace period and has never been healthy
 *   (Marathon's `ignoreFailures`); after the first success the grace period no longer matters.
 * - The task is killed on the `maxConsecutiveFailures`-th failure in a row ("number of consecutive
 *   failures after which the task should be killed"; Mesos counts the same way). Marathon's own
 *   actor tests the count before adding the current failure and so kills one probe later; the
 *   issue asks for a kill after interval x maxConsecutiveFailures, which this gives. 0 never kills.
 * - A change worth a status update: a failure (the count moves, and the master announces each
 *   failed_health_check_event), the verdict flipping, the first success. Another success in a row
 *   only moves `lastSuccess` and is not sent, so a steady healthy task costs no traffic; the
 *   master's `lastSuccess` is therefore the start of the current healthy streak.
 */
import type { HealthCheckResult } from '../../domain/task.js';
import type { HealthOutcome } from './health-verdict.js';

export interface Recorded {
  result: HealthCheckResult;
  /** The master should hear about it. */
  changed: boolean;
  /** maxConsecutiveFailures reached: kill the task. */
  kill: boolean;
}

/** A check that has not produced a counted result yet (Marathon's `Health(instanceId)`). */
export function emptyResult(taskId: string): HealthCheckResult {
  return {
    alive: false,
    consecutiveFailures: 0,
    firstSuccess: null,
    lastFailure: null,
    lastSuccess: null,
    lastFailureCause: null,
    instanceId: taskId,
  };
}

export interface RecordContext {
  now: number;
  /** Epoch ms the task was seen running; the grace period counts from here. */
  runningSince: number;
  gracePeriodSeconds: number;
  maxConsecutiveFailures: number;
}

export function recordOutcome(prev: HealthCheckResult, outcome: HealthOutcome, ctx: RecordContext): Recorded {
  const at = new Date(ctx.now).toISOString();
  if (outcome.kind === 'ignored') return { result: prev, changed: false, kill: false };
  if (outcome.kind === 'healthy') {
    const result: HealthCheckResult = {
      ...prev,
      alive: true,
      consecutiveFailures: 0,
      firstSuccess: prev.firstSuccess ?? at,
      lastSuccess: at,
    };
    const changed = !prev.alive || prev.consecutiveFailures !== 0 || prev.firstSuccess === null;
    return { result, changed, kill: false };
  }
  if (inGrace(prev, ctx)) return { result: prev, changed: false, kill: false };
  const result: HealthCheckResult = {
    ...prev,
    alive: false,
    consecutiveFailures: prev.consecutiveFailures + 1,
    lastFailure: at,
    lastFailureCause: outcome.cause,
  };
  const max = ctx.maxConsecutiveFailures;
  return { result, changed: true, kill: max > 0 && result.consecutiveFailures >= max };
}

/** Never healthy yet and still within the grace period: failures do not count. */
export function inGrace(prev: HealthCheckResult, ctx: RecordContext): boolean {
  return prev.firstSuccess === null && ctx.now < ctx.runningSince + ctx.gracePeriodSeconds * 1000;
}

/**
 * The task's verdict over all its checks: unhealthy as soon as one check has a counted failure it
 * has not recovered from, healthy when every check is alive, unknown otherwise (nothing counted
 * yet, e.g. still failing inside the grace period).
 */
export function taskHealthy(results: readonly HealthCheckResult[]): boolean | undefined {
  if (results.some((r) => !r.alive && r.lastFailure !== null)) return false;
  if (results.length > 0 && results.every((r) => r.alive)) return true;
  return undefined;
}
