/**
 * The job runtime's writes from the API: create or replace a job, delete it (rewiring children),
 * run it now, mark it successful, kill its runs. Each runs inside the master's serial queue.
 */

import { DroverError } from '../../domain/errors.js';
import type { JobDefinition, JobRun, JobSpec, StoredJob } from '../../domain/job.js';
import { ZERO_COUNTERS } from '../../domain/job.js';
import { childrenOf, findCycle, rewireChildren, unknownParents } from '../../schedules/dependency-dag.js';
import { durationMs } from '../../schedules/iso8601-duration.js';
import { compileSchedule, firstAtOrAfter } from '../../schedules/schedule.js';
import { commit } from './commit-effects.js';
import { insertTriggeredRun, parentFinished } from './dependents.js';
import type { JobsContext } from './job-context.js';
import { killRunTask } from './launch-runs.js';

/**
 * Where a (re)scheduled job starts: the latest occurrence at most `epsilon` old still runs (a
 * start a moment ago, an empty start), otherwise the first one after now. Occurrences from
 * before the job existed are not late runs (those run once however late, due-runs.ts): the job
 * did not exist then, and re-posting an unchanged job must not start a run.
 */
export function initialDue(job: JobDefinition, anchorAt: number, now: number): number | undefined {
  if (job.schedule === undefined) return undefined;
  const schedule = compileSchedule(job.schedule, job.scheduleTimeZone, anchorAt);
  const epsilon = durationMs(job.epsilon) ?? 60_000;
  let o = firstAtOrAfter(schedule, now - epsilon);
  if (!o || o.at > now) return o?.at;
  for (let n = schedule.firstAfter(o.at); n && n.at <= now; n = schedule.firstAfter(n.at)) o = n;
  return o.at;
}

function notFound(name: string): DroverError {
  return new DroverError('JOB_NOT_FOUND', `Job '${name}' not found`);
}

export function requireJob(jc: JobsContext, name: string): StoredJob {
  const stored = jc.jobs.byName.get(name);
  if (!stored) throw notFound(name);
  return stored;
}

export async function putJob(jc: JobsContext, spec: JobSpec): Promise<void> {
  const now = jc.master.deps.clock.now();
  const existing = jc.jobs.byName.get(spec.name);
  const names = new Set(jc.jobs.byName.keys());
  const missing = unknownParents(spec, names);
  if (missing.length > 0)
    throw new DroverError(
      'BAD_REQUEST',
      `Error, parent does not exist: ${missing.map((p) => `'${p}'`).join(', ')} (job '${spec.name}')`,
      [{ path: '/parents', errors: missing.map((p) => `Error, parent does not exist: '${p}'`) }],
    );
  const graph = [...jc.jobs.byName.values()].filter((s) => s.job.name !== spec.name).map((s) => s.job);
  const cycle = findCycle([...graph, spec]);
  if (cycle) {
    const message = `Dependency cycle: ${cycle.join(' -> ')}`;
    throw new DroverError('BAD_REQUEST', message, [{ path: '/parents', errors: [message] }]);
  }

  // Counters belong to the master: whatever the client sent was dropped by parseJob.
  const counters = existing
    ? {
        successCount: existing.job.successCount,
        errorCount: existing.job.errorCount,
        lastSuccess: existing.job.lastSuccess,
        lastError: existing.job.lastError,
        errorsSinceLastSuccess: existing.job.errorsSinceLastSuccess,
      }
    : ZERO_COUNTERS;
  const job: JobDefinition = { ...spec, ...counters };
  const sameSchedule =
    existing !== undefined &&
    existing.job.schedule === job.schedule &&
    existing.job.scheduleTimeZone === job.scheduleTimeZone;
  const anchorAt = sameSchedule ? existing.anchorAt : now;
  const reanchor = !sameSchedule || (existing.job.disabled && !job.disabled);
  const nextDueAt = reanchor ? initialDue(job, anchorAt, now) : existing.nextDueAt;
  const stored: StoredJob = { job, anchorAt, ...(nextDueAt !== undefined ? { nextDueAt } : {}) };
  const parentsChanged = existing !== undefined && existing.job.parents.join('\n') !== job.parents.join('\n');
  await commit(jc, async (tx, fx) => {
    await tx.putJob(stored);
    if (parentsChanged) await tx.clearJobProgress(job.name);
    fx.afterCommit(() => {
      jc.jobs.byName.set(job.name, stored);
      // Compiled now, not on the pass the job first comes due: 1,000 jobs due in one second would
      // otherwise spend the pass compiling schedules (bench/jobs-firing.bench.ts).
      jc.jobs.scheduleOf(stored);
      if (parentsChanged) jc.jobs.progress.delete(job.name);
      jc.wake();
    });
  });
}

