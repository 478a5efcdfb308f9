/**
 * Status updates for run attempts (task-lifecycle.ts routes every task with `jobRun` here).
 * RUNNING stamps the attempt's start; a terminal state ends the attempt and decides the run:
 * succeeded (TASK_FINISHED), killed (a user asked), retrying (attempts left, after the job's
 * delay) or failed. A final outcome updates the job's counters and may fire its children, all in
 * the transaction that removes the task.
 */
import type { AgentToMaster } from '../../domain/agent-protocol.js';
import type { JobRun, RunAttempt, StoredJob } from '../../domain/job.js';
import type { TaskRecord, TaskState } from '../../domain/task.js';
import { isTerminal } from '../../domain/task.js';
import { hasRetryLeft, retryDelayMs } from '../../schedules/retry-policy.js';
import { commit } from './commit-effects.js';
import { parentFinished } from './dependents.js';
import type { JobsContext } from './job-context.js';

type UpdateMsg = Extract<AgentToMaster, { type: 'statusUpdate' }>;

export async function applyRunTaskUpdate(jc: JobsContext, msg: UpdateMsg, task: TaskRecord): Promise<void> {
  if (isTerminal(msg.state)) {
    await endAttempt(jc, task, msg.state, msg.message ?? msg.reason ?? '', msg.exitCode);
    return;
  }
  const now = jc.master.deps.clock.now();
  const next: TaskRecord = {
    ...task,
    state: task.state === 'TASK_KILLING' && msg.state === 'TASK_RUNNING' ? task.state : msg.state,
    updatedAt: now,
    ...(msg.state === 'TASK_RUNNING' && task.startedAt === undefined ? { startedAt: msg.timestamp } : {}),
    ...(msg.message !== undefined ? { message: msg.message } : {}),
  };
  const run = activeRunOf(jc, task);
  const updatedRun =
    run && msg.state === 'TASK_RUNNING'
      ? withAttempt(run, task, (a) => (a.startedAt === undefined ? { ...a, startedAt: msg.timestamp } : a))
      : undefined;
  await commit(jc, async (tx, fx) => {
    await tx.putTask(next);
    if (updatedRun) await tx.putJobRun(updatedRun);
    fx.afterCommit(() => {
      jc.master.state.tasks.set(next.id, next);
      if (updatedRun) jc.jobs.setActive(updatedRun);
    });
  });
}

/** The attempt's task is over (terminal update, or gone from its agent). */
export async function endAttempt(
  jc: JobsContext,
  task: TaskRecord,
  finalState: TaskState,
  message: string,
  exitCode?: number,
): Promise<void> {
  const now = jc.master.deps.clock.now();
  const run = activeRunOf(jc, task);
  const stored = task.jobRun ? jc.jobs.jobs.get(task.jobRun.job) : undefined;
  let failedFinal: { job: StoredJob; run: JobRun } | undefined;
  await commit(jc, async (tx, fx) => {
    await tx.deleteTask(task.id);
    fx.afterCommit(() => jc.master.state.tasks.delete(task.id));
    // The job was deleted, or the run already ended (a late duplicate update): nothing to decide.
    if (!run || !stored || run.attempts.at(-1)?.taskId !== task.id) return;
    const ended = withAttempt(run, task, (a) => ({
      ...a,
      startedAt: a.startedAt ?? task.startedAt,
      endedAt: now,
      state: finalState,
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(message ? { message } : {}),
    })) as JobRun;
    const attempt = task.jobRun!.attempt;
    const succeeded = finalState === 'TASK_FINISHED' && (exitCode ?? 0) === 0;
    const job = stored.job;
    let next: JobRun;
    let counters = stored;
    if (succeeded) {
      next = final(ended, 'succeeded', now, exitCode);
      counters = {
        ...stored,
        job: { ...job, successCount: job.successCount + 1, lastSuccess: iso(now), errorsSinceLastSuccess: 0 },
      };
    } else if (run.killRequestedAt !== undefined) {
      next = final(ended, 'killed', now, exitCode);
    } else if (hasRetryLeft(attempt, job.retries)) {
      const delay = retryDelayMs(attempt, job.retryDelaySeconds * 1000, job.retryBackoffFactor);
      next = { ...ended, status: 'retrying', retryAt: now + delay };
      // A retry means the job may run twice if the attempt did run: say why, for the record.
      jc.master.deps.logger.info(
        { job: job.name, dueAt: iso(run.dueAt), attempt, taskId: task.id, state: finalState, message },
        'job run attempt ended without success: retrying',
      );
    } else {
      next = final(ended, 'failed', now, exitCode);
      counters = {
        ...stored,
        job: {
          ...job,
          errorCount: job.errorCount + 1,
          lastError: iso(now),
          errorsSinceLastSuccess: job.errorsSinceLastSuccess + 1,
        },
      };
      failedFinal = { job: counters, run: next };
    }
    await tx.putJobRun(next);
    fx.afterCommit(() => {
      jc.jobs.setActive(next);
      jc.wake();
    });
    if (counters !== stored) {
      await tx.putJob(counters);
      fx.afterCommit(() => jc.jobs.jobs.set(job.name, counters));
    }
    if (next.status === 'succeeded' || next.status === 'failed')
      await parentFinished(jc, tx, fx, counters, next.status, now);
  });
  if (failedFinal)
    jc.webhooks.notify({
      event: 'job_run_failed',
      timestamp: iso(now),
      job: failedFinal.job.job,
      run: failedFinal.run,
    });
}

function activeRunOf(jc: JobsContext, task: TaskRecord): JobRun | undefined {
  return task.jobRun ? jc.jobs.active.get(task.jobRun.job)?.get(task.jobRun.dueAt) : undefined;
}

function withAttempt(run: JobRun, task: TaskRecord, f: (a: RunAttempt) => RunAttempt): JobRun {
  return { ...run, attempts: run.attempts.map((a) => (a.taskId === task.id ? f(a) : a)) };
}

function final(
  run: JobRun,
  status: 'succeeded' | 'failed' | 'killed',
  now: number,
  exitCode?: number,
): JobRun {
  const { retryAt: _r, ...rest } = run;
  return { ...rest, status, endedAt: now, ...(exitCode !== undefined ? { exitCode } : {}) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
