/**
 * The job runtime: the job ticker loop on the injected clock plus the JobsApi. Every pass and
 * every write runs in the master's serial queue, so job runs and apps see one consistent view of
 * agents and tasks. The ticker sleeps until the next due time (or retry, or deadline), at most
 * `tickMs`, so a run record is created within milliseconds of its due time.
 *
 *   pass: fireDueRuns (records, nextDueAt) ─► killOverdueRuns ─► launchReadyRuns (placement, tasks)
 *   status updates for job tasks ─► run-updates.ts (attempt ends, retries, counters, children)
 */
import { Histogram, type Registry } from 'prom-client';
import type { AgentToMaster, LogStream } from '../../domain/agent-protocol.js';
import { DroverError } from '../../domain/errors.js';
import type { JobDefinition, JobRun, JobSpec } from '../../domain/job.js';
import type { TaskRecord, TaskState } from '../../domain/task.js';
import type { CancelTimer } from '../../platform/clock.js';
import type { MasterContext } from '../context.js';
import type { Serial } from '../serial.js';
import type { ViewRevision } from '../state-revision.js';
import { addTaskProgress, completeAsyncRun } from './async-runs.js';
import { fireDueRuns } from './fire-due.js';
import type { JobsContext } from './job-context.js';
import { deleteJob, killJobRuns, markSuccess, putJob, requireJob, startJob } from './job-writes.js';
import type { JobState, JobsApi } from './jobs-api.js';
import type { JobsState } from './jobs-state.js';
import { launchReadyRuns } from './launch-runs.js';
import { killOverdueRuns, nextOverdueAt } from './overdue-runs.js';
import { type OwnerNotifyConfig, ownerNotifier } from './owner-notifications.js';
import { jobRunEvent } from './run-events.js';
import { applyRunTaskUpdate, endAttempt } from './run-updates.js';
import { httpWebhooks, type WebhookNotifier } from './webhooks.js';

export interface JobRuntimeOptions {
  /** Longest sleep between passes (unplaced runs are retried this often). Default 1000 ms. */
  tickMs?: number;
  /** Global webhook, besides each job's `webhookUrl`. */
  webhookUrl?: string;
  /** Where the firing-lateness histogram is registered (the master's metrics registry). */
  metricsRegistry?: Registry;
  /** Tests inject a recorder. */
  webhooks?: WebhookNotifier;
  /** Owners' e-mail, Slack and Mattermost notifications (`--mail-server` and friends). */
  notify?: OwnerNotifyConfig;
}

type UpdateMsg = Extract<AgentToMaster, { type: 'statusUpdate' }>;

const LATENESS_METRIC = 'drover_job_firing_lateness_seconds';

export class JobRuntime implements JobsApi {
  private running = false;
  private timer: CancelTimer | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private readonly jc: JobsContext;
  /** Run record committed minus due time, seconds (also readable without a registry, for benches). */
  readonly lateness: Histogram;