export async function deleteJob(jc: JobsContext, name: string): Promise<void> {
  const stored = requireJob(jc, name);
  const now = jc.master.deps.clock.now();
  const all = [...jc.jobs.byName.values()].map((s) => s.job);
  const children = childrenOf(all, name).map((c) => jc.jobs.byName.get(c)!.job);
  const rewired: StoredJob[] = rewireChildren(stored.job, children).map((r) => {
    const child = jc.jobs.byName.get(r.name)!;
    if ('parents' in r) return { ...child, job: { ...child.job, parents: r.parents } };
    const { scheduleTimeZone: _z, ...rest } = child.job;
    const job: JobDefinition = {
      ...rest,
      parents: [],
      schedule: r.schedule,
      ...(r.scheduleTimeZone !== undefined ? { scheduleTimeZone: r.scheduleTimeZone } : {}),
    };
    const nextDueAt = initialDue(job, stored.anchorAt, now);
    return { job, anchorAt: stored.anchorAt, ...(nextDueAt !== undefined ? { nextDueAt } : {}) };
  });
  await commit(jc, async (tx, fx) => {
    await tx.putJobs(rewired);
    await tx.deleteJob(name);
    fx.afterCommit(() => {
      jc.jobs.forget(name);
      for (const c of rewired) jc.jobs.byName.set(c.job.name, c);
    });
  });
  for (const t of [...jc.master.state.tasks.values()])
    if (t.jobRun?.job === name && t.killRequestedAt === undefined) await killRunTask(jc, t, now);
  jc.webhooks.notify({ event: 'job_deleted', timestamp: new Date(now).toISOString(), job: stored.job });
}

export async function startJob(jc: JobsContext, name: string, args?: string[]): Promise<JobRun> {
  const stored = requireJob(jc, name);
  const now = jc.master.deps.clock.now();
  return commit(jc, (tx, fx) => insertTriggeredRun(jc, tx, fx, stored, 'manual', now, args));
}

export async function markSuccess(jc: JobsContext, name: string): Promise<boolean> {
  const stored = requireJob(jc, name);
  const now = jc.master.deps.clock.now();
  const next: StoredJob = {
    ...stored,
    job: {
      ...stored.job,
      successCount: stored.job.successCount + 1,
      lastSuccess: new Date(now).toISOString(),
      errorsSinceLastSuccess: 0,
    },
  };
  await commit(jc, async (tx, fx) => {
    await tx.putJob(next);
    fx.afterCommit(() => jc.jobs.byName.set(name, next));
    await parentFinished(jc, tx, fx, next, 'succeeded', now);
  });
  return true;
}

export async function killJobRuns(jc: JobsContext, name: string): Promise<number> {
  requireJob(jc, name);
  const now = jc.master.deps.clock.now();
  const runs = jc.jobs.activeRuns(name);
  const updated = runs.map((run): JobRun => {
    // An async run waiting for its callback has no task left to kill: it ends now.
    if (run.status === 'running' && run.awaitingCallbackSince === undefined)
      return { ...run, killRequestedAt: now, message: 'killed on request' };
    const { retryAt: _r, awaitingCallbackSince: _w, ...rest } = run;
    return { ...rest, status: 'killed', endedAt: now, killRequestedAt: now, message: 'killed on request' };
  });
  await commit(jc, async (tx, fx) => {
    await tx.putJobRuns(updated);
    fx.afterCommit(() => {
      for (const r of updated) jc.jobs.setActive(r);
    });
  });
  for (const t of [...jc.master.state.tasks.values()])
    if (t.jobRun?.job === name && t.killRequestedAt === undefined) await killRunTask(jc, t, now);
  return runs.length;
}
