/**
 * The ticker's first step: ask the due-runs planner what came due and commit its plan in one
 * transaction: a record per occurrence (queued or skipped with its reason) and each job's new
 * nextDueAt, disabling jobs whose count is spent. An occurrence whose record already exists
 * (the insert is refused) is simply passed over: it was handled before.
 *
 * The records go in as one batch (insertJobRuns) and the jobs' new states as another (putJobs):
 * with 1,000 jobs due at once, a statement per record cost ~0.1 ms each, most of the pass
 * (BENCHMARKS.md, jobs firing). The two batches are two transactions, records first: a run is
 * fired once its record is durable, and rewriting 1,000 whole job rows for their new nextDueAt
 * doubled that wait. Exactly once does not depend on the job rows: should the master die between
 * the two commits, the next leader plans those occurrences again from the old nextDueAt, finds
 * their records taken (the refused insert above) and only advances the jobs.
 *
 * Late runs follow Chronos 3 (schedules/README.md): the planner fires the latest occurrence due
 * however late, and a record later than the job's epsilon carries a `lateDetail`.
 *
 * Firing lateness is measured when the record is durable: each record's createdAt is the clock
 * just before the batch insert, and the lateness histogram is observed with the clock read after
 * the commit (not the pass's start, which would leave out planning, the inserts and the commit).
 */
import type { JobRun, StoredJob } from '../../domain/job.js';
import { planDueRuns } from '../../schedules/due-runs.js';
import { disabledNotice, skippedNotice } from './chronos-messages.js';
import { commit } from './commit-effects.js';
import type { JobsContext } from './job-context.js';

const DEFAULT_EPSILON_MS = 60_000;

export async function fireDueRuns(jc: JobsContext, now: number): Promise<void> {
  const due = [...jc.jobs.byName.values()].filter(
    (s) => !s.job.disabled && s.job.schedule !== undefined && s.nextDueAt !== undefined && s.nextDueAt <= now,
  );
  if (due.length === 0) return;
  const epsilonMs = new Map(due.map((s) => [s.job.name, jc.jobs.epsilonMsOf(s.job) ?? DEFAULT_EPSILON_MS]));
  const plan = planDueRuns({
    now,
    jobs: due.map((s) => ({
      name: s.job.name,
      schedule: jc.jobs.scheduleOf(s)!,
      nextDueAt: s.nextDueAt,
      concurrent: s.job.concurrent,
      epsilonMs: epsilonMs.get(s.job.name)!,
    })),
    hasRun: (job, at) => jc.jobs.active.get(job)?.has(at) ?? false,
    activeRuns: (job) => jc.jobs.active.get(job)?.size ?? 0,
  });
  const exhausted = new Set(plan.exhausted);
  const disabled: StoredJob[] = [];
  const clock = jc.master.deps.clock;
  const skippedRuns: JobRun[] = [];
  const fired = await commit(jc, async (tx, fx) => {
    // One batch insert for every record of the pass, stamped with the clock just before it.
    const at = clock.now();
    const runs: JobRun[] = [
      ...plan.fire.map(
        (f): JobRun => ({
          job: f.job,
          dueAt: f.dueAt,
          trigger: 'schedule',
          status: 'queued',
          createdAt: at,
          ...(f.lateMs !== undefined
            ? { lateDetail: lateDetail(f.lateMs, epsilonMs.get(f.job)!, f.superseded) }
            : {}),
          attempts: [],
        }),
      ),
      ...plan.skip.map(
        (s): JobRun => ({
          job: s.job,
          dueAt: s.dueAt,
          trigger: 'schedule',
          status: 'skipped',
          createdAt: at,
          skipReason: s.reason,
          skipDetail: s.detail,
          attempts: [],
          endedAt: at,
        }),
      ),
    ];
    const ok = runs.length > 0 ? await tx.insertJobRuns(runs) : [];
    // A refused insert: the occurrence was handled before, so it is passed over.
    const inserted = runs.slice(0, plan.fire.length).filter((_, i) => ok[i]);
    const skippedNow = runs.slice(plan.fire.length).filter((_, i) => ok[plan.fire.length + i]);
    skippedRuns.push(...skippedNow);
    // Skipped records are final: setActive keeps none of them, but tells them (job run events).
    for (const run of [...inserted, ...skippedNow]) fx.afterCommit(() => jc.jobs.setActive(run));
    return inserted;
  });
  // Lateness as the record became durable: the clock after the commit, minus the due time.
  const committedAt = clock.now();
  for (const run of fired) jc.lateness?.observe((committedAt - run.dueAt) / 1000);
  await commit(jc, async (tx, fx) => {
    const advanced = plan.advance.map((a) => {
      const current = jc.jobs.byName.get(a.job)!;
      const { nextDueAt: _old, ...rest } = current;
      const next: StoredJob = {
        ...rest,
        ...(a.nextDueAt !== undefined ? { nextDueAt: a.nextDueAt } : {}),
        job: exhausted.has(a.job) ? { ...current.job, disabled: true } : current.job,
      };
      if (exhausted.has(a.job)) disabled.push(next);
      fx.afterCommit(() => jc.jobs.byName.set(a.job, next));
      return next;
    });
    if (advanced.length > 0) await tx.putJobs(advanced);
  });
  const late = plan.fire.filter((f) => f.lateMs !== undefined);
  if (late.length > 0)
    jc.master.deps.logger.info(
      { late: late.map((f) => ({ job: f.job, dueAt: new Date(f.dueAt).toISOString(), lateMs: f.lateMs })) },
      'late job runs fired once (Chronos 3 semantics)',
    );
  const skipped = plan.skip.length;
  if (skipped > 0)
    jc.master.deps.logger.info({ skipped, fired: plan.fire.length }, 'job occurrences skipped');
  for (const s of disabled) {
    jc.master.deps.logger.info({ job: s.job.name }, 'job schedule spent: disabled');
    jc.webhooks.notify({
      event: 'job_disabled',
      timestamp: new Date(now).toISOString(),
      job: s.job,
      reason: 'the schedule has no occurrence left',
    });
    jc.owners?.send(disabledNotice(s.job));
  }
  // One notice per job for the occurrences this pass recorded as skipped.
  if (jc.owners && skippedRuns.length > 0) {
    const byJob = new Map<string, JobRun[]>();
    for (const r of skippedRuns) byJob.set(r.job, [...(byJob.get(r.job) ?? []), r]);
    for (const [name, runs] of byJob) {
      const job = jc.jobs.byName.get(name)?.job;
      if (job) jc.owners.send(skippedNotice(job, runs));
    }
  }
}

/** Chronos 3 runs a late occurrence once; the record says how late, against the job's epsilon. */
function lateDetail(lateMs: number, epsilonMs: number, superseded: number | undefined): string {
  const standsFor = superseded
    ? `; it stands for ${superseded} earlier occurrence${superseded > 1 ? 's' : ''}`
    : '';
  return `ran ${Math.round(lateMs / 1000)}s after its due time, past epsilon (${Math.round(epsilonMs / 1000)}s)${standsFor}`;
}
