/**
 * The tables as kysely sees them. Entities are JSON text (`json`) plus the columns we filter or
 * join on. Every dialect's migrations must produce exactly these tables and columns.
 */
import type { Generated } from 'kysely';

export interface AppsTable {
  id: string;
  /** The current version's timestamp (the newest put, not necessarily the newest timestamp). */
  version: string;
  json: string;
}

export interface AppVersionsTable {
  app_id: string;
  version: string;
  json: string;
}

export interface TasksTable {
  id: string;
  app_id: string;
  agent_id: string;
  json: string;
}

export interface AgentsTable {
  id: string;
  json: string;
}

export interface TaskFailuresTable {
  app_id: string;
  json: string;
}

/** Scheduled jobs (migration 0002-jobs). */
export interface JobsTable {
  name: string;
  json: string;
}

/** One row per occurrence: the primary key (job, due_at) is the exactly-once guarantee. */
export interface JobRunsTable {
  job: string;
  /** Epoch ms; bigint (PostgreSQL returns it as a string). */
  due_at: number | string;
  active: number;
  json: string;
}

export interface JobProgressTable {
  child: string;
  parent: string;
  at: number | string;
}

/** Running deployments (migration 0003-deployments). */
export interface DeploymentsTable {
  id: string;
  json: string;
}

/** Versions of the root group, by version timestamp. */
export interface RootGroupVersionsTable {
  version: string;
  json: string;
}

/** The leader lease, one row with id 1 (migration 0004-leader-lease; lease-port.ts). */
export interface LeaderLeaseTable {
  id: number;
  holder: string;
  term: number | string;
  address: string;
  expires_at_ms: number | string;
}

/** Mutating API calls (migration 0005-security); `json` is the whole AuditEntry. */
export interface AuditLogTable {
  id: string;
  at: number | string;
  json: string;
}

/** Secrets, sealed (AES-256-GCM) before they reach the store. */
export interface SecretsTable {
  name: string;
  version: number | string;
  sealed: string;
  updated_at: string;
}

/** The hash of each agent's own credential. */
export interface AgentCredentialsTable {
  agent_id: string;
  hash: string;
}

/** Marathon `/v2/eventSubscriptions` callback subscribers. */
export interface EventSubscriptionsTable {
  callback_url: string;
  json: string;
}

/** The change log a warm standby follows (migration 0007-change-log; change-feed-port.ts). */
export interface StoreChangesTable {
  /** Grows with commit order; bigint (PostgreSQL returns it as a string). */
  seq: Generated<number | string>;
  tbl: string;
  /** The row id for tasks and agents; '' for tables reloaded whole. */
  key: string;
}

/** One row (id 1): changes up to `seq` were pruned. */
export interface StoreChangeFloorTable {
  id: number;
  seq: number | string;
}

export interface StoreDatabase {
  apps: AppsTable;
  app_versions: AppVersionsTable;
  tasks: TasksTable;
  agents: AgentsTable;
  task_failures: TaskFailuresTable;
  jobs: JobsTable;
  job_runs: JobRunsTable;
  job_progress: JobProgressTable;
  deployments: DeploymentsTable;
  root_group_versions: RootGroupVersionsTable;
  leader_lease: LeaderLeaseTable;
  audit_log: AuditLogTable;
  secrets: SecretsTable;
  agent_credentials: AgentCredentialsTable;
  event_subscriptions: EventSubscriptionsTable;
  store_changes: StoreChangesTable;
  store_change_floor: StoreChangeFloorTable;
}
