import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDroverError } from '../../domain/errors.js';
import { type Fence, fencedStore, leaseFence } from '../fenced-store.js';
import { GroupCommit } from '../group-commit.js';
import type { LeaderLease } from '../lease-port.js';
import type { Store } from '../port.js';
import { sampleAgent, sampleTask } from '../store.contract.js';
import { createPostgresLease } from './postgres-lease.js';
import { createPostgresStore } from './postgres-store.js';
import { type TempDatabases, tempDatabases, waitForLockWaiter } from './temp-database.js';

let servers: TempDatabases | Error | undefined;
// As in postgres-store.test.ts: a missing server fails every test (CI provisions it), never skips.
before(async () => {
  servers = await tempDatabases().catch((err: Error) => err);
});
after(async () => {
  if (servers && !(servers instanceof Error)) await servers.dropAll();
});

async function fresh(): Promise<{ url: string; store: Store; leases: LeaderLease[]; done(): Promise<void> }> {
  if (servers === undefined || servers instanceof Error) throw servers ?? new Error('no PostgreSQL');
  const url = await servers.create();
  const store = await createPostgresStore({ url });
  const leases: LeaderLease[] = [];
  return {
    url,
    store,
    leases,
    async done() {
      for (const l of leases) await l.close();
      await store.close();
    },
  };
}

function lease(env: { url: string; leases: LeaderLease[] }): LeaderLease {
  const l = createPostgresLease({ url: env.url });
  env.leases.push(l);
  return l;
}

const TTL = 60_000;

