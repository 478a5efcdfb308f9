/**
 * Whether a task runs its app's current configuration. `versionInfo.lastConfigChangeAt` names a
 * configuration: a scale keeps it, every other change (restart included) gets a new one, and a
 * rollback to a stored version gets that version's back. So a task is current exactly when it
 * was launched under the same lastConfigChangeAt, whatever the order of versions: after a
 * rollback the tasks of the abandoned version are old and those of the restored one are current.
 *
 * Tasks stored before tasks carried their configuration fall back to comparing versions.
 */
export interface TaskConfig {
  version: string;
  /** The app's lastConfigChangeAt when the task was launched. */
  configVersion?: string;
}

export function runsCurrentConfig(task: TaskConfig, lastConfigChangeAt: string): boolean {
  return task.configVersion !== undefined
    ? task.configVersion === lastConfigChangeAt
    : task.version >= lastConfigChangeAt;
}