  /** Built by the Master on its context, from the jobs state it loaded (jobs-state.ts). */
  constructor(
    private readonly ctx: MasterContext,
    private readonly serial: Serial,
    jobs: JobsState,
    private readonly opts: JobRuntimeOptions = {},
  ) {
    // A master node builds a runtime per leadership term on one registry: the histogram is
    // registered once and carries on across terms (registering the name twice would throw).
    const registered = opts.metricsRegistry?.getSingleMetric(LATENESS_METRIC);
    this.lateness =
      registered instanceof Histogram
        ? registered
        : new Histogram({
            name: LATENESS_METRIC,
            help: 'Time from a job occurrence being due to its run record being committed',
            buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60],
            registers: opts.metricsRegistry ? [opts.metricsRegistry] : [],
          });
    this.jc = {
      master: ctx,
      jobs,
      webhooks:
        opts.webhooks ??
        httpWebhooks({ logger: ctx.deps.logger, ...(opts.webhookUrl ? { globalUrl: opts.webhookUrl } : {}) }),
      lateness: this.lateness,
      ...(opts.notify ? { owners: ownerNotifier(opts.notify, ctx.deps.logger) } : {}),
      wake: () => this.wakeAt(ctx.deps.clock.now()),
    };
    jobs.onRunChange = (prev, next) => {
      const e = jobRunEvent(prev, next);
      if (e) ctx.events.emit(e.type, e.payload);
    };
  }

  start(): void {
    this.running = true;
    this.wakeAt(this.ctx.deps.clock.now());
  }

  stop(): void {
    this.running = false;
    this.timer?.();
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** One pass now (tests). */
  passNow(): Promise<void> {
    return this.serial.run(() => this.pass());
  }

  /** Resolves when the webhooks sent so far have been delivered (or failed). */
  async webhooksIdle(): Promise<void> {
    await Promise.all([this.jc.webhooks.idle(), this.jc.owners?.idle()]);
  }

  // ---- routed from task-lifecycle (already inside the serial queue) ----

  statusUpdate(msg: UpdateMsg, task: TaskRecord): Promise<void> {
    return applyRunTaskUpdate(this.jc, msg, task);
  }

  taskGone(task: TaskRecord, finalState: TaskState, message: string): Promise<void> {
    return endAttempt(this.jc, task, finalState, message);
  }

  // ---- the ticker ----

  private async pass(): Promise<void> {
    if (!this.running) return;
    const now = this.ctx.deps.clock.now();
    await fireDueRuns(this.jc, now);
    await killOverdueRuns(this.jc, now);
    await launchReadyRuns(this.jc, now);
  }

  private nextWake(now: number): number {
    let at = now + (this.opts.tickMs ?? 1000);
    for (const s of this.jc.jobs.byName.values())
      if (!s.job.disabled && s.nextDueAt !== undefined) at = Math.min(at, s.nextDueAt);
    for (const r of this.jc.jobs.allActive())
      if (r.status === 'retrying' && r.retryAt !== undefined && r.retryAt > now) at = Math.min(at, r.retryAt);
    const overdue = nextOverdueAt(this.jc);
    if (overdue !== undefined) at = Math.min(at, overdue);
    return Math.max(at, now);
  }

  /** Arms the timer for `at` unless it is already armed for that time or earlier. */
  private wakeAt(at: number): void {
    if (!this.running || at >= this.timerAt) return;
    this.timer?.();
    this.timerAt = at;
    const now = this.ctx.deps.clock.now();
    this.timer = this.ctx.deps.clock.setTimer(Math.max(0, at - now), () => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      void this.serial
        .run(() => this.pass())
        .catch((err) => this.ctx.deps.logger.error({ err }, 'job pass failed'))
        .finally(() => this.wakeAt(this.nextWake(this.ctx.deps.clock.now())));
    });
  }

  // ---- JobsApi: reads ----

  viewRevision(): ViewRevision {
    return { source: this.jc.jobs, value: this.jc.jobs.revision.value };
  }

  listJobs(): JobDefinition[] {
    return [...this.jc.jobs.byName.values()].map((s) => s.job).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  getJob(name: string): JobDefinition | undefined {
    return this.jc.jobs.byName.get(name)?.job;
  }

  jobState(name: string): JobState {
    const stored = this.jc.jobs.byName.get(name);
    return {
      active: this.jc.jobs.activeRuns(name),
      ...(stored?.nextDueAt !== undefined && !stored.job.disabled ? { nextDueAt: stored.nextDueAt } : {}),
    };
  }

  async listRuns(name: string, query: { limit?: number; before?: number } = {}): Promise<JobRun[]> {
    requireJob(this.jc, name);
    return this.ctx.deps.store.listJobRuns(name, query);
  }

  getRun(name: string, dueAt: number): Promise<JobRun | undefined> {
    return this.ctx.deps.store.getJobRun(name, dueAt);
  }

  async readRunLog(
    name: string,
    dueAt: number,
    stream: LogStream,
    opts: { attempt?: number; tail?: number } = {},
  ): Promise<string> {
    requireJob(this.jc, name);
    const run = await this.getRun(name, dueAt);
    const attempt =
      opts.attempt === undefined
        ? run?.attempts.at(-1)
        : run?.attempts.find((a) => a.attempt === opts.attempt);
    if (!run || !attempt)
      throw new DroverError(
        'TASK_NOT_FOUND',
        // A due time past the Date range (8640000000000001) has no ISO form: it was a 500 here.
        `Job '${name}' has no attempt for the run due at ${Number.isNaN(new Date(dueAt).getTime()) ? dueAt : new Date(dueAt).toISOString()}`,
      );
    // An attempt that never reached an agent (its secrets could not be read) has no log.
    if (attempt.agentId === '')
      throw new DroverError(
        'TASK_NOT_FOUND',
        `attempt ${attempt.attempt} of job '${name}' never launched: ${attempt.message ?? 'no reason recorded'}`,
      );
    return this.ctx.hub.readLog(attempt.agentId, attempt.taskId, stream, opts.tail);
  }

  leader(): string {
    return `${this.ctx.deps.http.host}:${this.ctx.deps.http.port}`;
  }

  // ---- JobsApi: writes ----

  putJob(spec: JobSpec): Promise<void> {
    return this.serial.run(() => putJob(this.jc, spec));
  }

  deleteJob(name: string): Promise<void> {
    return this.serial.run(() => deleteJob(this.jc, name));
  }

  startJob(name: string, args?: string[]): Promise<JobRun> {
    return this.serial.run(() => startJob(this.jc, name, args));
  }

  markSuccess(name: string): Promise<boolean> {
    return this.serial.run(() => markSuccess(this.jc, name));
  }

  killJobTasks(name: string): Promise<number> {
    return this.serial.run(() => killJobRuns(this.jc, name));
  }

  completeTask(taskId: string, statusCode: number): Promise<void> {
    return this.serial.run(() => completeAsyncRun(this.jc, taskId, statusCode));
  }

  addTaskProgress(name: string, taskId: string, additional: number): Promise<void> {
    return this.serial.run(() => addTaskProgress(this.jc, name, taskId, additional));
  }
}
