import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { sampleAgent, sampleApp, sampleTask, storeContract } from '../store.contract.js';
import { createPostgresStore, isPostgresUrl } from './postgres-store.js';
import { type TempDatabases, tempDatabases, waitForLockWaiter } from './temp-database.js';

let servers: TempDatabases | Error | undefined;

// No skip when the server is missing: every test fails with the reason (CI provisions it). A
// throwing before() would only mark them cancelled, which reads like a skip in a summary.
before(async () => {
  servers = await tempDatabases().catch((err: Error) => err);
});
after(async () => {
  if (servers && !(servers instanceof Error)) await servers.dropAll();
});

const dbs = {
  create(): Promise<string> {
    if (servers === undefined || servers instanceof Error) throw servers ?? new Error('no PostgreSQL');
    return servers.create();
  },
};

storeContract('postgres', async () => createPostgresStore({ url: await dbs.create() }));

describe('postgres store', () => {
  it('keeps data across close and reopen, and a second open migrates nothing', async () => {
    const url = await dbs.create();
    const first = await createPostgresStore({ url });
    await first.putApp(sampleApp('/web'));
    await first.putTask(sampleTask('web.1', '/web', 'agent-1'));
    await first.close();
    const second = await createPostgresStore({ url });
    try {
      assert.deepEqual(await second.getApp('/web'), sampleApp('/web'));
      assert.deepEqual(await second.getTask('web.1'), sampleTask('web.1', '/web', 'agent-1'));
    } finally {
      await second.close();
    }
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    try {
      const { rows } = await raw.query('select name from kysely_migration order by name');
      assert.deepEqual(
        rows.map((r: { name: string }) => r.name),
        Object.keys((await import('../sql/migrations/index.js')).storeMigrations).sort(),
      );
    } finally {
      await raw.end();
    }
  });

  it('two stores on one database (two masters) migrate together and serialise their transactions', async () => {
    const url = await dbs.create();
    const [a, b] = await Promise.all([createPostgresStore({ url }), createPostgresStore({ url })]);
    try {
      await a.putAgent(sampleAgent('counter', { attributes: { n: '0' } }));
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? a : b).transaction(async (tx) => {
            const agent = (await tx.getAgent('counter'))!;
            await new Promise((resolve) => setImmediate(resolve));
            agent.attributes['n'] = String(Number(agent.attributes['n']) + 1);
            await tx.putAgent(agent);
          }),
        ),
      );
      assert.equal((await b.getAgent('counter'))?.attributes['n'], '20');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a write from outside waits for an open transaction of another store on the same database', async () => {
    const url = await dbs.create();
    const a = await createPostgresStore({ url });
    const b = await createPostgresStore({ url });
    try {
      await a.putAgent(sampleAgent('x', { attributes: { v: 'initial' } }));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => {
        entered = resolve;
      });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const order: string[] = [];
      const tx = a.transaction(async (t) => {
        const agent = (await t.getAgent('x'))!;
        entered();
        await gate;
        agent.attributes['v'] = `${agent.attributes['v']}+tx`;
        await t.putAgent(agent);
        order.push('tx');
      });
      await inside;
      const outside = b.putAgent(sampleAgent('x', { attributes: { v: 'outside' } })).then(() => {
        order.push('outside');
      });
      // Release only once PostgreSQL shows the outside write queued on the advisory lock.
      await waitForLockWaiter(url, 'no session ever waited on the store write lock');
      assert.deepEqual(order, []);
      release();
      await Promise.all([tx, outside]);
      assert.deepEqual(order, ['tx', 'outside']);
      assert.equal((await a.getAgent('x'))?.attributes['v'], 'outside');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('recognises postgres URLs for --store', () => {
    assert.equal(isPostgresUrl('postgres://u:p@127.0.0.1/db'), true);
    assert.equal(isPostgresUrl('postgresql://127.0.0.1/db'), true);
    assert.equal(isPostgresUrl('./state.db'), false);
    assert.equal(isPostgresUrl('/var/lib/drover/postgres.db'), false);
  });

  it('fails with a clear error when the database is unreachable', async () => {
    await assert.rejects(
      createPostgresStore({ url: 'postgres://drover:drover@127.0.0.1:1/nope' }),
      /ECONNREFUSED|connect/,
    );
  });
});
