/**
 * Migration 0007-change-log on stores that already hold data (SQLite and a real PostgreSQL):
 * nothing stored before is lost or changed, the feed starts empty (a standby loads those rows
 * whole), and every write after it is in the feed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { sampleAgent, sampleApp, sampleTask } from '../../contract-support.js';
import type { Store } from '../../port.js';
import { createPostgresStore } from '../../postgres/postgres-store.js';
import { type TempDatabases, tempDatabases } from '../../postgres/temp-database.js';
import { createSqliteStore } from '../../sqlite/sqlite-store.js';
import { migrateToLatest } from '../migrate.js';
import type { StoreDatabase } from '../schema.js';
import { sqlStoreOps } from '../store-ops.js';
import { storeMigrations } from './index.js';

const before0007 = Object.fromEntries(Object.entries(storeMigrations).filter(([name]) => name < '0007'));

let root = '';
let servers: TempDatabases | Error | undefined;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'drover-0007-'));
  servers = await tempDatabases().catch((err: Error) => err);
});
after(async () => {
  await rm(root, { recursive: true, force: true });
  if (servers && !(servers instanceof Error)) await servers.dropAll();
});

/** Writes a small cluster with the migrations before 0007 only, as an older Drover left it. */
async function oldStore(db: Kysely<StoreDatabase>): Promise<void> {
  try {
    await migrateToLatest(db as Kysely<unknown>, before0007);
    const ops = sqlStoreOps(db);
    await ops.putApp(sampleApp('/web'));
    await ops.putAgent(sampleAgent('agent-1'));
    for (let i = 0; i < 5; i++) await ops.putTask(sampleTask(`web.${i}`, '/web', 'agent-1'));
  } finally {
    await db.destroy();
  }
}

async function checkUpgraded(store: Store): Promise<void> {
  try {
    assert.deepEqual(await store.getApp('/web'), sampleApp('/web'));
    assert.deepEqual(await store.getAgent('agent-1'), sampleAgent('agent-1'));
    assert.equal((await store.listTasks()).length, 5);
    const feed = store.changes!;
    assert.equal(await feed.position(), 0);
    await store.deleteTask('web.0');
    await store.putApp(sampleApp('/web', '2024-02-01T00:00:00.000Z'));
    const since = await feed.since(0, 100);
    assert.equal(since.kind, 'changes');
    if (since.kind !== 'changes') return;
    // Distinct: PostgreSQL's upsert fires both the insert and the update statement trigger.
    const distinct = [...new Set(since.changes.map((c) => JSON.stringify(c)))].map((c) => JSON.parse(c));
    assert.deepEqual(distinct, [
      { table: 'tasks', key: 'web.0' },
      { table: 'apps', key: '' },
    ]);
    assert.equal(await feed.position(), since.seq);
  } finally {
    await store.close();
  }
}

describe('migration 0007-change-log', () => {
  it('SQLite: keeps what an older store holds, then logs every write', async () => {
    const path = join(root, 'old.sqlite');
    await oldStore(
      new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: new Database(path) }) }),
    );
    await checkUpgraded(await createSqliteStore({ path }));
  });

  it('PostgreSQL: keeps what an older store holds, then logs every write', async () => {
    if (servers === undefined || servers instanceof Error) throw servers ?? new Error('no PostgreSQL');
    const url = await servers.create();
    await oldStore(
      new Kysely<StoreDatabase>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }),
      }),
    );
    await checkUpgraded(await createPostgresStore({ url }));
  });
});
