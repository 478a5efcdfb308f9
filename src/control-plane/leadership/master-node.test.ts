/**
 * A sole leader whose state cannot load: by default the node gives the term up (another master
 * might lead); `drover up` (onLoadFailure 'fail') has nobody else, so settled() rejects with the
 * load error instead and the process ends.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../platform/testing/fake-clock.js';
import { createMemoryStore } from '../../store/memory-store.js';
import type { Store } from '../../store/port.js';
import { TEST_NODE_URL, testNodeDeps } from '../testing/node-deps.js';
import { SoleLeader } from './election.js';
import { MasterNode } from './master-node.js';

function storeFailingLoads(): { store: Store; loads: () => number } {
  const inner = createMemoryStore();
  let loads = 0;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'listApps')
        return async () => {
          loads += 1;
          throw new Error('state unreadable');
        };
      return Reflect.get(target, prop, receiver);
    },
  });
  return { store, loads: () => loads };
}

function node(store: Store, onLoadFailure?: 'fail'): MasterNode {
  return new MasterNode({
    deps: testNodeDeps(new FakeClock()),
    store,
    selfUrl: TEST_NODE_URL,
    election: new SoleLeader(TEST_NODE_URL),
    ...(onLoadFailure ? { onLoadFailure } : {}),
  });
}

describe('MasterNode load failure', () => {
  it("onLoadFailure 'fail': settled() rejects with the load error, and no second load is tried", async () => {
    const { store, loads } = storeFailingLoads();
    const n = node(store, 'fail');
    n.start();
    await assert.rejects(n.settled(), /state unreadable/);
    await assert.rejects(n.settled(), /state unreadable/);
    assert.equal(n.master, undefined);
    assert.equal(loads(), 1);
    await n.stop();
  });
});
