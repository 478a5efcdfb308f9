import assert from 'node:assert/strict';
import { chmodSync, existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { sampleAgent, sampleApp, sampleFailure, sampleTask, storeContract } from '../store.contract.js';
import { createSqliteStore } from './sqlite-store.js';

let root = '';
let n = 0;
/** A new file per store, in a directory that does not exist yet (the store creates it). */
const freshPath = () => {
  n += 1;
  return join(root, `store-${n}`, 'nested', 'drover.sqlite');
};

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'drover-sqlite-store-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

storeContract('sqlite', () => createSqliteStore({ path: freshPath() }));

describe('sqlite store', () => {
  it('creates the parent directory and keeps data across close and reopen', async () => {
    const path = freshPath();
    assert.equal(existsSync(path), false);
    const first = await createSqliteStore({ path });
    await first.putApp(sampleApp('/web', '2024-01-01T00:00:00.000Z'));
    await first.putApp(sampleApp('/web', '2024-02-01T00:00:00.000Z', { instances: 3 }));
    await first.putTask(sampleTask('web.1', '/web', 'agent-1'));
    await first.putAgent(sampleAgent('agent-1'));
    await first.putTaskFailure(sampleFailure('/web'));
    await first.close();
    assert.equal(existsSync(path), true);

    // Reopening runs the migrator again: it must find nothing to do.
    const second = await createSqliteStore({ path });
    try {
      assert.deepEqual(
        await second.getApp('/web'),
        sampleApp('/web', '2024-02-01T00:00:00.000Z', { instances: 3 }),
      );
      assert.deepEqual(await second.listAppVersions('/web'), [
        '2024-02-01T00:00:00.000Z',
        '2024-01-01T00:00:00.000Z',
      ]);
      assert.deepEqual(await second.getTask('web.1'), sampleTask('web.1', '/web', 'agent-1'));
      assert.deepEqual(await second.getAgent('agent-1'), sampleAgent('agent-1'));
      assert.deepEqual(await second.getTaskFailure('/web'), sampleFailure('/web'));
    } finally {
      await second.close();
    }
  });

  it('uses WAL and records its migrations', async () => {
    const path = freshPath();
    await (await createSqliteStore({ path })).close();
    const raw = new Database(path, { readonly: true });
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      const tables = raw
        .prepare(
          "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
        )
        .all()
        .map((r) => (r as { name: string }).name);
      for (const t of ['agents', 'app_versions', 'apps', 'task_failures', 'tasks'])
        assert.ok(tables.includes(t), t);
      const applied = raw
        .prepare('select name from kysely_migration order by name')
        .all()
        .map((r) => (r as { name: string }).name);
      assert.deepEqual(applied, [
        '0001-initial',
        '0002-jobs',
        '0003-deployments',
        '0004-leader-lease',
        '0005-security',
        '0006-event-subscriptions',
        '0007-change-log',
      ]);
    } finally {
      raw.close();
    }
  });

  it('creates the database and its WAL and SHM files 0600, and narrows an existing 0644 file', async () => {
    const path = freshPath();
    const store = await createSqliteStore({ path });
    try {
      await store.putApp(sampleApp('/web'));
      for (const f of [path, `${path}-wal`, `${path}-shm`]) {
        assert.equal(statSync(f).mode & 0o777, 0o600, f);
      }
    } finally {
      await store.close();
    }
    // A database created before Drover narrowed its modes (or copied with a wide umask).
    chmodSync(path, 0o644);
    await (await createSqliteStore({ path })).close();
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('works on :memory: for throwaway stores', async () => {
    const store = await createSqliteStore({ path: ':memory:' });
    try {
      await store.putApp(sampleApp('/web'));
      assert.deepEqual(await store.getApp('/web'), sampleApp('/web'));
    } finally {
      await store.close();
    }
  });

  it('a second store on the same file sees committed writes', async () => {
    const path = freshPath();
    const a = await createSqliteStore({ path });
    const b = await createSqliteStore({ path });
    try {
      await a.transaction(async (tx) => {
        await tx.putApp(sampleApp('/web'));
        await tx.putTask(sampleTask('web.1', '/web', 'agent-1'));
      });
      assert.deepEqual(await b.getApp('/web'), sampleApp('/web'));
      assert.equal((await b.listTasks({ appId: '/web' })).length, 1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
