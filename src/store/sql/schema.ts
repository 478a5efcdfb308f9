/**
 * The tables as kysely sees them. Entities are JSON text (`json`) plus the columns we filter or
 * join on. Every dialect's migrations must produce exactly these tables and columns.
 */
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

export interface StoreDatabase {
  apps: AppsTable;
  app_versions: AppVersionsTable;
  tasks: TasksTable;
  agents: AgentsTable;
  task_failures: TaskFailuresTable;
}
