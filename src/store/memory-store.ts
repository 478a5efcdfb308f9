/**
 * The in-memory Store: for tests and the simulation harness. It behaves like the SQLite adapter:
 * values are stored as JSON text (so callers never share objects with the store), calls are
 * serialised, and a transaction works on copy-on-write tables that replace the live ones only
 * when its fn resolves.
 */
import type { AgentInfo } from '../domain/agent.js';
import type { AppDefinition } from '../domain/app.js';
import type { TaskFailure, TaskRecord } from '../domain/task.js';
import { assembleStore } from './ambient-transaction.js';
import { decodeJson, encodeJson } from './json-value.js';
import type { LeaseRecord } from './lease-port.js';
import {
  type DeploymentTables,
  emptyDeploymentTables,
  memoryDeploymentOps,
} from './memory-deployment-tables.js';
import {
  type EventSubscriptionTables,
  emptyEventSubscriptionTables,
  memoryEventSubscriptionOps,
} from './memory-event-subscription-tables.js';
import { emptyJobTables, type JobTables, memoryJobOps } from './memory-job-tables.js';
import { emptySecurityTables, memorySecurityOps, type SecurityTables } from './memory-security-tables.js';
import type { Store, StoreOps } from './port.js';
import { createSerialLock } from './serial-lock.js';
import { byId, newestFirst } from './version-order.js';

interface TaskRow {
  appId: string;
  agentId: string;
  json: string;
}

/** Values are immutable (strings, rows, version maps are replaced, never edited in place). */
interface Tables extends JobTables, DeploymentTables, SecurityTables, EventSubscriptionTables {
  apps: Map<string, string>;
  /** app id -> version -> json */
  versions: Map<string, ReadonlyMap<string, string>>;
  tasks: Map<string, TaskRow>;
  agents: Map<string, string>;
  failures: Map<string, string>;
}

type TableName = keyof Tables;

interface TableAccess {
  read<K extends TableName>(name: K): Tables[K];
  write<K extends TableName>(name: K): Tables[K];
}

type Run = <T>(body: () => T) => Promise<T>;

function emptyTables(): Tables {
  return {
    apps: new Map(),
    versions: new Map(),
    tasks: new Map(),
    agents: new Map(),
    failures: new Map(),
    ...emptyJobTables(),
    ...emptyDeploymentTables(),
    ...emptySecurityTables(),
    ...emptyEventSubscriptionTables(),
  };
}

