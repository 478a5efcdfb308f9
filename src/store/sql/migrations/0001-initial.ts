/**
 * Apps with every version kept, tasks, agents and each app's last task failure. Migrations take
 * Kysely<unknown>: they describe the schema as it was then, not the current StoreDatabase type.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('apps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('json', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('app_versions')
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('app_versions_pk', ['app_id', 'version'])
    .addForeignKeyConstraint('app_versions_app_fk', ['app_id'], 'apps', ['id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();

  // No foreign keys to apps here: the caller deletes an app before or after its tasks, as it likes.
  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tasks_app_id_idx').on('tasks').column('app_id').execute();
  await db.schema.createIndex('tasks_agent_id_idx').on('tasks').column('agent_id').execute();

  await db.schema
    .createTable('agents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('json', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('task_failures')
    .addColumn('app_id', 'text', (c) => c.primaryKey())
    .addColumn('json', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['task_failures', 'agents', 'tasks', 'app_versions', 'apps']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
