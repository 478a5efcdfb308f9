/**
 * Whether a task may start after its fetch: the fetcher puts the spec's `fetch` entries into the
 * sandbox (fetcher/fetcher.ts, Mesos fetcher semantics). A failed fetch ends the task TASK_FAILED
 * with Mesos' message; a kill that came during the fetch ends it TASK_KILLED; either way the
 * runner does not launch it. An agent without a fetcher skips the entries (and says so).
 */
import type { TaskState } from '../domain/task.js';
import type { Logger } from '../platform/logger.js';
import { REASON } from './exit-status.js';
import type { Fetcher } from './fetcher/fetcher.js';
import type { TaskChange, TaskEntry } from './task-entry.js';

type Extra = Omit<TaskChange, 'taskId' | 'appId' | 'state'>;

export interface TaskFetchDeps {
  fetcher: Fetcher | undefined;
  logger: Logger;
  /** Report a state change of the task (TaskRunner.change). */
  change(state: TaskState, extra: Extra): void;
  /** End the task (TaskRunner.finish). */
  finish(state: TaskState, extra: Extra): void;
}

/** Runs the fetcher; on failure the task ends TASK_FAILED with the reason and false is returned. */
export async function fetchForTask(entry: TaskEntry, sandbox: string, deps: TaskFetchDeps): Promise<boolean> {
  const { spec } = entry;
  const log = deps.logger;
  if (!deps.fetcher) {
    log.warn({ taskId: spec.taskId }, 'no fetcher on this agent: fetch entries skipped');
    return true;
  }
  if (entry.state === 'TASK_STARTING') deps.change('TASK_STARTING', { message: 'Fetching URIs' });
  try {
    const reports = await deps.fetcher.fetchAll(spec.fetch, sandbox);
    log.info({ taskId: spec.taskId, fetched: reports }, 'fetched URIs');
  } catch (err) {
    const message = `Failed to fetch all URIs for container '${spec.taskId}': ${(err as Error).message}`;
    log.warn({ taskId: spec.taskId, err }, 'fetch failed');
    if (entry.kill) deps.finish('TASK_KILLED', { reason: REASON.killedDuringLaunch, message });
    else deps.finish('TASK_FAILED', { reason: REASON.fetcherFailed, message });
    return false;
  }
  if (entry.kill) {
    deps.finish('TASK_KILLED', {
      reason: REASON.killedDuringLaunch,
      message: 'Killed before the task was started',
    });
    return false;
  }
  return true;
}
