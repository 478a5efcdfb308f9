import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDroverError } from '../../domain/errors.js';
import { EventBus } from '../events/event-bus.js';
import { SoleLeader } from './election.js';
import { leaderJobsApi, leaderMasterApi } from './leader-apis.js';
import type { MasterNode } from './master-node.js';

describe('leader APIs', () => {
  it('serve the current term’s master, and NOT_LEADER (503) when there is none', () => {
    const events = new EventBus(() => 0);
    let node: MasterNode | undefined;
    const api = leaderMasterApi(() => node, events);
    assert.equal(api.events, events, 'the event bus is there on a standby too');
    assert.throws(
      () => api.listApps(),
      (e) => isDroverError(e) && e.code === 'NOT_LEADER' && e.status === 503,
    );
    // Awaiting the delegate must not mistake it for a promise.
    assert.equal((api as unknown as { then?: unknown }).then, undefined);
    const fake = { listApps: () => [{ id: '/x' }], jobs: { listJobs: () => ['j'] } };
    node = { master: fake } as unknown as MasterNode;
    assert.deepEqual(api.listApps(), [{ id: '/x' }]);
    assert.deepEqual(leaderJobsApi(() => node).listJobs(), ['j']);
  });
});

describe('SoleLeader', () => {
  it('leads at once; abdicating ends the term and starts the next', async () => {
    const seen: string[] = [];
    const e = new SoleLeader('http://m:1');
    e.start({ elected: (t) => seen.push(`elected ${t}`), deposed: (t) => seen.push(`deposed ${t}`) });
    await e.abdicate();
    await e.stop();
    assert.deepEqual(seen, ['elected 1', 'deposed 1', 'elected 2', 'deposed 2']);
  });
});
