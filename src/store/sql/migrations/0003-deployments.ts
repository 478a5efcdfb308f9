/**
 * Running deployments (resumed by a restarted master) and the versions of the root group. Both
 * are JSON by key; nothing filters inside them.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deployments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('json', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('root_group_versions')
    .addColumn('version', 'text', (c) => c.primaryKey())
    .addColumn('json', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['root_group_versions', 'deployments']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
