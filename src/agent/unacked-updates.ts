/**
 * Status updates the master has not acknowledged yet, in the order they were made. The agent
 * re-sends all of them, in this order, every time it (re-)registers, so no update is lost when a
 * link drops or a master fails over, and each task's updates always arrive in the order they
 * happened. (In-memory only: an agent that restarts reports its tasks through `register` instead.)
 */
import type { AgentToMaster } from '../domain/agent-protocol.js';
import { isTerminal } from '../domain/task.js';

export type StatusUpdateMessage = Extract<AgentToMaster, { type: 'statusUpdate' }>;

/** An update as the agent keeps it. agentId is filled in at send time: a master may assign a new one. */
export type PendingUpdate = Omit<StatusUpdateMessage, 'type' | 'agentId'>;

export class UnackedUpdates {
  /** Map iteration order is insertion order, which is the order updates were made. */
  private readonly byId = new Map<string, PendingUpdate>();

  add(update: PendingUpdate): void {
    this.byId.set(update.updateId, update);
  }

  /**
   * Removes an acknowledged update and returns it (undefined for an unknown or repeated ack).
   * Acking a terminal update also drops anything older for that task: the master has its final
   * state, so the older ones could only move it backwards.
   */
  ack(updateId: string): PendingUpdate | undefined {
    const update = this.byId.get(updateId);
    if (!update) return undefined;
    if (isTerminal(update.state)) {
      for (const [id, other] of this.byId) {
        if (id === updateId) break;
        if (other.taskId === update.taskId) this.byId.delete(id);
      }
    }
    this.byId.delete(updateId);
    return update;
  }

  all(): PendingUpdate[] {
    return [...this.byId.values()];
  }

  ofTask(taskId: string): PendingUpdate[] {
    return this.all().filter((u) => u.taskId === taskId);
  }

  get size(): number {
    return this.byId.size;
  }
}
