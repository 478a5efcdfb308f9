/**
 * Marathon 1.4+ reports an instance's `condition` (instance_changed_event) next to the Mesos task
 * state. Drover runs one task per instance, so the condition follows from the task state alone.
 */
import type { TaskState } from './task.js';

const CONDITIONS: Record<TaskState, string> = {
  TASK_STAGING: 'Staging',
  TASK_STARTING: 'Starting',
  TASK_RUNNING: 'Running',
  TASK_KILLING: 'Killing',
  TASK_FINISHED: 'Finished',
  TASK_FAILED: 'Failed',
  TASK_KILLED: 'Killed',
  TASK_ERROR: 'Error',
  // Drover forgets a lost task (it is terminal here), which is Marathon's Gone, not Unreachable.
  TASK_LOST: 'Gone',
  TASK_UNREACHABLE: 'Unreachable',
  TASK_GONE: 'Gone',
  TASK_DROPPED: 'Dropped',
  TASK_UNKNOWN: 'Unknown',
};

export function instanceCondition(state: TaskState): string {
  return CONDITIONS[state];
}
