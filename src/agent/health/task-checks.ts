/**
 * Runs one task's health and readiness checks next to it, on the agent (Marathon ran HTTP/TCP
 * checks from the master, which under load killed healthy tasks it could not reach in time). The
 * decisions are pure (probe-target, health-verdict, health-record, readiness-record,
 * probe-schedule); this file owns the timers, which come from the injected clock so a simulation
 * drives them, and the probes, which go through the injected Prober.
 *
 *   TASK_RUNNING ─► start() ─► per check: wait first delay ─► probe ─► record ─► changed? onChange
 *                                          ▲                                 └─ kill? onUnhealthy
 *                                          └──────── interval ◄──────────────┘
 *   kill / exit / detach ─► stop(): no probe result is used after this
 *
 * Readiness checks stop once they pass (Marathon checks readiness until the task is ready).
 */
import type { TaskSpec } from '../../domain/agent-protocol.js';
import type { HealthCheckResult, ReadinessCheckResult } from '../../domain/task.js';
import type { CancelTimer, Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { RunningTask } from '../executors/executor.js';
import { emptyResult, recordOutcome, taskHealthy } from './health-record.js';
import { healthVerdict } from './health-verdict.js';
import { firstHealthProbeMs, firstReadinessProbeMs, nextProbeMs, probeTimeoutMs } from './probe-schedule.js';
import { healthCheckTarget, type Resolved, readinessCheckTarget } from './probe-target.js';
import { type ProbeAnswer, type Prober, timeoutCause } from './prober.js';
import { allReady, readinessChanged, readinessResult } from './readiness-record.js';

/** What the master should know about a task's checks; fields absent while nothing is known. */
export interface CheckReport {
  healthy?: boolean;
  healthCheckResults?: HealthCheckResult[];
  ready?: boolean;
  readinessCheckResults?: ReadinessCheckResult[];
}

export interface TaskChecksOptions {
  spec: TaskSpec;
  /** The address the task's host ports are reached on. */
  host: string;
  sandbox: string;
  /** The task's env as launched (with MESOS_SANDBOX), for COMMAND checks. */
  env: Record<string, string>;
  running: RunningTask;
  clock: Clock;
  prober: Prober;
  logger: Logger;
  /** Something the master should hear about changed; `report` is the whole current picture. */
  onChange(report: CheckReport): void;
  /**
   * A health check failed maxConsecutiveFailures times in a row: the task must be killed. The
   * checks have stopped; `report()` holds the failing result.
   */
  onUnhealthy(cause: string, failures: number): void;
}

export class TaskChecks {
  private stopped = false;
  private started = false;
  private readonly runningSince: number;
  private readonly health: HealthCheckResult[];
  /** Health results travel only once one was counted (nothing to say during a failing grace). */
  private healthKnown = false;
  private readonly readiness: Array<ReadinessCheckResult | undefined>;
  private readonly timers = new Set<CancelTimer>();

  constructor(private readonly opts: TaskChecksOptions) {
    this.runningSince = opts.clock.now();
    this.health = opts.spec.healthChecks.map(() => emptyResult(opts.spec.taskId));
    this.readiness = opts.spec.readinessChecks.map(() => undefined);
  }

  get hasChecks(): boolean {
    return this.health.length > 0 || this.readiness.length > 0;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.opts.spec.healthChecks.forEach((check, i) => {
      this.later(firstHealthProbeMs(check), () => this.runHealth(i));
    });
    this.opts.spec.readinessChecks.forEach((check, i) => {
      this.later(firstReadinessProbeMs(check), () => this.runReadiness(i));
    });
  }

  /** No probe starts and no result is used after this. */
  stop(): void {
    this.stopped = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }

  report(): CheckReport {
    const r: CheckReport = {};
    if (this.healthKnown) {
      const healthy = taskHealthy(this.health);
      if (healthy !== undefined) r.healthy = healthy;
      r.healthCheckResults = this.health.map((h) => ({ ...h }));
    }
    const answered = this.readiness.filter((x): x is ReadinessCheckResult => x !== undefined);
    if (answered.length > 0) {
      const ready = allReady(this.readiness);
      if (ready !== undefined) r.ready = ready;
      r.readinessCheckResults = answered.map((x) => ({ ...x }));
    }
    return r;
  }

  private async runHealth(i: number): Promise<void> {
    const check = this.opts.spec.healthChecks[i]!;
    const startedAt = this.opts.clock.now();
    const target = healthCheckTarget(check, this.opts.spec, this.opts.host);
    const answer = await this.probe(target, probeTimeoutMs(check.timeoutSeconds), false);
    if (this.stopped) return;
    const now = this.opts.clock.now();
    const rec = recordOutcome(this.health[i]!, healthVerdict(check, answer), {
      now,
      runningSince: this.runningSince,
      gracePeriodSeconds: check.gracePeriodSeconds,
      maxConsecutiveFailures: check.maxConsecutiveFailures,
    });
    this.health[i] = rec.result;
    if (rec.changed) this.healthKnown = true;
    if (rec.kill) {
      this.stop();
      const cause = rec.result.lastFailureCause ?? 'unknown';
      this.opts.logger.info(
        { taskId: this.opts.spec.taskId, failures: rec.result.consecutiveFailures, cause },
        'task unhealthy: killing it',
      );
      this.opts.onUnhealthy(cause, rec.result.consecutiveFailures);
      return;
    }
    if (rec.changed) this.opts.onChange(this.report());
    this.later(nextProbeMs(check.intervalSeconds, startedAt, now), () => this.runHealth(i));
  }

  private async runReadiness(i: number): Promise<void> {
    const check = this.opts.spec.readinessChecks[i]!;
    const startedAt = this.opts.clock.now();
    const target = readinessCheckTarget(check, this.opts.spec, this.opts.host);
    const answer = await this.probe(target, probeTimeoutMs(check.timeoutSeconds), check.preserveLastResponse);
    if (this.stopped) return;
    const result = readinessResult(check, this.opts.spec.taskId, answer);
    const changed = readinessChanged(this.readiness[i], result);
    this.readiness[i] = result;
    if (changed) this.opts.onChange(this.report());
    if (result.ready) return;
    const now = this.opts.clock.now();
    this.later(nextProbeMs(check.intervalSeconds, startedAt, now), () => this.runReadiness(i));
  }

  /**
   * The prober enforces the timeout itself (and frees its socket or process); the clock guard
   * makes sure even a prober that never answers cannot stall a check, in real or simulated time.
   */
  private async probe(target: Resolved, timeoutMs: number, wantBody: boolean): Promise<ProbeAnswer> {
    if ('error' in target) return { kind: 'error', cause: target.error };
    let cancel: CancelTimer | undefined;
    const guard = new Promise<ProbeAnswer>((resolve) => {
      cancel = this.opts.clock.setTimer(timeoutMs, () =>
        resolve({ kind: 'error', cause: timeoutCause(timeoutMs) }),
      );
    });
    const { spec, sandbox, env, running } = this.opts;
    const probing = this.opts.prober
      .probe(target, { taskId: spec.taskId, timeoutMs, wantBody, sandbox, env, running })
      .catch((err: unknown): ProbeAnswer => ({ kind: 'error', cause: (err as Error).message }));
    try {
      return await Promise.race([probing, guard]);
    } finally {
      cancel?.();
    }
  }

  private later(ms: number, fn: () => Promise<void>): void {
    if (this.stopped) return;
    const cancel = this.opts.clock.setTimer(ms, () => {
      this.timers.delete(cancel);
      fn().catch((err: unknown) =>
        this.opts.logger.error({ taskId: this.opts.spec.taskId, err }, 'health check crashed'),
      );
    });
    this.timers.add(cancel);
  }
}
