/**
 * Which event a committed change of a job run makes (pure). Every stored run change reaches
 * JobsState.setActive once its transaction has committed, so the events are decided there, from
 * the run before and after: a new record is queued (or finished, when it was recorded skipped),
 * a new attempt is started, a failed attempt with retries left is retrying, and a run that leaves
 * the active set is finished or failed. Changes within a status (a task reporting RUNNING, a kill
 * being requested, async progress) make no event: the UI re-reads the run on the next one.
 */
import { isActiveRun, type JobRun, runQueueDelayMs, runTimeMs } from '../../domain/job.js';
import type { JobRunEventJson } from '../events/event-types.js';

export type JobRunEventType =
  | 'job_run_queued_event'
  | 'job_run_started_event'
  | 'job_run_retrying_event'
  | 'job_run_finished_event'
  | 'job_run_failed_event';

export interface JobRunEvent {
  type: JobRunEventType;
  payload: JobRunEventJson;
}

function typeOf(prev: JobRun | undefined, next: JobRun): JobRunEventType | undefined {
  if (prev !== undefined && !isActiveRun(prev)) return undefined;
  switch (next.status) {
    case 'queued':
      return prev === undefined ? 'job_run_queued_event' : undefined;
    case 'running':
      return next.attempts.length > (prev?.attempts.length ?? 0) ? 'job_run_started_event' : undefined;
    case 'retrying':
      return prev?.status !== 'retrying' ? 'job_run_retrying_event' : undefined;
    case 'failed':
      return 'job_run_failed_event';
    default:
      return 'job_run_finished_event';
  }
}

export function jobRunEvent(prev: JobRun | undefined, next: JobRun): JobRunEvent | undefined {
  const type = typeOf(prev, next);
  return type === undefined ? undefined : { type, payload: jobRunEventJson(next) };
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

export function jobRunEventJson(run: JobRun): JobRunEventJson {
  const last = run.attempts.at(-1);
  return {
    jobName: run.job,
    runId: String(run.dueAt),
    dueAt: new Date(run.dueAt).toISOString(),
    trigger: run.trigger,
    outcome: run.status,
    attempt: run.attempts.length,
    taskId: last?.taskId ?? null,
    host: last?.host ?? null,
    createdAt: new Date(run.createdAt).toISOString(),
    launchedAt: iso(last?.launchedAt),
    startedAt: iso(run.attempts[0]?.startedAt),
    endedAt: iso(run.endedAt),
    queueDelayMs: runQueueDelayMs(run),
    runTimeMs: runTimeMs(run),
    exitCode: run.exitCode ?? last?.exitCode ?? null,
    retryAt: iso(run.retryAt),
    skipReason: run.skipReason ?? null,
    message: run.message ?? null,
  };
}
