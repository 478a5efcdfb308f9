/**
 * The ticker's second step: place every run that may start now (queued, or retrying whose delay
 * is over) through the same pure placement as apps, then store each attempt's task (TASK_STAGING)
 * with its run in one transaction before the launch goes out, as the app reconciler does. Runs
 * that do not fit stay queued and are tried on the next pass. A job's secrets are read once per
 * pass for its runs (run-secrets.ts); a run whose secrets cannot be read ends that attempt instead.
 */
import type { JobRun } from '../../domain/job.js';
import { DEFAULT_KILL_GRACE_MS, jobKillTiming } from '../../domain/kill-timing.js';
import type { TaskRecord } from '../../domain/task.js';
import type { PlacementRequest } from '../../scheduler/placement-types.js';
import { placeAndLaunch, requestKill } from '../tasks/launcher.js';
import { commit } from './commit-effects.js';
import type { JobsContext } from './job-context.js';
import { failUnreadable, readRunSecrets } from './run-secrets.js';
import { type RunSecretValues, runPlacementRequest, runTaskId, runTaskSpec } from './run-task-spec.js';

export async function launchReadyRuns(jc: JobsContext, now: number): Promise<void> {
  const ctx = jc.master;
  const ready = jc.jobs
    .allActive()
    .filter((r) => (r.status === 'queued' || r.status === 'retrying') && (r.retryAt ?? 0) <= now)
    .filter((r) => jc.jobs.byName.has(r.job))
    .sort((a, b) => a.dueAt - b.dueAt);
  if (ready.length === 0) return;
  // Only jobs that declare secrets wait on the vault; the others launch as they always did.
  const withSecrets = ready.map((r) => jc.jobs.byName.get(r.job)!.job).filter((j) => j.secrets !== undefined);
  const secrets =
    withSecrets.length > 0
      ? await readRunSecrets(jc, withSecrets)
      : new Map<string, RunSecretValues | { problem: string }>();
  const byKey = new Map<string, JobRun>();
  const requests: PlacementRequest[] = [];
  for (const run of ready) {
    const job = jc.jobs.byName.get(run.job)!.job;
    const key = runTaskId(job, run, run.attempts.length + 1);
    const values = secrets.get(job.name);
    if (values && 'problem' in values) {
      await failUnreadable(jc, run, key, values.problem, now);
      continue;
    }
    byKey.set(key, run);
    requests.push(runPlacementRequest(key, job));
  }
  if (requests.length === 0) return;
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
      const values = secrets.get(job.name) as RunSecretValues | undefined;
      return {
        task,
        run: next,
        spec: runTaskSpec(job, next, attempt, task.id, agent.address, grace, values),
      };
    },
    // Every attempt's task and its run record in one transaction, as two batches (a statement per
    // chunk, not two per run: 1,000 runs launched at once were 2,000 statements).
    store: (launches) =>
      commit(jc, async (tx, fx) => {
        await tx.putTasks(launches.map((l) => l.task));
        await tx.putJobRuns(launches.map((l) => l.run));
        fx.afterCommit(() => {
          for (const l of launches) {
            ctx.state.tasks.set(l.task.id, l.task);
            jc.jobs.setActive(l.run);
          }
        });
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
