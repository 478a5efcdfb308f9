/**
 * What follows an attempt that ended (its task exited, an async job's callback came, or its
 * deadline passed), inside the caller's transaction: succeeded (counters, children), killed (a
 * user asked), retrying (attempts left, after the job's delay) or failed (counters, notifications
 * after the commit). Kept in one place so the task path, the async callback and the deadline
 * decide alike.
 */
import type { JobRun, StoredJob } from '../../domain/job.js';
import { hasRetryLeft, retryDelayMs } from '../../schedules/retry-policy.js';
import type { StoreOps } from '../../store/port.js';
import { failedNotice } from './chronos-messages.js';
import type { Effects } from './commit-effects.js';
import { parentFinished } from './dependents.js';
import type { JobsContext } from './job-context.js';

export interface Settle {
  succeeded: boolean;
  now: number;
  /** The attempt's task, for the log line of a retry. */
  taskId: string;
  /** Why the attempt did not succeed (the log line of a retry). */
  reason: string;
  exitCode?: number;
}

export interface FailedFinal {
  job: StoredJob;
  run: JobRun;
}

/** Decides and stores the run; returns the final failure to notify once committed, if any. */
export async function settleRun(
  jc: JobsContext,
  tx: StoreOps,
  fx: Effects,
  stored: StoredJob,
  ended: JobRun,
  s: Settle,
): Promise<FailedFinal | undefined> {
  const { now } = s;
  const attempt = ended.attempts.length;
  const job = stored.job;
  const { awaitingCallbackSince: _w, callbackStatusCode: _c, ...open } = ended;
  let next: JobRun;
  let counters = stored;
  let failedFinal: FailedFinal | undefined;
  if (s.succeeded) {
    next = final(open, 'succeeded', now, s.exitCode);
    counters = {
      ...stored,
      job: { ...job, successCount: job.successCount + 1, lastSuccess: iso(now), errorsSinceLastSuccess: 0 },
    };
  } else if (ended.killRequestedAt !== undefined) {
    next = final(open, 'killed', now, s.exitCode);
  } else if (hasRetryLeft(attempt, job.retries)) {
    const delay = retryDelayMs(attempt, job.retryDelaySeconds * 1000, job.retryBackoffFactor);
    next = { ...open, status: 'retrying', retryAt: now + delay };
    // A retry means the job may run twice if the attempt did run: say why, for the record.
    jc.master.deps.logger.info(
      { job: job.name, dueAt: iso(ended.dueAt), attempt, taskId: s.taskId, reason: s.reason },
      'job run attempt ended without success: retrying',
    );
  } else {
    next = final(open, 'failed', now, s.exitCode);
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
    fx.afterCommit(() => jc.jobs.byName.set(job.name, counters));
  }
  if (next.status === 'succeeded' || next.status === 'failed')
    await parentFinished(jc, tx, fx, counters, next.status, now);
  return failedFinal;
}

/** A run failed after its retries: the job's notifications (best effort, after the commit). */
export function notifyFailed(jc: JobsContext, f: FailedFinal, now: number): void {
  jc.webhooks.notify({ event: 'job_run_failed', timestamp: iso(now), job: f.job.job, run: f.run });
  jc.owners?.send(failedNotice(f.job.job, f.run, now));
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
