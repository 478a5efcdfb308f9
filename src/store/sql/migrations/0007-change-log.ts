/**
 * The change log a warm standby follows (change-feed-port.ts): every insert, update and delete of
 * what a new leader loads appends a row `(seq, tbl, key)` to `store_changes`, written by triggers
 * inside the writing transaction. Triggers rather than code in the store ops, so no write path
 * (today's ops, ops added later, bulk inserts of a bench seed) can change a loaded table without
 * a standby hearing of it. `key` is the row id for tasks and agents, which a standby re-reads one
 * by one; '' for the small tables, which it reloads whole when any of their rows changed.
 *
 * `seq` grows with commit order: every writer holds the store's write lock (postgres/write-lock.ts;
 * SQLite has one writer) from its first statement to its commit. `store_change_floor` is the seq
 * up to which old rows were pruned: a standby whose position is below it missed changes and
 * loads everything again. Existing rows are kept as they are: a standby loads them whole first.
 */
import { type Kysely, PostgresAdapter, sql } from 'kysely';

/** Tables a standby follows row by row (their rows have an `id`). */
export const KEYED_TABLES = ['tasks', 'agents'] as const;
/** Tables a standby reloads whole when one of their rows changed. */
export const WHOLE_TABLES = [
  'apps',
  'task_failures',
  'deployments',
  'root_group_versions',
  'jobs',
  'job_runs',
  'job_progress',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('store_changes')
    .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) =>
      // AUTOINCREMENT: SQLite must never hand out a pruned seq again.
      postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('tbl', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('store_change_floor')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into store_change_floor (id, seq) values (1, 0)`.execute(db);
  if (postgres) await postgresTriggers(db);
  else await sqliteTriggers(db);
}

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  await sql`create or replace function drover_note_row_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        insert into store_changes (tbl, key) values (tg_table_name, old.id);
      else
        insert into store_changes (tbl, key) values (tg_table_name, new.id);
      end if;
      return null;
    end $$`.execute(db);
  // One row per statement: the standby only needs to know the table changed.
  await sql`create or replace function drover_note_table_change() returns trigger language plpgsql as $$
    begin
      insert into store_changes (tbl, key) values (tg_table_name, '');
      return null;
    end $$`.execute(db);
  for (const t of KEYED_TABLES) {
    await sql`create trigger ${sql.raw(`${t}_change_log`)} after insert or update or delete on ${sql.table(t)}
      for each row execute function drover_note_row_change()`.execute(db);
  }
  for (const t of WHOLE_TABLES) {
    await sql`create trigger ${sql.raw(`${t}_change_log`)} after insert or update or delete on ${sql.table(t)}
      for each statement execute function drover_note_table_change()`.execute(db);
  }
}

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const events = [
    ['insert', 'new'],
    ['update', 'new'],
    ['delete', 'old'],
  ] as const;
  for (const t of [...KEYED_TABLES, ...WHOLE_TABLES]) {
    const keyed = (KEYED_TABLES as readonly string[]).includes(t);
    for (const [event, row] of events) {
      const key = keyed ? `${row}.id` : `''`;
      await sql
        .raw(
          `create trigger ${t}_change_log_${event} after ${event} on ${t} begin ` +
            `insert into store_changes (tbl, key) values ('${t}', ${key}); end`,
        )
        .execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const t of [...KEYED_TABLES, ...WHOLE_TABLES]) {
    if (postgres) await sql.raw(`drop trigger if exists ${t}_change_log on ${t}`).execute(db);
    else
      for (const e of ['insert', 'update', 'delete'])
        await sql.raw(`drop trigger if exists ${t}_change_log_${e}`).execute(db);
  }
  if (postgres) {
    await sql`drop function if exists drover_note_row_change()`.execute(db);
    await sql`drop function if exists drover_note_table_change()`.execute(db);
  }
  await db.schema.dropTable('store_change_floor').ifExists().execute();
  await db.schema.dropTable('store_changes').ifExists().execute();
}
