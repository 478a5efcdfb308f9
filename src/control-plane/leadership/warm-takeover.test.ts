/**
 * MasterNode with a warm standby (SQLite store, its real change feed; the election driven by the
 * test): it does not campaign until warm; a term deposed while catching up leaves the standby
 * loaded and following, so the next term catches up instead of loading everything again (the
 * livelock of a load outlasting the lease cannot start over), and so does a term elected cold
 * and deposed mid-load; a term's own memory is never followed afterwards (a new standby loads
 * from the store).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { FakeClock } from '../../platform/testing/fake-clock.js';
import type { ChangeFeed } from '../../store/change-feed-port.js';
import { sampleApp, sampleTask } from '../../store/contract-support.js';
import type { Store } from '../../store/port.js';
import { createSqliteStore } from '../../store/sqlite/sqlite-store.js';
import { TEST_NODE_URL, testNodeDeps } from '../testing/node-deps.js';
import type { Election, ElectionHandlers } from './election.js';
import { MasterNode } from './master-node.js';

/** Waits for a condition reached by real I/O (SQLite), turning the event loop; no clock involved. */
async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200_000; i++) {
    if (cond()) return;
    await turn();
  }
  throw new Error(`never: ${what}`);
}

class TestElection implements Election {
  handlers: ElectionHandlers | undefined;
  start(handlers: ElectionHandlers): void {
    this.handlers = handlers;
  }
  async abdicate(): Promise<void> {}
  async stop(): Promise<void> {}
}

/** The store, counting full task loads, with a feed read and a full load the test can hold. */
function instrumented(store: Store) {
  const feed = store.changes as ChangeFeed;
  const counts = { fullLoads: 0, sinceCalls: 0 };
  const gates: { since?: Promise<void>; load?: Promise<void> } = {};
  const held: ChangeFeed = {
    ...feed,
    since: async (seq, limit) => {
      counts.sinceCalls += 1;
      if (gates.since) await gates.since;
      return feed.since(seq, limit);
    },
  };
  const wrapped: Store = {
    ...store,
    listTasks: async (filter) => {
      if (filter === undefined) {
        counts.fullLoads += 1;
        if (gates.load) await gates.load;
      }
      return store.listTasks(filter);
    },
    changes: held,
  };
  return {
    store: wrapped,
    counts,
    /** Holds every `which` call until the returned function is called. */
    hold(which: 'since' | 'load' = 'since'): () => void {
      let open: () => void = () => {};
      gates[which] = new Promise<void>((resolve) => {
        open = resolve;
      });
      return () => {
        delete gates[which];
        open();
      };
    },
  };
}

function testNode(store: Store, clock: FakeClock, election: TestElection): MasterNode {
  return new MasterNode({
    deps: testNodeDeps(clock),
    store,
    selfUrl: TEST_NODE_URL,
    election,
    warmStandby: { pollMs: 300 },
  });
}

describe('MasterNode with a warm standby', () => {
  it('campaigns once warm; deposed mid catch-up keeps the standby; the next term catches up', async () => {
    const base = await createSqliteStore({ path: ':memory:' });
    await base.putApp(sampleApp('/a'));
    for (let i = 0; i < 20; i++) await base.putTask(sampleTask(`a.${i}`, '/a', 'agent-1'));
    const { store, counts, hold } = instrumented(base);
    const clock = new FakeClock();
    const election = new TestElection();
    const node = testNode(store, clock, election);
    try {
      node.start();
      const handlers = election.handlers!;
      assert.equal(handlers.mayCampaign?.(), false, 'cold: no campaign');
      await clock.advance(0);
      await until('the standby is warm', () => node.warmStandby?.warm === true);
      assert.equal(handlers.mayCampaign?.(), true);
      assert.equal(counts.fullLoads, 1);
      const standby = node.warmStandby!;

      // A write after the standby's load, then a term that loses its lease while catching up.
      await base.putTask(sampleTask('late', '/a', 'agent-2'));
      const release = hold();
      const sinceBefore = counts.sinceCalls;
      handlers.elected(1);
      await until('the catch-up reads the feed', () => counts.sinceCalls > sinceBefore);
      handlers.deposed(1, 'lease lost');
      const position = standby.position;
      release();
      await until('the catch-up lands', () => standby.position > position);
      await turn(); // takeOver resumes after the catch-up it awaited
      assert.equal(node.master, undefined, 'the deposed term never started');
      assert.equal(node.warmStandby, standby, 'the same standby goes on');
      assert.equal(standby.warm, true);
      assert.equal(counts.fullLoads, 1, 'nothing loaded again from scratch');

      // The next term: a catch-up of what changed since, no full load.
      await base.deleteTask('a.0');
      handlers.elected(2);
      await until('the next term leads', () => node.master !== undefined);
      assert.equal(counts.fullLoads, 1, 'the takeover caught up instead of loading everything');
      assert.ok(node.master!.getTask('late'), 'a write from before the first takeover');
      assert.equal(node.master!.getTask('a.0'), undefined, 'a delete from between the two terms');
      assert.equal(node.master!.listTasks().length, 20);
      assert.equal(node.warmStandby, undefined, 'the standby was handed over');

      // Deposed: the term's memory is not followed; a new standby loads from the store.
      handlers.deposed(2, 'lease lost');
      await clock.advance(0);
      await until('a new standby is warm', () => node.warmStandby?.warm === true);
      assert.notEqual(node.warmStandby, standby);
      assert.equal(counts.fullLoads, 2);
    } finally {
      await node.stop();
      await base.close();
    }
  });

  it('elected cold (it could not load before), deposed mid-load: the load is kept, never redone', async () => {
    const base = await createSqliteStore({ path: ':memory:' });
    await base.putApp(sampleApp('/a'));
    for (let i = 0; i < 5; i++) await base.putTask(sampleTask(`a.${i}`, '/a', 'agent-1'));
    const { store, counts, hold } = instrumented(base);
    const clock = new FakeClock();
    const election = new TestElection();
    const node = testNode(store, clock, election);
    try {
      const release = hold('load');
      node.start();
      const handlers = election.handlers!;
      // The standby's own first load is held; the election lets it campaign anyway (say it failed).
      await clock.advance(0);
      await until('the standby starts loading', () => counts.fullLoads === 1);
      handlers.elected(1);
      handlers.deposed(1, 'lease lost while loading');
      release();
      await until('the load lands in the standby', () => node.warmStandby?.warm === true);
      await turn();
      assert.equal(node.master, undefined);
      assert.equal(counts.fullLoads, 1);

      await base.putTask(sampleTask('late', '/a', 'agent-1'));
      handlers.elected(2);
      await until('the next term leads', () => node.master !== undefined);
      assert.equal(counts.fullLoads, 1, "the second term caught up on the first one's load");
      assert.ok(node.master!.getTask('late'));
      assert.equal(node.master!.listTasks().length, 6);
    } finally {
      await node.stop();
      await base.close();
    }
  });
});
