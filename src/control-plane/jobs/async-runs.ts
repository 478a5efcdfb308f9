/**
 * Chronos's async jobs and task progress. An `async: true` job's run stays open after its task
 * exits 0 (run-updates.ts) until PUT /scheduler/task/{taskId} reports `{statusCode}` (0 success,
 * anything else a failed attempt, with retries) or until maxCompletionTime passes (overdue-runs.ts).
 * A callback that comes while the task still runs is kept and applied when it exits.
 * POST /scheduler/job/{name}/task/{taskId}/progress adds `numAdditionalElementsProcessed` to the
 * run's `elementsProcessed`, for jobs with `dataProcessingJobType`.
 */
import { DroverError } from '../../domain/errors.js';
import type { JobRun } from '../../domain/job.js';
import { commit } from './commit-effects.js';
import type { JobsContext } from './job-context.js';
import { type FailedFinal, notifyFailed, settleRun } from './run-outcome.js';
import { parseRunTaskId } from './run-task-spec.js';

function taskNotFound(taskId: string): DroverError {
  return new DroverError('TASK_NOT_FOUND', `Task '${taskId}' is not an attempt of an open run`);
}

/** The open run one of whose attempts is `taskId`. */
function openRunOf(jc: JobsContext, taskId: string): JobRun | undefined {
  const parsed = parseRunTaskId(taskId);
  if (!parsed) return undefined;
  const run = jc.jobs.active.get(parsed.job)?.get(parsed.dueAt);
  return run?.attempts.some((a) => a.taskId === taskId) ? run : undefined;
}

export async function completeAsyncRun(jc: JobsContext, taskId: string, statusCode: number): Promise<void> {
  const run = openRunOf(jc, taskId);
  const stored = run ? jc.jobs.byName.get(run.job) : undefined;
  if (!run || !stored || run.attempts.at(-1)?.taskId !== taskId) throw taskNotFound(taskId);
  const now = jc.master.deps.clock.now();
  const failed = await commit(jc, async (tx, fx): Promise<FailedFinal | undefined> => {
    if (run.awaitingCallbackSince === undefined) {
      // The task still runs: keep the result for when it exits.
      const next: JobRun = { ...run, callbackStatusCode: statusCode };
      await tx.putJobRun(next);
      fx.afterCommit(() => jc.jobs.setActive(next));
      return undefined;
    }
    return settleRun(jc, tx, fx, stored, run, {
      succeeded: statusCode === 0,
      now,
      taskId,
      reason: `completion callback statusCode ${statusCode}`,
    });
  });
  if (failed) notifyFailed(jc, failed, now);
}

/** maxCompletionTime passed while the run waited for its callback: a failed attempt. */
export async function expireAsyncRun(jc: JobsContext, run: JobRun, now: number): Promise<void> {
  const stored = jc.jobs.byName.get(run.job);
  if (!stored) return;
  const message = `no completion callback within maxCompletionTime (${stored.job.maxCompletionTime} s)`;
  const failed = await commit(jc, (tx, fx) =>
    settleRun(
      jc,
      tx,
      fx,
      stored,
      { ...run, message },
      {
        succeeded: false,
        now,
        taskId: run.attempts.at(-1)?.taskId ?? '',
        reason: message,
      },
    ),
  );
  if (failed) notifyFailed(jc, failed, now);
}

export async function addTaskProgress(
  jc: JobsContext,
  name: string,
  taskId: string,
  additional: number,
): Promise<void> {
  const stored = jc.jobs.byName.get(name);
  if (!stored) throw new DroverError('JOB_NOT_FOUND', `Job '${name}' not found`);
  const parsed = parseRunTaskId(taskId);
  if (!parsed || parsed.job !== name)
    throw new DroverError('BAD_REQUEST', `Invalid task id format ${taskId}`, [
      { path: '/taskId', errors: [`expected ct:<due>:<attempt>:${name}:<arguments>`] },
    ]);
  if (!stored.job.dataProcessingJobType)
    throw new DroverError('BAD_REQUEST', `Job '${name}' is not enabled to track data`, [
      { path: '/dataProcessingJobType', errors: ['the job must set dataProcessingJobType: true'] },
    ]);
  const run =
    jc.jobs.active.get(name)?.get(parsed.dueAt) ?? (await jc.master.deps.store.getJobRun(name, parsed.dueAt));
  if (!run?.attempts.some((a) => a.taskId === taskId)) throw taskNotFound(taskId);
  const next: JobRun = { ...run, elementsProcessed: (run.elementsProcessed ?? 0) + additional };
  await commit(jc, async (tx, fx) => {
    await tx.putJobRun(next);
    fx.afterCommit(() => jc.jobs.setActive(next));
  });
}
