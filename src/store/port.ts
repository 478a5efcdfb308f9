/**
 * The Store port. Every adapter (memory, sqlite, postgres) passes store.contract.ts.
 * The store is deliberately dumb: validation and decisions live in domain/ and the control
 * plane; the store keeps what it is given, atomically when asked.
 */
import type { AgentInfo } from '../domain/agent.js';
import type { AppDefinition } from '../domain/app.js';
import type { TaskFailure, TaskRecord } from '../domain/task.js';
import type { ChangeFeed } from './change-feed-port.js';
import type { DeploymentStoreOps } from './deployment-port.js';
import type { EventSubscriptionStoreOps } from './event-subscription-port.js';
import type { JobStoreOps } from './job-port.js';
import type { LeaseStoreOps } from './lease-port.js';
import type { SecurityStoreOps } from './security-port.js';

/** A task as its row: the record already encoded with json-value.ts `encodeJson`. */
export interface EncodedTask {
  id: string;
  appId: string;
  agentId: string;
  json: string;
}

export interface TaskFilter {
  appId?: string;
  agentId?: string;
}

/**
 * Job ops (jobs, run records, dependency progress) are declared in job-port.ts; deployment ops
 * (running deployments, root group versions) in deployment-port.ts; the leader lease's fencing read
 * in lease-port.ts; audit log, secrets and agent credentials in security-port.ts; Marathon event
 * callback subscribers in event-subscription-port.ts.
 */
export interface StoreOps
  extends JobStoreOps,
    DeploymentStoreOps,
    LeaseStoreOps,
    SecurityStoreOps,
    EventSubscriptionStoreOps {
  /** Upsert the current definition and keep it as a version (idempotent per id+version). */
  putApp(app: AppDefinition): Promise<void>;
  getApp(id: string): Promise<AppDefinition | undefined>;
  listApps(): Promise<AppDefinition[]>;
  /** Deletes the app, its versions and its last failure. Tasks are deleted by the caller. */
  deleteApp(id: string): Promise<void>;
  /** Version timestamps, newest first. */
  listAppVersions(id: string): Promise<string[]>;
  getAppVersion(id: string, version: string): Promise<AppDefinition | undefined>;
  /** Forgets one stored version (pruning); the current definition is not touched. */
  deleteAppVersion(id: string, version: string): Promise<void>;

  putTask(task: TaskRecord): Promise<void>;
  /** putTask for each, in order (an id given twice: the last wins); atomic. One statement per chunk. */
  putTasks(tasks: readonly TaskRecord[]): Promise<void>;
  /**
   * putTasks for records the caller encoded already (task-write-batch.ts encodes each write when
   * it is made, which is also its copy, instead of copying it then and encoding it at the flush).
   */
  putEncodedTasks(rows: readonly EncodedTask[]): Promise<void>;
  getTask(id: string): Promise<TaskRecord | undefined>;
  listTasks(filter?: TaskFilter): Promise<TaskRecord[]>;
  deleteTask(id: string): Promise<void>;

  putAgent(agent: AgentInfo): Promise<void>;
  getAgent(id: string): Promise<AgentInfo | undefined>;
  listAgents(): Promise<AgentInfo[]>;
  deleteAgent(id: string): Promise<void>;

  putTaskFailure(failure: TaskFailure): Promise<void>;
  getTaskFailure(appId: string): Promise<TaskFailure | undefined>;
  /** Every app's last failure, ordered by app id (one query: a new leader loads them at once). */
  listTaskFailures(): Promise<TaskFailure[]>;
}

export interface Store extends StoreOps {
  /** Run `fn` atomically: all its writes land or none do. Nested calls join the outer one. */
  transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** What changed since a position (SQL stores; change-feed-port.ts): what a warm standby follows. */
  readonly changes?: ChangeFeed;
}