describe('postgres leader lease', () => {
  it('one holder at a time; renewals keep the term, every new holder gets a higher one', async () => {
    const env = await fresh();
    try {
      const a = lease(env);
      const b = lease(env);
      const first = await a.acquire({ holder: 'a', address: 'http://a:1', ttlMs: TTL });
      assert.equal(first.held, true);
      assert.equal(first.lease.term, 1);
      assert.equal(first.lease.address, 'http://a:1');

      const refused = await b.acquire({ holder: 'b', address: 'http://b:1', ttlMs: TTL });
      assert.equal(refused.held, false);
      assert.equal(refused.lease.holder, 'a');

      const renewed = await a.acquire({ holder: 'a', address: 'http://a:1', ttlMs: TTL, heldTerm: 1 });
      assert.deepEqual([renewed.held, renewed.lease.term], [true, 1]);
      assert.ok(renewed.lease.expiresAt >= first.lease.expiresAt);

      // Campaigning (no heldTerm) never takes back an unexpired lease, even one's own.
      assert.equal((await a.acquire({ holder: 'a', address: 'http://a:1', ttlMs: TTL })).held, false);

      await a.release('a', 1);
      const taken = await b.acquire({ holder: 'b', address: 'http://b:1', ttlMs: TTL });
      assert.deepEqual([taken.held, taken.lease.term, taken.lease.holder], [true, 2, 'b']);
      // The old holder's renewal fails: its term is over.
      const late = await a.acquire({ holder: 'a', address: 'http://a:1', ttlMs: TTL, heldTerm: 1 });
      assert.deepEqual([late.held, late.lease.holder, late.lease.term], [false, 'b', 2]);
      assert.equal((await a.current())?.holder, 'b');
    } finally {
      await env.done();
    }
  });

  it('an expired lease goes to the next campaigner under a new term', async () => {
    const env = await fresh();
    try {
      const a = lease(env);
      const b = lease(env);
      assert.equal((await a.acquire({ holder: 'a', address: 'a', ttlMs: 1 })).held, true);
      let taken: Awaited<ReturnType<LeaderLease['acquire']>> | undefined;
      for (let i = 0; i < 200 && !taken?.held; i++) {
        taken = await b.acquire({ holder: 'b', address: 'b', ttlMs: TTL });
        if (!taken.held) await new Promise((r) => setTimeout(r, 5));
      }
      assert.deepEqual([taken?.held, taken?.lease.term], [true, 2]);
    } finally {
      await env.done();
    }
  });

  it('concurrent campaigners never share a term, and terms only grow', async () => {
    const env = await fresh();
    try {
      const names = ['a', 'b', 'c'];
      const ls = names.map(() => lease(env));
      const winners = new Map<number, Set<string>>();
      let lastTerm = 0;
      for (let round = 0; round < 15; round++) {
        const results = await Promise.all(
          ls.map((l, i) => l.acquire({ holder: names[i]!, address: names[i]!, ttlMs: TTL })),
        );
        for (const [i, r] of results.entries()) {
          if (!r.held) continue;
          const set = winners.get(r.lease.term) ?? new Set();
          set.add(names[i]!);
          winners.set(r.lease.term, set);
        }
        const now = (await ls[0]!.current())!;
        assert.ok(now.term > lastTerm, `term grew past ${lastTerm}`);
        lastTerm = now.term;
        await ls[names.indexOf(now.holder)]!.release(now.holder, now.term);
      }
      for (const [term, holders] of winners) assert.equal(holders.size, 1, `term ${term}`);
      assert.equal(winners.size, 15);
    } finally {
      await env.done();
    }
  });

  it('a deposed leader cannot write: its fenced store refuses with NOT_LEADER and stores nothing', async () => {
    const env = await fresh();
    try {
      const a = lease(env);
      const b = lease(env);
      await a.acquire({ holder: 'a', address: 'a', ttlMs: TTL });
      const aStore = fencedStore(env.store, leaseFence('a', 1));
      await aStore.putTask(sampleTask('t1', '/web', 'agent-1'));
      await a.release('a', 1);
      await b.acquire({ holder: 'b', address: 'b', ttlMs: TTL });
      const bStore = fencedStore(env.store, leaseFence('b', 2));

      await assert.rejects(aStore.putTask(sampleTask('t2', '/web', 'agent-1')), (e) => {
        assert.ok(isDroverError(e) && e.code === 'NOT_LEADER', String(e));
        return true;
      });
      await assert.rejects(
        aStore.transaction(async (tx) => {
          await tx.deleteTask('t1');
        }),
        /no longer leads/,
      );
      assert.deepEqual(
        (await env.store.listTasks()).map((t) => t.id),
        ['t1'],
      );
      // Reads still work for the deposed one (standbys read).
      assert.equal((await aStore.getTask('t1'))?.id, 't1');
      await bStore.putTask(sampleTask('t3', '/web', 'agent-1'));
      assert.deepEqual(
        (await env.store.listTasks()).map((t) => t.id),
        ['t1', 't3'],
      );
    } finally {
      await env.done();
    }
  });

  it('a renewal does not wait for the store write lock; a release sent behind it still ends the lease (DELETE /v2/leader)', async () => {
    const env = await fresh();
    try {
      const a = lease(env);
      const b = lease(env);
      await a.acquire({ holder: 'a', address: 'a', ttlMs: TTL });
      // A store write holds the write lock; the leader's periodic renewal does not wait for it
      // (a busy leader's renewals starved behind its own writes and it stepped down)...
      let entered!: () => void;
      const inside = new Promise<void>((r) => {
        entered = r;
      });
      let open!: () => void;
      const gate = new Promise<void>((r) => {
        open = r;
      });
      const write = env.store.transaction(async (tx) => {
        entered();
        await gate;
        await tx.putAgent(sampleAgent('holding-the-lock'));
      });
      await inside;
      const renewal = a.acquire({ holder: 'a', address: 'a', ttlMs: TTL, heldTerm: 1 });
      // ...and the leader abdicates. Its release must not be undone by that renewal.
      const released = a.release('a', 1);
      const renewed = await renewal;
      assert.deepEqual([renewed.held, renewed.lease.term], [true, 1], 'renewed under the same term');
      await released;
      open();
      await write;
      const taken = await b.acquire({ holder: 'b', address: 'b', ttlMs: TTL });
      assert.deepEqual(
        [taken.held, taken.lease.holder],
        [true, 'b'],
        'a standby takes the released lease at once',
      );
    } finally {
      await env.done();
    }
  });

  it('a group-committed batch checks the term once, and a deposed leader’s batch is refused whole: nothing stored, nothing acknowledged', async () => {
    const env = await fresh();
    try {
      const a = lease(env);
      const b = lease(env);
      await a.acquire({ holder: 'a', address: 'a', ttlMs: TTL });
      let fenceReads = 0;
      const counted: Fence = async (tx) => {
        fenceReads++;
        await leaseFence('a', 1)(tx);
      };
      const aStore = fencedStore(env.store, counted);
      // Batches form while the flush waits for its turn (the master's queue): held shut here.
      let open!: () => void;
      let opened = new Promise<void>((r) => {
        open = r;
      });
      const failures: number[] = [];
      const gc = new GroupCommit(aStore, () => 0, {
        schedule: (flush) => opened.then(flush),
        onFailure: (_err, n) => failures.push(n),
      });
      // Writes through the Store (not only `tx`) join the batch, as the master's helpers do.
      const first = [1, 2, 3, 4, 5].map((i) =>
        gc.submit(() => aStore.putTask(sampleTask(`t${i}`, '/web', 'agent-1'))),
      );
      open();
      await Promise.all(first);
      assert.equal(fenceReads, 1, 'one lease read for the whole batch');
      assert.equal((await env.store.listTasks()).length, 5);

      opened = new Promise<void>((r) => {
        open = r;
      });
      const acked: number[] = [];
      const second = [6, 7, 8].map((i) =>
        gc.submit(() => aStore.putTask(sampleTask(`t${i}`, '/web', 'agent-1'))).then(() => acked.push(i)),
      );
      // The term ends while the batch waits for its turn.
      await a.release('a', 1);
      await b.acquire({ holder: 'b', address: 'b', ttlMs: TTL });
      open();
      const results = await Promise.allSettled(second);
      for (const r of results) {
        assert.equal(r.status, 'rejected');
        const e = (r as PromiseRejectedResult).reason;
        assert.ok(isDroverError(e) && e.code === 'NOT_LEADER', String(e));
      }
      assert.deepEqual(acked, []);
      assert.deepEqual(failures, [3]);
      assert.equal((await env.store.listTasks()).length, 5);
    } finally {
      await env.done();
    }
  });

  it('a takeover waits for the old term’s open write transaction, which commits first', async () => {
    const env = await fresh();
    try {
      const a = lease(env);
      const b = lease(env);
      await a.acquire({ holder: 'a', address: 'a', ttlMs: 1 });
      const aStore = fencedStore(env.store, leaseFence('a', 1));
      let entered!: () => void;
      const inside = new Promise<void>((r) => {
        entered = r;
      });
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const write = aStore.transaction(async (tx) => {
        entered();
        await gate;
        await tx.putAgent(sampleAgent('written-under-term-1'));
      });
      await inside;
      const takeover = b.acquire({ holder: 'b', address: 'b', ttlMs: TTL });
      await waitForLockWaiter(env.url, 'the takeover never waited on the store write lock');
      release();
      await write;
      const taken = await takeover;
      assert.deepEqual([taken.held, taken.lease.term], [true, 2]);
      // What the new leader loads after taking over includes the write made under the old term.
      assert.ok(await env.store.getAgent('written-under-term-1'));
      await assert.rejects(aStore.putAgent(sampleAgent('too-late')), /no longer leads/);
      assert.equal(await env.store.getAgent('too-late'), undefined);
    } finally {
      await env.done();
    }
  });
});
