/**
 * The master acknowledges an agent's status update only after the batch holding it committed
 * (store/group-commit.ts): a store that fails before the commit gets no ack out of it, the link is
 * dropped so the agent re-sends, and the term is told to end.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type MasterToAgent, PROTOCOL_VERSION } from '../domain/agent-protocol.js';
import { seededRandom, sequentialIds } from '../platform/ids.js';
import { silentLogger } from '../platform/logger.js';
import { createMemoryLinkPair } from '../platform/memory-link.js';
import { FakeClock } from '../platform/testing/fake-clock.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { Store } from '../store/port.js';
import { Master } from './master.js';

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(cond(), 'condition not reached');
};

test('a status update is acked after its batch commits, and never when the commit fails', async () => {
  const base = createMemoryStore();
  let failing = false;
  const store: Store = {
    ...base,
    transaction: (fn) =>
      base.transaction(async (tx) => {
        const result = await fn(tx);
        if (failing) throw new Error('the database went away before the commit');
        return result;
      }),
  };
  const storeFailures: unknown[] = [];
  const master = await Master.create({
    store,
    clock: new FakeClock(),
    ids: sequentialIds(),
    random: seededRandom(1),
    logger: silentLogger(),
    http: { host: '127.0.0.1', port: 8080 },
    onStoreFailure: (err) => storeFailures.push(err),
  });
  const { agentEnd, masterEnd } = createMemoryLinkPair();
  const received: MasterToAgent[] = [];
  let closed = false;
  agentEnd.onMessage((m) => received.push(m));
  agentEnd.onClose(() => {
    closed = true;
  });
  master.connectAgent(masterEnd, { trusted: true });
  agentEnd.send({
    type: 'register',
    protocolVersion: PROTOCOL_VERSION,
    agentId: 'a1',
    hostname: 'a1',
    address: '127.0.0.1',
    resources: { cpus: 1, mem: 128, disk: 0, ports: [] },
    attributes: {},
    capabilities: { docker: false },
    runningTasks: [],
  });
  await until(() => received.some((m) => m.type === 'registered'));
  assert.equal((await base.getAgent('a1'))?.hostname, 'a1', 'registered only once stored');

  const update = (updateId: string) =>
    agentEnd.send({
      type: 'statusUpdate',
      updateId,
      agentId: 'a1',
      taskId: 'gone.1',
      appId: '/gone',
      state: 'TASK_FINISHED',
      timestamp: 0,
    });
  update('u1');
  await until(() => received.some((m) => m.type === 'ack' && m.updateId === 'u1'));

  failing = true;
  update('u2');
  await until(() => closed);
  assert.equal(
    received.some((m) => m.type === 'ack' && m.updateId === 'u2'),
    false,
  );
  assert.equal(storeFailures.length, 1);
  await master.stop();
});
