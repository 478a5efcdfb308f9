/**
 * Status updates for run attempts (task-lifecycle.ts routes every task with `jobRun` here).
 * RUNNING stamps the attempt's start; a terminal state ends the attempt and decides the run:
 * succeeded (TASK_FINISHED), killed (a user asked), retrying (attempts left, after the job's
 * delay) or failed. A final outcome updates the job's counters and may fire its children, all in
 * the transaction that removes the task.
 */
import type { AgentToMaster } from '../../domain/agent-protocol.js';
import type { JobRun, RunAttempt } from '../../domain/job.js';
import type { TaskRecord, TaskState } from '../../domain/task.js';
import { isTerminal } from '../../domain/task.js';
import { commit } from './commit-effects.js';
import type { JobsContext } from './job-context.js';
import { notifyFailed, settleRun } from './run-outcome.js';

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
  const stored = task.jobRun ? jc.jobs.byName.get(task.jobRun.job) : undefined;
  const failedFinal = await commit(jc, async (tx, fx) => {
    await tx.deleteTask(task.id);
    fx.afterCommit(() => jc.master.state.tasks.delete(task.id));
    // The job was deleted, or the run already ended (a late duplicate update): nothing to decide.
    if (!run || !stored || run.attempts.at(-1)?.taskId !== task.id) return undefined;
    const ended = withAttempt(run, task, (a) => ({
      ...a,
      startedAt: a.startedAt ?? task.startedAt,
      endedAt: now,
      state: finalState,
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(message ? { message } : {}),
    })) as JobRun;
    const exitedOk = finalState === 'TASK_FINISHED' && (exitCode ?? 0) === 0;
    // An async job's run stays open after its task exits 0, until its callback (or its deadline).
    if (exitedOk && stored.job.async && run.killRequestedAt === undefined) {
      if (run.callbackStatusCode === undefined) {
        const waiting: JobRun = { ...ended, awaitingCallbackSince: now };
        await tx.putJobRun(waiting);
        fx.afterCommit(() => {
          jc.jobs.setActive(waiting);
          jc.wake();
        });
        return undefined;
      }
      return settleRun(jc, tx, fx, stored, ended, {
        succeeded: run.callbackStatusCode === 0,
        now,
        taskId: task.id,
        reason: `completion callback statusCode ${run.callbackStatusCode}`,
        ...(exitCode !== undefined ? { exitCode } : {}),
      });
    }
    return settleRun(jc, tx, fx, stored, ended, {
      succeeded: exitedOk,
      now,
      taskId: task.id,
      reason: `${finalState}${message ? `: ${message}` : ''}`,
      ...(exitCode !== undefined ? { exitCode } : {}),
    });
  });
  if (failedFinal) notifyFailed(jc, failedFinal, now);
}

function activeRunOf(jc: JobsContext, task: TaskRecord): JobRun | undefined {
  return task.jobRun ? jc.jobs.active.get(task.jobRun.job)?.get(task.jobRun.dueAt) : undefined;
}

function withAttempt(run: JobRun, task: TaskRecord, f: (a: RunAttempt) => RunAttempt): JobRun {
  return { ...run, attempts: run.attempts.map((a) => (a.taskId === task.id ? f(a) : a)) };
}
