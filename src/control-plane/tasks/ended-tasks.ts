/**
 * Where recently ended tasks ran. A task leaves the master's state when it ends (as in Marathon),
 * but its sandbox stays on its agent, and right after a failure is when its stderr is wanted: the
 * master remembers the agent of the last `capacity` ended tasks so a log read can still be routed.
 * In memory only; after a restart the apps' lastTaskFailure still names the agent of each app's
 * last failed task.
 */

/** Ended tasks remembered by default: one agent id each, a few hundred kB at most. */
export const DEFAULT_ENDED_TASKS_KEPT = 1000;

export class EndedTasks {
  /** Task id -> agent id, oldest first (Map keeps insertion order). */
  private readonly agents = new Map<string, string>();

  constructor(readonly capacity = DEFAULT_ENDED_TASKS_KEPT) {
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new RangeError(`capacity must be >= 0, got ${capacity}`);
  }

  /** Remember that `taskId` ran on `agentId`, dropping the oldest entries beyond the capacity. */
  remember(taskId: string, agentId: string): void {
    this.agents.delete(taskId);
    this.agents.set(taskId, agentId);
    while (this.agents.size > this.capacity) {
      const oldest = this.agents.keys().next().value as string;
      this.agents.delete(oldest);
    }
  }

  agentOf(taskId: string): string | undefined {
    return this.agents.get(taskId);
  }

  get size(): number {
    return this.agents.size;
  }
}
