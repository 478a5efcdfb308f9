/**
 * Agent recovery after a restart (crash, kill -9, upgrade): before it first registers, the agent
 * reads the checkpoint of every sandbox and asks the executor that launched each unfinished task to
 * re-attach to it.
 *
 *   checkpoint not ended ──► executor.reattach ──► RunningTask ──► runner.adopt (TASK_RUNNING,
 *                                    │                              reported in `register`)
 *                                    └──────────► undefined ─────► strays stopped, marked ended
 *
 * The master then adopts the reported tasks it knows, kills those it does not, and replaces the
 * ones no longer reported. Status updates that were unacked when the agent died are lost; the
 * master learns the outcome through this report instead.
 */
import type { Logger } from '../platform/logger.js';
import type { TaskCheckpoint, TaskCheckpoints } from './checkpoint.js';
import type { Executor } from './executors/executor.js';
import type { Sandboxes } from './sandbox.js';
import type { AgentExecutors, TaskRunner } from './task-runner.js';

export interface RecoveryReport {
  /** Still running: supervised again and reported to the master. */
  adopted: string[];
  /** Ended while the agent was down (or never got started): marked ended, nothing left running. */
  gone: string[];
  /** Could not be handled (unreadable checkpoint, no executor able to re-attach, errors). */
  failed: Array<{ taskId: string; error: string }>;
}

export interface RecoveryDeps {
  checkpoints: TaskCheckpoints;
  sandboxes: Sandboxes;
  executors: AgentExecutors;
  runner: TaskRunner;
  logger: Logger;
}

export const GONE_MESSAGE = 'Task was no longer running when the agent restarted';

export async function recoverTasks(deps: RecoveryDeps): Promise<RecoveryReport> {
  const report: RecoveryReport = { adopted: [], gone: [], failed: [] };
  const { checkpoints, unreadable } = await deps.checkpoints.readAll();
  for (const u of unreadable) {
    deps.logger.error({ taskId: u.taskId, error: u.error }, 'unusable task checkpoint: task not recovered');
    report.failed.push(u);
  }
  const unfinished = checkpoints.filter((cp) => cp.ended === undefined);
  await Promise.all(unfinished.map((cp) => recoverOne(cp, deps, report)));
  // Promise.all finishes in any order; reports read better sorted.
  report.adopted.sort();
  report.gone.sort();
  deps.logger.info(
    { adopted: report.adopted.length, gone: report.gone.length, failed: report.failed.length },
    'task recovery done',
  );
  return report;
}

async function recoverOne(cp: TaskCheckpoint, deps: RecoveryDeps, report: RecoveryReport): Promise<void> {
  const { taskId } = cp;
  const fail = (error: string, err?: unknown) => {
    deps.logger.error({ taskId, executor: cp.executor, err, error }, 'task not recovered');
    report.failed.push({ taskId, error });
  };
  const executor = executorOfKind(deps.executors, cp.executor);
  if (!executor?.reattach) {
    fail(`no '${cp.executor}' executor able to re-attach on this agent`);
    return;
  }
  try {
    const running = await executor.reattach({
      spec: cp.spec,
      sandbox: deps.sandboxes.pathOf(taskId),
      logs: deps.sandboxes.logsOf(taskId),
      handle: cp.handle,
    });
    if (running) {
      deps.runner.adopt(cp, running);
      report.adopted.push(taskId);
      return;
    }
    await deps.checkpoints.write({ ...cp, ended: { state: 'TASK_GONE', message: GONE_MESSAGE } });
    deps.logger.info({ taskId }, 'task ended while the agent was down');
    report.gone.push(taskId);
  } catch (err) {
    fail(`re-attach failed: ${(err as Error).message}`, err);
  }
}

function executorOfKind(executors: AgentExecutors, kind: string): Executor | undefined {
  return [executors.process, executors.docker].find((e) => e?.kind === kind);
}
