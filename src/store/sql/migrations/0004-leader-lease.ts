/**
 * The leader lease: one row (id 1), created here so every later statement is an UPDATE that can
 * compare and set in one go. expires_at_ms is epoch milliseconds of the database's clock, so
 * masters whose clocks disagree still agree on who holds it.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('leader_lease')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('term', 'bigint', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into leader_lease (id, holder, term, address, expires_at_ms) values (1, '', 0, '', 0)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('leader_lease').ifExists().execute();
}
