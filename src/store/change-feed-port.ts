/**
 * The change feed: what changed in the tables a new leader loads, since a position. A warm
 * standby (control-plane/leadership/warm-standby.ts) loads everything once, then follows this
 * feed, so taking over costs the changes since its last poll rather than a full load. Outside the
 * Store port, like the lease: only the SQL stores have it (migration 0007-change-log writes it
 * with triggers); the memory store has one master and no standby.
 */
import type { AgentInfo } from '../domain/agent.js';
import type { TaskRecord } from '../domain/task.js';

/** Tables followed row by row: `key` is the row's id. */
export type KeyedTable = 'tasks' | 'agents';
/** Tables reloaded whole when any of their rows changed (they are small). */
export type WholeTable =
  | 'apps'
  | 'task_failures'
  | 'deployments'
  | 'root_group_versions'
  | 'jobs'
  | 'job_runs'
  | 'job_progress';

export interface StoreChange {
  table: KeyedTable | WholeTable;
  /** The row id for keyed tables; '' otherwise. */
  key: string;
}

export type ChangesSince =
  /** Every change after the position asked for, oldest first; `seq` is the position after them. */
  | { kind: 'changes'; seq: number; changes: StoreChange[] }
  /** Changes after the position were pruned, or there are more than the limit: load everything. */
  | { kind: 'reload' };

export interface ChangeFeed {
  /** The position now. A full load started after this call sees at least every change up to it. */
  position(): Promise<number>;
  /** What changed after `seq` (two statements, whatever the number of changes up to `limit`). */
  since(seq: number, limit: number): Promise<ChangesSince>;
  /** The current rows of these tasks (those deleted are absent), in a bounded number of statements. */
  tasksById(ids: readonly string[]): Promise<TaskRecord[]>;
  agentsById(ids: readonly string[]): Promise<AgentInfo[]>;
  /** Forgets changes up to `seq` (older than any standby still needs); raises the floor to it. */
  prune(seq: number): Promise<void>;
}
