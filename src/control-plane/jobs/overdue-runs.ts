/**
 * maxCompletionTime: an attempt running longer is killed, and an async job's run still waiting
 * for its completion callback then fails. Unlike a user's kill it counts as a failed attempt, so
 * retries still apply.
 */
import type { JobRun } from '../../domain/job.js';
import { isOverdue, overdueAfter } from '../../schedules/retry-policy.js';
import { expireAsyncRun } from './async-runs.js';
import { commit } from './commit-effects.js';
import type { JobsContext } from './job-context.js';
import { killRunTask } from './launch-runs.js';

export async function killOverdueRuns(jc: JobsContext, now: number): Promise<void> {
  for (const run of jc.jobs.allActive()) {
    if (run.status !== 'running') continue;
    const job = jc.jobs.byName.get(run.job)?.job;
    const attempt = run.attempts.at(-1);
    if (!job || !attempt) continue;
    if (!isOverdue(attempt.startedAt ?? attempt.launchedAt, job.maxCompletionTime, now)) continue;
    if (run.awaitingCallbackSince !== undefined) {
      await expireAsyncRun(jc, run, now);
      continue;
    }
    const task = jc.master.state.tasks.get(attempt.taskId);
    if (!task || task.killRequestedAt !== undefined) continue;
    const next: JobRun = {
      ...run,
      message: `attempt ${attempt.attempt} exceeded maxCompletionTime (${job.maxCompletionTime} s)`,
    };
    await commit(jc, async (tx, fx) => {
      await tx.putJobRun(next);
      fx.afterCommit(() => jc.jobs.setActive(next));
    });
    await killRunTask(jc, task, now);
  }
}

/** The earliest time an active attempt becomes overdue, for the ticker's next wake-up. */
export function nextOverdueAt(jc: JobsContext): number | undefined {
  let at: number | undefined;
  for (const run of jc.jobs.allActive()) {
    const job = jc.jobs.byName.get(run.job)?.job;
    const attempt = run.attempts.at(-1);
    if (run.status !== 'running' || !job || !attempt) continue;
    const after = overdueAfter(attempt.startedAt ?? attempt.launchedAt, job.maxCompletionTime);
    if (after === undefined) continue;
    const t = after + 1;
    at = at === undefined ? t : Math.min(at, t);
  }
  return at;
}
