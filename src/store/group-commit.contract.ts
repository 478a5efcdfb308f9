/**
 * The group commit layer (group-commit.ts) on each adapter, real databases included: one
 * transaction per batch, results only after the commit, and a batch that fails or never commits
 * (a crash between enqueue and commit) acknowledges nothing and stores nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { perTestStore, sampleTask } from './contract-support.js';
import { GroupCommit } from './group-commit.js';
import type { Store } from './port.js';

/** `store` whose transactions are counted, and which can be made to die before committing. */
function instrumented(store: Store) {
  const seen = { transactions: 0, crashBeforeCommit: false };
  const wrapped: Store = {
    ...store,
    transaction: (fn) => {
      seen.transactions += 1;
      return store.transaction(async (tx) => {
        const result = await fn(tx);
        if (seen.crashBeforeCommit) throw new Error('crashed before the commit');
        return result;
      });
    },
  };
  return { seen, wrapped };
}

/** A schedule held shut until `open()`, as the master's queue is while it works. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, schedule: async (flush: () => Promise<void>) => opened.then(flush) };
}

export function groupCommitContract(make: () => Promise<Store>): void {
  const withStore = perTestStore(make);

  describe('group commit', () => {
    it(
      'writes submitted while a flush waits go in one transaction and settle after it commits',
      withStore(async (store) => {
        const { seen, wrapped } = instrumented(store);
        const g = gate();
        const gc = new GroupCommit(wrapped, () => 0, { schedule: g.schedule });
        const settled: number[] = [];
        let settledBeforeLastWrite = -1;
        const writes = Array.from({ length: 50 }, (_, i) =>
          gc
            .submit(async () => {
              // Any store call joins the batch's transaction, not only calls on `tx`.
              await store.putTask(sampleTask(`web.${i}`, '/web', 'agent-1'));
              if (i === 49) settledBeforeLastWrite = settled.length;
              return i;
            })
            .then((v) => {
              settled.push(v);
              return v;
            }),
        );
        assert.equal(seen.transactions, 0);
        g.open();
        assert.deepEqual(await Promise.all(writes), [...Array(50).keys()]);
        assert.equal(seen.transactions, 1);
        assert.equal(settledBeforeLastWrite, 0, 'no write may settle before the batch committed');
        assert.equal((await store.listTasks()).length, 50);
        assert.deepEqual(gc.stats().batches, 1);
      }),
    );

    it(
      'a crash between enqueue and commit acknowledges nothing and stores nothing',
      withStore(async (store) => {
        const { seen, wrapped } = instrumented(store);
        seen.crashBeforeCommit = true;
        const g = gate();
        const failures: number[] = [];
        const gc = new GroupCommit(wrapped, () => 0, {
          schedule: g.schedule,
          onFailure: (_err, n) => failures.push(n),
        });
        const acks: number[] = [];
        const writes = [1, 2, 3].map((i) =>
          gc.submit((tx) => tx.putTask(sampleTask(`web.${i}`, '/web', 'agent-1'))).then(() => acks.push(i)),
        );
        g.open();
        const results = await Promise.allSettled(writes);
        assert.deepEqual(
          results.map((r) => r.status),
          ['rejected', 'rejected', 'rejected'],
        );
        assert.deepEqual(acks, []);
        assert.deepEqual(failures, [3]);
        assert.deepEqual(await store.listTasks(), []);
      }),
    );

    it(
      'one failing write rolls the whole batch back; the next batch goes on',
      withStore(async (store) => {
        const g = gate();
        const gc = new GroupCommit(store, () => 0, { schedule: g.schedule });
        const good = gc.submit((tx) => tx.putTask(sampleTask('web.1', '/web', 'agent-1')));
        const bad = gc.submit(async () => {
          throw new Error('boom');
        });
        g.open();
        await assert.rejects(good);
        await assert.rejects(bad, /boom/);
        assert.deepEqual(await store.listTasks(), []);
        await gc.submit((tx) => tx.putTask(sampleTask('web.2', '/web', 'agent-1')));
        assert.deepEqual(
          (await store.listTasks()).map((t) => t.id),
          ['web.2'],
        );
      }),
    );

    it(
      "a batch's task writes land at its commit as the calls one by one would leave them; reads inside see them",
      withStore(async (store) => {
        await store.putTask(sampleTask('old.1', '/web', 'agent-1'));
        const g = gate();
        const gc = new GroupCommit(store, () => 0, { schedule: g.schedule });
        const seenInside: string[][] = [];
        const writes = [
          gc.submit(async (tx) => {
            const t = sampleTask('web.1', '/web', 'agent-1');
            await store.putTask(t);
            // Changed after the put: the stored copy is the one given.
            t.state = 'TASK_FAILED';
            await tx.putTask(sampleTask('web.2', '/web', 'agent-1', { state: 'TASK_STAGING' }));
          }),
          gc.submit(async (tx) => {
            await tx.putTask(sampleTask('web.2', '/web', 'agent-1', { state: 'TASK_STARTING' }));
            await store.transaction(async (inner) => inner.deleteTask('old.1'));
            await tx.putTask(sampleTask('web.3', '/web', 'agent-1'));
            await tx.deleteTask('web.3');
            seenInside.push((await tx.listTasks()).map((t) => t.id).sort());
          }),
          gc.submit(async (tx) => {
            await tx.deleteTask('web.1');
            await tx.putTask(sampleTask('web.1', '/web', 'agent-2'));
            seenInside.push([(await store.getTask('web.2'))?.state ?? 'none']);
          }),
        ];
        g.open();
        await Promise.all(writes);
        assert.deepEqual(seenInside, [['web.1', 'web.2'], ['TASK_STARTING']]);
        const stored = new Map((await store.listTasks()).map((t) => [t.id, t]));
        assert.deepEqual([...stored.keys()].sort(), ['web.1', 'web.2']);
        assert.equal(stored.get('web.1')?.agentId, 'agent-2');
        assert.equal(stored.get('web.2')?.state, 'TASK_STARTING');
      }),
    );

    it(
      'a batch holds at most maxBatch writes; the rest follow in order',
      withStore(async (store) => {
        const { seen, wrapped } = instrumented(store);
        const g = gate();
        const gc = new GroupCommit(wrapped, () => 0, { schedule: g.schedule, maxBatch: 4 });
        const order: number[] = [];
        const writes = Array.from({ length: 10 }, (_, i) =>
          gc.submit(async (tx) => {
            order.push(i);
            await tx.putTask(sampleTask(`web.${i}`, '/web', 'agent-1'));
          }),
        );
        g.open();
        await Promise.all(writes);
        assert.equal(seen.transactions, 3);
        assert.deepEqual(order, [...Array(10).keys()]);
      }),
    );

    it(
      'a batch takes no more writes once its transaction ran maxBatchMs; the rest follow in order',
      withStore(async (store) => {
        const { seen, wrapped } = instrumented(store);
        const g = gate();
        let now = 0;
        const gc = new GroupCommit(wrapped, () => now, { schedule: g.schedule, maxBatchMs: 100 });
        const order: number[] = [];
        const writes = Array.from({ length: 6 }, (_, i) =>
          gc.submit(async (tx) => {
            order.push(i);
            now += 50; // each write takes 50 ms: two fit in a batch
            await tx.putTask(sampleTask(`web.${i}`, '/web', 'agent-1'));
          }),
        );
        g.open();
        await Promise.all(writes);
        assert.equal(seen.transactions, 3);
        assert.deepEqual(order, [...Array(6).keys()]);
        assert.equal((await store.listTasks()).length, 6);
      }),
    );
  });
}
