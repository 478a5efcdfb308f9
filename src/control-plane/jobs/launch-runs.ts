/**
 * The ticker's second step: place every run that may start now (queued, or retrying whose delay
 * is over) through the same pure placement as apps, then store each attempt's task (TASK_STAGING)
 * with its run in one transaction before the launch goes out, as the app reconciler does. Runs
 * that do not fit stay queued and are tried on the next pass.
 */
import type { JobRun } from '../../domain/job.js';
import { DEFAULT_KILL_GRACE_MS, jobKillTiming } from '../../domain/kill-timing.js';
import type { TaskRecord } from '../../domain/task.js';
import { placeAndLaunch, requestKill } from '../tasks/launcher.js';
import { commit } from './commit-effects.js';
import type { JobsContext } from './job-context.js';
import { runPlacementRequest, runTaskId, runTaskSpec } from './run-task-spec.js';

export async function launchReadyRuns(jc: JobsContext, now: number): Promise<void> {
  const ctx = jc.master;
  const ready = jc.jobs
    .allActive()
    .filter((r) => (r.status === 'queued' || r.status === 'retrying') && (r.retryAt ?? 0) <= now)
    .filter((r) => jc.jobs.byName.has(r.job))
    .sort((a, b) => a.dueAt - b.dueAt);
  if (ready.length === 0) return;
  const byKey = new Map<string, JobRun>();
  const requests = ready.map((run) => {
    const key = runTaskId(jc.jobs.byName.get(run.job)!.job, run, run.attempts.length + 1);
    byKey.set(key, run);
    return runPlacementRequest(key, jc.jobs.byName.get(run.job)!.job);
  });
  const { grace } = runKillTiming(jc);
  await placeAndLaunch(ctx, requests, {
    launchOf: (p, agent) => {
      const run = byKey.get(p.key)!;
      const job = jc.jobs.byName.get(run.job)!.job;
      const attempt = run.attempts.length + 1;
      const task: TaskRecord = {
        id: p.key,
        appId: `/chronos/${job.name}`,
        version: new Date(run.dueAt).toISOString(),
        agentId: agent.id,
        host: agent.address,
        ports: [],
        servicePorts: [],
        state: 'TASK_STAGING',
        stagedAt: now,
        updatedAt: now,
        resources: { cpus: job.cpus, mem: job.mem, disk: job.disk },
        jobRun: { job: job.name, dueAt: run.dueAt, attempt },
      };
      const { retryAt: _r, ...rest } = run;
      const next: JobRun = {
        ...rest,
        status: 'running',
        attempts: [
          ...run.attempts,
          { attempt, taskId: task.id, agentId: agent.id, host: agent.address, launchedAt: now },
        ],
      };
      return { task, run: next, spec: runTaskSpec(job, next, attempt, task.id, agent.address, grace) };
    },
    // The attempt's task and its run record in one transaction.
    store: (launches) =>
      commit(jc, async (tx, fx) => {
        for (const l of launches) {
          await tx.putTask(l.task);
          await tx.putJobRun(l.run);
          fx.afterCommit(() => {
            ctx.state.tasks.set(l.task.id, l.task);
            jc.jobs.setActive(l.run);
          });
        }
      }),
  });
}

/** Kills a run's task with the job kill timing (launcher.ts). */
export function killRunTask(jc: JobsContext, task: TaskRecord, now: number): Promise<void> {
  return requestKill(jc.master, task, now, runKillTiming(jc));
}

function runKillTiming(jc: JobsContext): { grace: number; drain: number } {
  return jobKillTiming(jc.master.deps.defaultKillGraceMs ?? DEFAULT_KILL_GRACE_MS);
}
