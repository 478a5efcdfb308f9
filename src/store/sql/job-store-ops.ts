/**
 * The job queries, dialect-neutral kysely (shared by SQLite and PostgreSQL like store-ops.ts).
 * Epoch-ms columns are bigint: PostgreSQL's driver returns them as strings, hence Number().
 */
import type { Kysely } from 'kysely';
import type { JobRun, StoredJob } from '../../domain/job.js';
import { isActiveRun } from '../../domain/job.js';
import type { JobStoreOps } from '../job-port.js';
import { decodeJson, encodeJson } from '../json-value.js';
import type { StoreDatabase } from './schema.js';

type Db = Kysely<StoreDatabase>;

function atomically(db: Db, body: (db: Db) => Promise<void>): Promise<void> {
  return db.isTransaction ? body(db) : db.transaction().execute(body);
}

export function sqlJobOps(db: Db): JobStoreOps {
  return {
    putJob: async (stored: StoredJob) => {
      const json = encodeJson(stored);
      await db
        .insertInto('jobs')
        .values({ name: stored.job.name, json })
        .onConflict((oc) => oc.column('name').doUpdateSet({ json }))
        .execute();
    },

    getJob: async (name) => {
      const row = await db.selectFrom('jobs').select('json').where('name', '=', name).executeTakeFirst();
      return row ? decodeJson<StoredJob>(row.json) : undefined;
    },

    listJobs: async () => {
      const rows = await db.selectFrom('jobs').select(['name', 'json']).execute();
      return rows
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((r) => decodeJson<StoredJob>(r.json));
    },

    deleteJob: (name) =>
      atomically(db, async (db) => {
        await db.deleteFrom('job_runs').where('job', '=', name).execute();
        await db
          .deleteFrom('job_progress')
          .where((eb) => eb.or([eb('child', '=', name), eb('parent', '=', name)]))
          .execute();
        await db.deleteFrom('jobs').where('name', '=', name).execute();
      }),

    insertJobRun: async (run: JobRun) => {
      const result = await db
        .insertInto('job_runs')
        .values({ job: run.job, due_at: run.dueAt, active: isActiveRun(run) ? 1 : 0, json: encodeJson(run) })
        .onConflict((oc) => oc.columns(['job', 'due_at']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    putJobRun: async (run: JobRun) => {
      const json = encodeJson(run);
      const active = isActiveRun(run) ? 1 : 0;
      await db
        .insertInto('job_runs')
        .values({ job: run.job, due_at: run.dueAt, active, json })
        .onConflict((oc) => oc.columns(['job', 'due_at']).doUpdateSet({ active, json }))
        .execute();
    },

    getJobRun: async (job, dueAt) => {
      const row = await db
        .selectFrom('job_runs')
        .select('json')
        .where('job', '=', job)
        .where('due_at', '=', dueAt)
        .executeTakeFirst();
      return row ? decodeJson<JobRun>(row.json) : undefined;
    },

    listJobRuns: async (job, query = {}) => {
      let q = db.selectFrom('job_runs').select('json').where('job', '=', job);
      if (query.before !== undefined) q = q.where('due_at', '<', query.before);
      q = q.orderBy('due_at', 'desc');
      if (query.limit !== undefined) q = q.limit(query.limit);
      return (await q.execute()).map((r) => decodeJson<JobRun>(r.json));
    },

    listActiveJobRuns: async () => {
      const rows = await db
        .selectFrom('job_runs')
        .select('json')
        .where('active', '=', 1)
        .orderBy('job')
        .orderBy('due_at')
        .execute();
      return rows.map((r) => decodeJson<JobRun>(r.json));
    },

    addJobProgress: async ({ child, parent, at }) => {
      await db
        .insertInto('job_progress')
        .values({ child, parent, at })
        .onConflict((oc) => oc.columns(['child', 'parent']).doUpdateSet({ at }))
        .execute();
    },

    listJobProgress: async () => {
      const rows = await db
        .selectFrom('job_progress')
        .select(['child', 'parent', 'at'])
        .orderBy('child')
        .orderBy('parent')
        .execute();
      return rows.map((r) => ({ child: r.child, parent: r.parent, at: Number(r.at) }));
    },

    clearJobProgress: async (child) => {
      await db.deleteFrom('job_progress').where('child', '=', child).execute();
    },
  };
}