/** Values are encoded when a put is called, so a caller mutating them afterwards changes nothing. */
function memoryOps(t: TableAccess, run: Run, lease: () => LeaseRecord | undefined): StoreOps {
  return {
    ...memoryJobOps(t, run),
    ...memoryDeploymentOps(t, run),
    ...memorySecurityOps(t, run),
    ...memoryEventSubscriptionOps(t, run),
    readLease: () => run(() => lease()),
    putApp: (app: AppDefinition) => {
      const json = encodeJson(app);
      return run(() => {
        t.write('apps').set(app.id, json);
        const versions = new Map(t.read('versions').get(app.id));
        versions.set(app.version, json);
        t.write('versions').set(app.id, versions);
      });
    },
    getApp: (id) => run(() => decodeOptional<AppDefinition>(t.read('apps').get(id))),
    listApps: () =>
      run(() =>
        byId([...t.read('apps')].map(([id, json]) => ({ id, value: decodeJson<AppDefinition>(json) }))),
      ),
    deleteApp: (id) =>
      run(() => {
        t.write('apps').delete(id);
        t.write('versions').delete(id);
        t.write('failures').delete(id);
      }),
    listAppVersions: (id) => run(() => newestFirst(t.read('versions').get(id)?.keys() ?? [])),
    getAppVersion: (id, version) =>
      run(() => decodeOptional<AppDefinition>(t.read('versions').get(id)?.get(version))),
    deleteAppVersion: (id, version) =>
      run(() => {
        const versions = new Map(t.read('versions').get(id));
        if (!versions.delete(version)) return;
        t.write('versions').set(id, versions);
      }),

    putTask: (task: TaskRecord) => {
      const row: TaskRow = { appId: task.appId, agentId: task.agentId, json: encodeJson(task) };
      return run(() => {
        t.write('tasks').set(task.id, row);
      });
    },
    putTasks: (tasks) => {
      const rows = tasks.map((task): [string, TaskRow] => [
        task.id,
        { appId: task.appId, agentId: task.agentId, json: encodeJson(task) },
      ]);
      return run(() => {
        if (rows.length === 0) return;
        const table = t.write('tasks');
        for (const [id, row] of rows) table.set(id, row);
      });
    },
    putEncodedTasks: (encoded) => {
      const rows = encoded.map((r): [string, TaskRow] => [
        r.id,
        { appId: r.appId, agentId: r.agentId, json: r.json },
      ]);
      return run(() => {
        if (rows.length === 0) return;
        const table = t.write('tasks');
        for (const [id, row] of rows) table.set(id, row);
      });
    },
    getTask: (id) => run(() => decodeOptional<TaskRecord>(t.read('tasks').get(id)?.json)),
    listTasks: (filter = {}) =>
      run(() => {
        const rows: Array<{ id: string; value: TaskRecord }> = [];
        for (const [id, row] of t.read('tasks')) {
          if (filter.appId !== undefined && row.appId !== filter.appId) continue;
          if (filter.agentId !== undefined && row.agentId !== filter.agentId) continue;
          rows.push({ id, value: decodeJson<TaskRecord>(row.json) });
        }
        return byId(rows);
      }),
    deleteTask: (id) =>
      run(() => {
        t.write('tasks').delete(id);
      }),

    putAgent: (agent: AgentInfo) => {
      const json = encodeJson(agent);
      return run(() => {
        t.write('agents').set(agent.id, json);
      });
    },
    getAgent: (id) => run(() => decodeOptional<AgentInfo>(t.read('agents').get(id))),
    listAgents: () =>
      run(() =>
        byId([...t.read('agents')].map(([id, json]) => ({ id, value: decodeJson<AgentInfo>(json) }))),
      ),
    deleteAgent: (id) =>
      run(() => {
        t.write('agents').delete(id);
      }),

    putTaskFailure: (failure: TaskFailure) => {
      const json = encodeJson(failure);
      return run(() => {
        t.write('failures').set(failure.appId, json);
      });
    },
    getTaskFailure: (appId) => run(() => decodeOptional<TaskFailure>(t.read('failures').get(appId))),
    listTaskFailures: () =>
      run(() =>
        byId([...t.read('failures')].map(([id, json]) => ({ id, value: decodeJson<TaskFailure>(json) }))),
      ),
  };
}

function decodeOptional<T>(json: string | undefined): T | undefined {
  return json === undefined ? undefined : decodeJson<T>(json);
}

export interface MemoryStoreOptions {
  /** The leader lease fenced stores read (a MemoryLeaderLease's `peek`); none by default. */
  lease?: () => LeaseRecord | undefined;
}

export function createMemoryStore(opts: MemoryStoreOptions = {}): Store {
  const lease = opts.lease ?? (() => undefined);
  let live = emptyTables();
  const lock = createSerialLock();
  const direct: TableAccess = { read: (name) => live[name], write: (name) => live[name] };

  return assembleStore({
    ops: memoryOps(direct, (body) => lock(body), lease),

    transact: (fn) =>
      lock(async () => {
        const copies: Partial<Tables> = {};
        const access: TableAccess = {
          read: (name) => copies[name] ?? live[name],
          write: <K extends TableName>(name: K): Tables[K] => {
            // Copy a table on its first write; the live tables stay untouched until commit.
            copies[name] ??= new Map(live[name] as Map<string, never>) as Tables[K];
            return copies[name] as Tables[K];
          },
        };
        // The lock is already held: transaction ops run straight away.
        const result = await fn(memoryOps(access, async (body) => body(), lease));
        live = { ...live, ...copies };
        return result;
      }),

    close: async () => {
      live = emptyTables();
    },
  });
}
