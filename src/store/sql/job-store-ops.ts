/**
 * The job queries, dialect-neutral kysely (shared by SQLite and PostgreSQL like store-ops.ts).
 * Epoch-ms columns are bigint: PostgreSQL's driver returns them as strings, hence Number().
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { JobRun, StoredJob } from '../../domain/job.js';
import { isActiveRun } from '../../domain/job.js';
import type { JobStoreOps } from '../job-port.js';
import { decodeJson, encodeJson } from '../json-value.js';
import { chunksOf, lastPerKey } from './batch-chunks.js';
import type { StoreDatabase } from './schema.js';

type Db = Kysely<StoreDatabase>;

const runKey = (job: string, dueAt: number | string) => `${job}\u0000${Number(dueAt)}`;

function atomically(db: Db, body: (db: Db) => Promise<void>): Promise<void> {
  return db.isTransaction ? body(db) : db.transaction().execute(body);
}

type RunRow = { job: string; due_at: number; active: number; json: string };

/**
 * The firing pass's insert of run records (n rows, on conflict nothing, returning the keys),
 * compiled once per row count: kysely parses and compiles every value of a 1,000-row insert
 * again on each call (3-20 ms, a third to half of a firing pass's time before its commit,
 * BENCHMARKS.md job firing), while the statement text for n rows never changes. The
 * parameters are the rows' values in column order, as kysely's own compile gives them.
 */
class InsertRunsText {
  private readonly byRows = new Map<number, string>();

  query(db: Db, chunk: readonly RunRow[]): CompiledQuery<{ job: string; due_at: number | string }> {
    const params: unknown[] = [];
    for (const r of chunk) params.push(r.job, r.due_at, r.active, r.json);
    let text = this.byRows.get(chunk.length);
    if (text === undefined) {
      const compiled = db
        .insertInto('job_runs')
        .values(chunk)
        .onConflict((oc) => oc.columns(['job', 'due_at']).doNothing())
        .returning(['job', 'due_at'])
        .compile();
      // The parameter order above must be kysely's: checked once per text, not assumed.
      if (compiled.parameters.length !== params.length || compiled.parameters.some((p, i) => p !== params[i]))
        throw new Error('insertJobRuns: the compiled parameters are not in the order of RunRow');
      text = compiled.sql;
      this.byRows.set(chunk.length, text);
    }
    return CompiledQuery.raw(text, params);
  }
}

export function sqlJobOps(db: Db): JobStoreOps {
  // Per store: the text depends on the dialect (placeholders).
  const insertRuns = new InsertRunsText();
  return {
    putJob: async (stored: StoredJob) => {
      const json = encodeJson(stored);
      await db
        .insertInto('jobs')
        .values({ name: stored.job.name, json })
        .onConflict((oc) => oc.column('name').doUpdateSet({ json }))
        .execute();
    },

    putJobs: async (jobs) => {
      if (jobs.length === 0) return;
      const rows = lastPerKey(jobs, (j) => j.job.name).map((j) => ({
        name: j.job.name,
        json: encodeJson(j),
      }));
      await atomically(db, async (db) => {
        for (const chunk of chunksOf(rows, 2)) {
          await db
            .insertInto('jobs')
            .values(chunk)
            .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ json: eb.ref('excluded.json') })))
            .execute();
        }
      });
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

    insertJobRuns: async (runs) => {
      if (runs.length === 0) return [];
      // A (job, dueAt) given twice: only its first is offered to the database.
      const first = new Map<string, number>();
      runs.forEach((r, i) => {
        const key = runKey(r.job, r.dueAt);
        if (!first.has(key)) first.set(key, i);
      });
      const offered = [...first.values()].map((i): RunRow => {
        const run = runs[i]!;
        return { job: run.job, due_at: run.dueAt, active: isActiveRun(run) ? 1 : 0, json: encodeJson(run) };
      });
      const inserted = new Set<string>();
      await atomically(db, async (db) => {
        for (const chunk of chunksOf(offered, 4)) {
          const { rows } = await db.executeQuery(insertRuns.query(db, chunk));
          for (const r of rows) inserted.add(runKey(r.job, r.due_at));
        }
      });
      return runs.map((r, i) => {
        const key = runKey(r.job, r.dueAt);
        return first.get(key) === i && inserted.has(key);
      });
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

    putJobRuns: async (runs) => {
      if (runs.length === 0) return;
      const rows = lastPerKey(runs, (r) => runKey(r.job, r.dueAt)).map((run) => ({
        job: run.job,
        due_at: run.dueAt,
        active: isActiveRun(run) ? 1 : 0,
        json: encodeJson(run),
      }));
      await atomically(db, async (db) => {
        for (const chunk of chunksOf(rows, 4)) {
          await db
            .insertInto('job_runs')
            .values(chunk)
            .onConflict((oc) =>
              oc
                .columns(['job', 'due_at'])
                .doUpdateSet((eb) => ({ active: eb.ref('excluded.active'), json: eb.ref('excluded.json') })),
            )
            .execute();
        }
      });
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
