/**
 * The Store's queries, written once against kysely's query builder and nothing dialect-specific
 * (upserts are `ON CONFLICT ... DO UPDATE`, which SQLite and PostgreSQL share), so every SQL
 * adapter runs this same code and only brings a dialect and migrations.
 */
import type { Kysely } from 'kysely';
import type { AgentInfo } from '../../domain/agent.js';
import type { AppDefinition } from '../../domain/app.js';
import type { TaskFailure, TaskRecord } from '../../domain/task.js';
import { decodeJson, encodeJson } from '../json-value.js';
import type { EncodedTask, StoreOps } from '../port.js';
import { newestFirst } from '../version-order.js';
import { chunksOf, lastPerKey } from './batch-chunks.js';
import { sqlDeploymentOps } from './deployment-store-ops.js';
import { sqlEventSubscriptionOps } from './event-subscription-store-ops.js';
import { sqlJobOps } from './job-store-ops.js';
import { sqlLeaseOps } from './lease-store-ops.js';
import type { StoreDatabase } from './schema.js';
import { sqlSecurityOps } from './security-store-ops.js';
import { decodeSlicedById } from './sliced-decode.js';

type Db = Kysely<StoreDatabase>;

/** Statements that must land together run in a transaction of their own unless already in one. */
function atomically(db: Db, body: (db: Db) => Promise<void>): Promise<void> {
  return db.isTransaction ? body(db) : db.transaction().execute(body);
}

function decodeOptional<T>(row: { json: unknown } | undefined): T | undefined {
  return row === undefined ? undefined : decodeJson<T>(row.json);
}

/** Lists grow with the cluster: decoded in slices that let lease renewals through (sliced-decode.ts). */
function decodeById<T>(rows: Array<{ id: string; json: unknown }>): Promise<T[]> {
  return decodeSlicedById<T>(rows);
}

/** Values are encoded when a put is called, so a caller mutating them afterwards changes nothing. */
/** Upserts task rows, one multi-row statement per chunk; an id given twice: the last wins. */
async function putTaskRows(db: Db, tasks: readonly EncodedTask[]): Promise<void> {
  if (tasks.length === 0) return;
  const rows = lastPerKey(tasks, (t) => t.id).map((t) => ({
    id: t.id,
    app_id: t.appId,
    agent_id: t.agentId,
    json: t.json,
  }));
  await atomically(db, async (db) => {
    for (const chunk of chunksOf(rows, 4)) {
      await db
        .insertInto('tasks')
        .values(chunk)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            app_id: eb.ref('excluded.app_id'),
            agent_id: eb.ref('excluded.agent_id'),
            json: eb.ref('excluded.json'),
          })),
        )
        .execute();
    }
  });
}

export function sqlStoreOps(db: Db): StoreOps {
  return {
    ...sqlJobOps(db),
    ...sqlDeploymentOps(db),
    ...sqlLeaseOps(db),
    ...sqlSecurityOps(db),
    ...sqlEventSubscriptionOps(db),
    putApp: (app: AppDefinition) => {
      const json = encodeJson(app);
      return atomically(db, async (db) => {
        await db
          .insertInto('apps')
          .values({ id: app.id, version: app.version, json })
          .onConflict((oc) => oc.column('id').doUpdateSet({ version: app.version, json }))
          .execute();
        await db
          .insertInto('app_versions')
          .values({ app_id: app.id, version: app.version, json })
          .onConflict((oc) => oc.columns(['app_id', 'version']).doUpdateSet({ json }))
          .execute();
      });
    },

    getApp: async (id) =>
      decodeOptional<AppDefinition>(
        await db.selectFrom('apps').select('json').where('id', '=', id).executeTakeFirst(),
      ),

    listApps: async () =>
      decodeById<AppDefinition>(await db.selectFrom('apps').select(['id', 'json']).execute()),

    deleteApp: (id) =>
      atomically(db, async (db) => {
        await db.deleteFrom('app_versions').where('app_id', '=', id).execute();
        await db.deleteFrom('task_failures').where('app_id', '=', id).execute();
        await db.deleteFrom('apps').where('id', '=', id).execute();
      }),

    listAppVersions: async (id) => {
      const rows = await db.selectFrom('app_versions').select('version').where('app_id', '=', id).execute();
      return newestFirst(rows.map((r) => r.version));
    },

    getAppVersion: async (id, version) =>
      decodeOptional<AppDefinition>(
        await db
          .selectFrom('app_versions')
          .select('json')
          .where('app_id', '=', id)
          .where('version', '=', version)
          .executeTakeFirst(),
      ),

    deleteAppVersion: async (id, version) => {
      await db.deleteFrom('app_versions').where('app_id', '=', id).where('version', '=', version).execute();
    },

    putTask: async (task: TaskRecord) => {
      const json = encodeJson(task);
      await db
        .insertInto('tasks')
        .values({ id: task.id, app_id: task.appId, agent_id: task.agentId, json })
        .onConflict((oc) => oc.column('id').doUpdateSet({ app_id: task.appId, agent_id: task.agentId, json }))
        .execute();
    },

    putTasks: (tasks) =>
      putTaskRows(
        db,
        tasks.map((t) => ({ id: t.id, appId: t.appId, agentId: t.agentId, json: encodeJson(t) })),
      ),

    putEncodedTasks: (rows) => putTaskRows(db, rows),

    getTask: async (id) =>
      decodeOptional<TaskRecord>(
        await db.selectFrom('tasks').select('json').where('id', '=', id).executeTakeFirst(),
      ),

    listTasks: async (filter = {}) => {
      let q = db.selectFrom('tasks').select(['id', 'json']);
      if (filter.appId !== undefined) q = q.where('app_id', '=', filter.appId);
      if (filter.agentId !== undefined) q = q.where('agent_id', '=', filter.agentId);
      return decodeById<TaskRecord>(await q.execute());
    },

    deleteTask: async (id) => {
      await db.deleteFrom('tasks').where('id', '=', id).execute();
    },

    putAgent: async (agent: AgentInfo) => {
      const json = encodeJson(agent);
      await db
        .insertInto('agents')
        .values({ id: agent.id, json })
        .onConflict((oc) => oc.column('id').doUpdateSet({ json }))
        .execute();
    },

    getAgent: async (id) =>
      decodeOptional<AgentInfo>(
        await db.selectFrom('agents').select('json').where('id', '=', id).executeTakeFirst(),
      ),

    listAgents: async () =>
      decodeById<AgentInfo>(await db.selectFrom('agents').select(['id', 'json']).execute()),

    deleteAgent: async (id) => {
      await db.deleteFrom('agents').where('id', '=', id).execute();
    },

    putTaskFailure: async (failure: TaskFailure) => {
      const json = encodeJson(failure);
      await db
        .insertInto('task_failures')
        .values({ app_id: failure.appId, json })
        .onConflict((oc) => oc.column('app_id').doUpdateSet({ json }))
        .execute();
    },

    listTaskFailures: async () =>
      decodeById<TaskFailure>(
        (await db.selectFrom('task_failures').select(['app_id', 'json']).execute()).map((r) => ({
          id: r.app_id,
          json: r.json,
        })),
      ),

    getTaskFailure: async (appId) =>
      decodeOptional<TaskFailure>(
        await db.selectFrom('task_failures').select('json').where('app_id', '=', appId).executeTakeFirst(),
      ),
  };
}
