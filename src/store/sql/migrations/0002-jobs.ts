/**
 * Scheduled jobs: definitions, run records and dependency progress. The primary key of job_runs,
 * (job, due_at), is what makes an occurrence fire once: a second insert of it fails.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('json', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('job_runs')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    // 1 while queued, running or retrying: the master reloads these at start.
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('job_runs_pk', ['job', 'due_at'])
    .execute();
  await db.schema.createIndex('job_runs_active_idx').on('job_runs').column('active').execute();

  await db.schema
    .createTable('job_progress')
    .addColumn('child', 'text', (c) => c.notNull())
    .addColumn('parent', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('job_progress_pk', ['child', 'parent'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['job_progress', 'job_runs', 'jobs'])
    await db.schema.dropTable(table).ifExists().execute();
}
