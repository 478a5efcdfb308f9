/**
 * A parent's run ended (or was marked successful): record progress for its children and fire
 * every child whose parents have all succeeded since it last started, in the caller's transaction.
 */
import type { JobRun, StoredJob } from '../../domain/job.js';
import { countsForChildren, isReady } from '../../schedules/dependency-dag.js';
import type { StoreOps } from '../../store/port.js';
import { skippedNotice } from './chronos-messages.js';
import type { Effects } from './commit-effects.js';
import type { JobsContext } from './job-context.js';

export async function parentFinished(
  jc: JobsContext,
  tx: StoreOps,
  fx: Effects,
  parent: StoredJob,
  outcome: 'succeeded' | 'failed',
  now: number,
): Promise<void> {
  if (!countsForChildren(outcome, parent.job.softError)) return;
  for (const childName of [...jc.jobs.childrenOf(parent.job.name)]) {
    const child = jc.jobs.byName.get(childName)!;
    const satisfied = new Set(jc.jobs.progress.get(childName) ?? []);
    satisfied.add(parent.job.name);
    if (!isReady(child.job, satisfied) || child.job.disabled) {
      await tx.addJobProgress({ child: childName, parent: parent.job.name, at: now });
      fx.afterCommit(() => jc.jobs.addProgress(childName, parent.job.name));
      continue;
    }
    // The child starts: its progress starts over, in the same transaction as its run record.
    await tx.clearJobProgress(childName);
    fx.afterCommit(() => jc.jobs.progress.delete(childName));
    await insertTriggeredRun(jc, tx, fx, child, 'dependency', now);
  }
}

/**
 * A run due now (dependency or manual). Its key must be unique: a second trigger in the same
 * millisecond takes the next free one. Non-concurrent jobs with a run active record an overlap.
 */
export async function insertTriggeredRun(
  jc: JobsContext,
  tx: StoreOps,
  fx: Effects,
  stored: StoredJob,
  trigger: 'dependency' | 'manual',
  now: number,
  args?: string[],
): Promise<JobRun> {
  const overlap =
    trigger === 'dependency' && !stored.job.concurrent && jc.jobs.activeRuns(stored.job.name).length > 0;
  for (let dueAt = now; ; dueAt++) {
    const run: JobRun = overlap
      ? {
          job: stored.job.name,
          dueAt,
          trigger,
          status: 'skipped',
          createdAt: now,
          skipReason: 'overlap',
          skipDetail: 'the previous run was still active (concurrent: false)',
          attempts: [],
          endedAt: now,
        }
      : {
          job: stored.job.name,
          dueAt,
          trigger,
          status: 'queued',
          createdAt: now,
          attempts: [],
          ...(args && args.length > 0 ? { arguments: args } : {}),
        };
    if (await tx.insertJobRun(run)) {
      fx.afterCommit(() => {
        jc.jobs.setActive(run);
        jc.wake();
        if (run.status === 'skipped') jc.owners?.send(skippedNotice(stored.job, [run]));
      });
      return run;
    }
  }
}
